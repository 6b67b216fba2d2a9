package io.guardops.api;

import java.util.Map;

/**
 * One evaluator's verdict. {@code value} is normalised to [0, 1] where the metric allows;
 * {@code details} carries metric-specific numbers (precision, recall, ...).
 */
public record Score(String metric, double value, String explanation, Map<String, Object> details) {
  public Score {
    Checks.notBlank(metric, "metric");
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("score value must be a finite number");
    }
    explanation = explanation == null ? "" : explanation;
    details = Attributes.copyOf(details);
  }
}
