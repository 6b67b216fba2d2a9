package io.guardops.api.eval;

import io.guardops.api.Checks;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Online evaluation of one project: run {@code evaluator} with {@code parameters} on a sampled share
 * of incoming traces, in the background.
 *
 * @param sampleRate the share of traces scored, in (0, 1]
 */
public record OnlineRule(String ruleId, String projectId, String evaluator, Map<String, String> parameters,
    double sampleRate, boolean enabled, String createdBy, Instant createdAt) {
  public OnlineRule {
    Checks.notBlank(ruleId, "ruleId");
    Checks.notBlank(projectId, "projectId");
    Checks.notBlank(evaluator, "evaluator");
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    if (!(sampleRate > 0 && sampleRate <= 1)) {
      throw new IllegalArgumentException("sample rate must be in (0, 1], was " + sampleRate);
    }
    Checks.notBlank(createdBy, "createdBy");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
