package io.guardops.plugins.store.sqlite;

import io.guardops.api.eval.TraceScore;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.ScoreStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Scores attached to traces. A trace's scores are read through {@code trace_scores_trace}; the
 * aggregation and the purge go by the trace's start through {@code trace_scores_start}, which also
 * holds the name and value, so neither reads a score row. Scores arrive one at a time from online
 * evaluators and experiments, so {@link #put} is shared work (one commit for those waiting together).
 */
final class SqliteScoreStore implements ScoreStore {
  private static final String COLUMNS = "score_id, project_id, trace_id, trace_start_ns, span_id, name, value, label,"
      + " comment, source, author, created_at";
  static final String FOR_TRACE = "SELECT " + COLUMNS + " FROM trace_scores WHERE project_id = ? AND trace_id = ?"
      + " ORDER BY created_at, score_id";
  /**
   * Bound: the bucket length three times (the floor of the start to its bucket, right for any sign),
   * the project, from, to. count(value) counts the numeric scores only.
   */
  static final String AGGREGATE = "SELECT trace_start_ns - ((trace_start_ns % ?) + ?) % ? AS bucket, name,"
      + " count(*), sum(value), count(value) FROM trace_scores WHERE project_id = ? AND trace_start_ns >= ?"
      + " AND trace_start_ns < ? GROUP BY bucket, name ORDER BY bucket, name";
  private static final String PUT = Sql.upsert("trace_scores", COLUMNS, "score_id");
  static final String PURGE = "DELETE FROM trace_scores WHERE rowid IN (SELECT rowid FROM trace_scores"
      + " WHERE project_id = ? AND trace_start_ns < ? LIMIT ?)";

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteScoreStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public void put(TraceScore s) {
    Objects.requireNonNull(s, "score");
    writer.callShared(c -> Sql.update(c, PUT, s.scoreId(), s.projectId(), s.traceId(), s.traceStartEpochNanos(),
        s.spanId(), s.name(), s.value(), s.label(), s.comment(), s.source(), s.author(), Sql.nanos(s.createdAt())), 1);
  }

  @Override
  public List<TraceScore> forTrace(String projectId, String traceId) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceId, "traceId");
    return reads.read(c -> Sql.query(c, FOR_TRACE, SqliteScoreStore::read, projectId, traceId));
  }

  @Override
  public boolean delete(String projectId, String scoreId) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(scoreId, "scoreId");
    return writer.call(c -> Sql.update(c, "DELETE FROM trace_scores WHERE score_id = ? AND project_id = ?", scoreId,
        projectId) == 1);
  }

  /** Grouped and ordered by SQLite over the index range of {@code [from, to)}: a sort of that range's scores. */
  @Override
  public List<ScoreAggregate> aggregate(MetricsQuery q) {
    Objects.requireNonNull(q, "query");
    long n = q.bucket().nanos();
    return reads.read(c -> Sql.query(c, AGGREGATE, rs -> {
      long numeric = rs.getLong(5);
      return new ScoreAggregate(rs.getLong(1), rs.getString(2), rs.getLong(3),
          numeric == 0 ? null : rs.getDouble(4) / numeric);
    }, n, n, n, q.projectId(), q.fromEpochNanos(), q.toEpochNanos()));
  }

  /** One transaction of at most {@code max} deletes; the engine calls again while it gets {@code max} back. */
  @Override
  public long purge(String projectId, long cutoffEpochNanos, int max) {
    Objects.requireNonNull(projectId, "projectId");
    if (max < 0) {
      throw new IllegalArgumentException("max must not be negative, was " + max);
    }
    if (max == 0) {
      return 0;
    }
    return writer.call(c -> Sql.update(c, PURGE, projectId, cutoffEpochNanos, max));
  }

  private static TraceScore read(ResultSet rs) throws SQLException {
    return new TraceScore(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
        rs.getString(6), Sql.getDouble(rs, 7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
        Sql.instant(rs.getLong(12)));
  }
}
