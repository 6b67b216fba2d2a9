package io.guardops.api.eval;

import io.guardops.api.Checks;
import java.time.Instant;
import java.util.Objects;

/**
 * A score attached to a trace (or one of its spans) by an application, a person, an online
 * evaluator or an experiment: numeric, boolean (1/0 with label true/false) or categorical (a label),
 * with an optional comment.
 *
 * @param traceStartEpochNanos the trace's start, so scores leave with their trace when retention purges it
 * @param spanId the span scored, or {@code null} for the whole trace
 * @param source {@code api}, {@code human}, {@code online:<evaluator>} or {@code experiment:<id>}
 * @param author the user (or key owner) who attached it
 */
public record TraceScore(String scoreId, String projectId, String traceId, long traceStartEpochNanos, String spanId,
    String name, Double value, String label, String comment, String source, String author, Instant createdAt) {
  public TraceScore {
    Checks.notBlank(scoreId, "scoreId");
    Checks.notBlank(projectId, "projectId");
    Checks.hexId(traceId, 32, "traceId");
    if (spanId != null) {
      Checks.hexId(spanId, 16, "spanId");
    }
    Checks.notBlank(name, "name");
    if (name.length() > 100) {
      throw new IllegalArgumentException("a score name is at most 100 characters");
    }
    if (value != null && (value.isNaN() || value.isInfinite())) {
      throw new IllegalArgumentException("a score's value must be a finite number");
    }
    if (value == null && (label == null || label.isBlank())) {
      throw new IllegalArgumentException("a score needs a value or a label");
    }
    comment = comment == null ? "" : comment;
    if (comment.length() > 10_000) {
      throw new IllegalArgumentException("a comment is at most 10000 characters");
    }
    Checks.notBlank(source, "source");
    Checks.notBlank(author, "author");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
