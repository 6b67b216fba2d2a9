package io.guardops.api.eval;

import io.guardops.api.Checks;
import java.time.Instant;
import java.util.Objects;

/**
 * An evaluation of the wire contract: a titled group of framework results in a project, as the
 * original web app and client-side frameworks (Deepeval, ROUGE, MMLU, lm-eval) export them.
 */
public record Evaluation(String evaluationId, String projectId, String ownerId, String title, String description,
    Instant date, Instant createdAt) {
  public Evaluation {
    Checks.notBlank(evaluationId, "evaluationId");
    Checks.notBlank(projectId, "projectId");
    Checks.notBlank(ownerId, "ownerId");
    title = title == null ? "" : title;
    description = description == null ? "" : description;
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
