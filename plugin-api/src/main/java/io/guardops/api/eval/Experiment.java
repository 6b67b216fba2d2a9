package io.guardops.api.eval;

import io.guardops.api.Checks;
import java.time.Instant;
import java.util.Objects;

/**
 * One run of a dataset version through a task and a set of evaluators. {@code definition} is the
 * run's task, evaluators, parameters and thresholds as the engine serialised them (JSON text); the
 * store keeps it as it is.
 *
 * @param projectId where the run's model calls are traced
 * @param cost the cost of the run so far (task and judge calls), or {@code null} when nothing had a price
 */
public record Experiment(String experimentId, String ownerId, String projectId, String datasetId,
    long datasetVersion, String name, String definition, Status status, long total, long done, long failed,
    Double cost, Instant createdAt, Instant startedAt, Instant finishedAt, String error) {

  /** Where a run is. */
  public enum Status {
    PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** Whether the run has ended. */
    public boolean finished() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  public Experiment {
    Checks.notBlank(experimentId, "experimentId");
    Checks.notBlank(ownerId, "ownerId");
    Checks.notBlank(projectId, "projectId");
    Checks.notBlank(datasetId, "datasetId");
    name = name == null ? "" : name;
    definition = definition == null ? "{}" : definition;
    Objects.requireNonNull(status, "status");
    Checks.notNegative(total, "total");
    Checks.notNegative(done, "done");
    Checks.notNegative(failed, "failed");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** This run with new progress. */
  public Experiment progress(Status s, long newDone, long newFailed, Double newCost, Instant started, Instant finished,
      String err) {
    return new Experiment(experimentId, ownerId, projectId, datasetId, datasetVersion, name, definition, s, total,
        newDone, newFailed, newCost, createdAt, started, finished, err);
  }
}
