package io.guardops.plugins.evaluation;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.LinkedHashMap;
import java.util.Map;

/** A fact of the trace (latency, cost) stays within a limit: pass/fail, value 1/0. */
final class TraceThreshold extends BaseEvaluator {
  private final boolean latency;

  private TraceThreshold(boolean latency) {
    super(latency
        ? info("latency_threshold", "1 (pass) when the trace's latency is at most 'max_ms' milliseconds, else 0 "
            + "(fail); needs the item's trace latency", false, false, false,
            required("max_ms", "the largest latency that passes, in milliseconds"))
        : info("cost_threshold", "1 (pass) when the trace's cost is at most 'max_usd' US dollars, else 0 (fail); "
            + "needs the item's trace cost", false, false, false,
            required("max_usd", "the largest cost that passes, in US dollars")));
    this.latency = latency;
  }

  static TraceThreshold latency() {
    return new TraceThreshold(true);
  }

  static TraceThreshold cost() {
    return new TraceThreshold(false);
  }

  private String key() {
    return latency ? "max_ms" : "max_usd";
  }

  @Override
  void check(Map<String, String> p) {
    Double max = number(p, key());
    if (max != null && max < 0) {
      throw new IllegalArgumentException(name() + ": parameter '" + key() + "' must not be negative, was " + max);
    }
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    Double max = number(parameters, key());
    if (max == null) {
      throw new IllegalArgumentException(name() + " needs the parameter '" + key() + "'");
    }
    EvalItem.TraceFacts t = item.trace();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put(key(), max);
    if (latency) {
      if (t == null || t.latencyNanos() == null) {
        throw new IllegalArgumentException(name() + " needs the item's trace latency and the item has none");
      }
      double ms = t.latencyNanos() / 1e6;
      details.put("latency_ms", ms);
      boolean ok = ms <= max;
      return passFail(ok, String.format(java.util.Locale.ROOT, "latency %.1f ms %s the limit of %s ms", ms,
          ok ? "is within" : "exceeds", max), details);
    }
    if (t == null || t.cost() == null) {
      throw new IllegalArgumentException(name() + " needs the item's trace cost and the item has none");
    }
    details.put("cost_usd", t.cost());
    boolean ok = t.cost() <= max;
    return passFail(ok, String.format(java.util.Locale.ROOT, "cost $%.6f %s the limit of $%s", t.cost(),
        ok ? "is within" : "exceeds", max), details);
  }
}
