package io.guardops.api.eval;

import io.guardops.api.Checks;
import java.time.Instant;
import java.util.Objects;

/**
 * One framework's result within an {@link Evaluation}, as exported: {@code evalData} is the
 * framework-specific JSON object exactly as sent (keys with dots included), kept as text.
 */
public record EvaluationEntry(String evalId, String evaluationId, String projectId, String name, String framework,
    String evalData, Instant date, Instant createdAt) {
  public EvaluationEntry {
    Checks.notBlank(evalId, "evalId");
    Checks.notBlank(evaluationId, "evaluationId");
    Checks.notBlank(projectId, "projectId");
    name = name == null ? "" : name;
    framework = framework == null ? "" : framework;
    evalData = evalData == null ? "{}" : evalData;
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
