package io.guardops.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** What one retention sweep did to one project. */
public record CleanupRecord(String recordId, Instant executedAt, String projectId, Instant cutoff,
    long deletedTraces, long deletedSpans, Duration duration) {
  public CleanupRecord {
    Checks.notBlank(recordId, "recordId");
    Objects.requireNonNull(executedAt, "executedAt");
    Checks.notBlank(projectId, "projectId");
    Objects.requireNonNull(cutoff, "cutoff");
    Checks.notNegative(deletedTraces, "deletedTraces");
    Checks.notNegative(deletedSpans, "deletedSpans");
    Objects.requireNonNull(duration, "duration");
  }
}
