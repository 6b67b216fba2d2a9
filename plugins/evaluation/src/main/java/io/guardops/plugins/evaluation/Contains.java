package io.guardops.plugins.evaluation;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.Map;

/** The output contains a given text (the {@code value} parameter, else the expected answer). */
final class Contains extends BaseEvaluator {
  Contains() {
    super(info("contains", "1 when the output contains the 'value' parameter (or, without it, the expected answer), "
        + "else 0", false, false, false,
        param("value", "the text to look for; without it the item's expected answer is used", null),
        param("ignore_case", "true to compare case-insensitively", "false")));
  }

  @Override
  void check(Map<String, String> p) {
    bool(p, "ignore_case", false);
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    String value = parameters.get("value");
    String needle = value != null && !value.isEmpty() ? value : expected(item);
    boolean ignoreCase = bool(parameters, "ignore_case", false);
    String hay = ignoreCase ? Texts.lower(item.output()) : item.output();
    String n = ignoreCase ? Texts.lower(needle) : needle;
    int at = hay.indexOf(n);
    String what = value != null && !value.isEmpty() ? "the value" : "the expected answer";
    return passFail(at >= 0, at >= 0 ? "the output contains " + what + " at character " + at
        : "the output does not contain " + what, Map.of("ignore_case", ignoreCase));
  }
}
