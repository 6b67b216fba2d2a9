package io.guardops.api.store;

import io.guardops.api.eval.TraceScore;
import java.util.List;

/**
 * Scores attached to traces. They leave with their trace: a purge of a project's traces that started
 * before a cutoff purges their scores too (the engine asks both). See {@link Store} for the rules
 * every part follows.
 */
public interface ScoreStore {
  /** Stores a score; one with the same id is replaced. */
  void put(TraceScore score);

  /** The scores of one trace (and its spans), by (creation time, id). */
  List<TraceScore> forTrace(String projectId, String traceId);

  /**
   * Deletes one score of a project.
   *
   * @return {@code false} if there was none
   */
  boolean delete(String projectId, String scoreId);

  /**
   * Per bucket and score name: how many scores, the mean of the numeric ones (null when none is
   * numeric), of the project's traces that started in {@code [from, to)}, by bucket then name.
   */
  List<ScoreAggregate> aggregate(MetricsQuery query);

  /** Deletes up to {@code max} scores of traces that started before {@code cutoffEpochNanos}; returns how many. */
  long purge(String projectId, long cutoffEpochNanos, int max);

  /** A score name's figures in one bucket. */
  record ScoreAggregate(long bucketStartEpochNanos, String name, long count, Double mean) {}
}
