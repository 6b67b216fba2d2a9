package io.guardops.api.eval;

import io.guardops.api.Attributes;
import io.guardops.api.Checks;
import java.util.Map;

/**
 * One evaluator's verdict on one item.
 *
 * @param metric the evaluator's name ({@code rouge_l}, {@code correctness})
 * @param value the score, normalised to [0, 1] where the metric allows (higher is better); {@code null}
 *     for purely categorical verdicts
 * @param label a category ({@code pass}, {@code fail}, {@code toxic}), or {@code null}
 * @param explanation why, in words (a judge's reasoning); never {@code null}
 * @param usage what producing the score cost (an LLM judge's call), or {@code null} for heuristics
 * @param details metric-specific numbers (precision, recall, ...)
 */
public record EvalScore(String metric, Double value, String label, String explanation, Usage usage,
    Map<String, Object> details) {
  public EvalScore {
    Checks.notBlank(metric, "metric");
    if (value != null && (value.isNaN() || value.isInfinite())) {
      throw new IllegalArgumentException("a score's value must be a finite number");
    }
    if (value == null && label == null) {
      throw new IllegalArgumentException("a score needs a value or a label");
    }
    explanation = explanation == null ? "" : explanation;
    details = Attributes.copyOf(details);
  }

  /** A numeric score without explanation. */
  public static EvalScore of(String metric, double value) {
    return new EvalScore(metric, value, null, "", null, Map.of());
  }

  /** Whether the value passes {@code threshold} (at least it); a label-only score passes when labelled pass. */
  public boolean passes(double threshold) {
    return value != null ? value >= threshold : "pass".equalsIgnoreCase(label);
  }

  /**
   * The model usage behind a score. {@code cost} is {@code null} when the evaluator did not price it;
   * the engine then prices it from its table.
   */
  public record Usage(String model, Long inputTokens, Long outputTokens, Double cost) {}
}
