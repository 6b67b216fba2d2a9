package io.guardops.plugins.evaluation;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.LinkedHashMap;
import java.util.Map;

/** The output's length lies within [min, max], counted in characters or words. */
final class OutputLength extends BaseEvaluator {
  OutputLength() {
    super(info("output_length", "1 when the output's length is within [min, max], else 0 (at least one bound)",
        false, false, false,
        param("min", "the shortest length that passes (inclusive)", null),
        param("max", "the longest length that passes (inclusive)", null),
        param("unit", "chars (Unicode code points) or words (runs of non-whitespace)", "chars")));
  }

  @Override
  void check(Map<String, String> p) {
    Double min = number(p, "min");
    Double max = number(p, "max");
    choice(p, "unit", "chars", "chars", "words");
    if (min == null && max == null) {
      throw new IllegalArgumentException(name() + " needs the parameter 'min' or 'max' (or both)");
    }
    if (min != null && min < 0 || max != null && max < 0) {
      throw new IllegalArgumentException(name() + ": parameters 'min' and 'max' must not be negative");
    }
    if (min != null && max != null && min > max) {
      throw new IllegalArgumentException(name() + ": parameter 'min' (" + min + ") is greater than 'max' (" + max + ")");
    }
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    check(parameters);
    Double min = number(parameters, "min");
    Double max = number(parameters, "max");
    String unit = choice(parameters, "unit", "chars", "chars", "words");
    long length = unit.equals("words") ? Texts.split(item.output()).size()
        : item.output().codePointCount(0, item.output().length());
    boolean ok = (min == null || length >= min) && (max == null || length <= max);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("length", length);
    details.put("unit", unit);
    String range = "[" + (min == null ? "0" : fmt(min)) + ", " + (max == null ? "∞" : fmt(max)) + "]";
    return passFail(ok, "the output has " + length + " " + unit + (ok ? ", within " : ", outside ") + range, details);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
