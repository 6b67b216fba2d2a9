package io.guardops.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One run of one evaluator framework over a dataset or a set of traces. Runs sharing an
 * {@code evaluationId} form one evaluation.
 */
public record EvaluationRun(String runId, String evaluationId, String projectId, String ownerId, String name,
    String framework, Instant executedAt, double totalScore, List<Score> scores) {
  public EvaluationRun {
    Checks.notBlank(runId, "runId");
    Checks.notBlank(evaluationId, "evaluationId");
    Checks.notBlank(projectId, "projectId");
    Checks.notBlank(ownerId, "ownerId");
    name = name == null ? "" : name;
    framework = framework == null ? "" : framework;
    Objects.requireNonNull(executedAt, "executedAt");
    scores = List.copyOf(scores == null ? List.of() : scores);
  }
}
