package io.guardops.plugins.store.sqlite;

import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.PurgeResult;
import io.guardops.api.store.SpanStat;
import io.guardops.api.store.SpanStore;
import io.guardops.api.store.TraceCursor;
import io.guardops.api.store.TracePage;
import io.guardops.api.store.TraceQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Spans and trace summaries: writes go through the group-commit writer ({@link SpanWriter} runs in
 * its transaction), reads through the read pool. Listing never touches the spans table; metrics are
 * served from the rollups ({@link MetricRollups}).
 */
final class SqliteSpanStore implements SpanStore {
  private final GroupCommitWriter writer;
  private final SpanWriter spanWriter;
  private final ReadPool reads;
  private final int purgeChunkTraces;
  private final PurgePacer pacer;

  SqliteSpanStore(GroupCommitWriter writer, SpanWriter spanWriter, ReadPool reads, int purgeChunkTraces,
      PurgePacer pacer) {
    this.writer = writer;
    this.spanWriter = spanWriter;
    this.reads = reads;
    this.purgeChunkTraces = purgeChunkTraces;
    this.pacer = pacer;
  }

  // ------------------------------------------------------------------------------- writes

  @Override
  public void write(List<Span> spans) {
    Objects.requireNonNull(spans, "spans");
    if (spans.isEmpty()) {
      return;
    }
    List<SpanRow> rows = new ArrayList<>(spans.size());
    for (Span s : spans) {
      rows.add(new SpanRow(Objects.requireNonNull(s, "span")));
    }
    writer.writeSpans(rows);
  }

  // ------------------------------------------------------------------------------- trace lists

  @Override
  public TracePage findTraces(TraceQuery query) {
    Objects.requireNonNull(query, "query");
    List<Object> params = new ArrayList<>();
    String sql = findTracesSql(query, params);
    return reads.read(c -> {
      List<TraceSummary> out = Sql.query(c, sql, SqliteSpanStore::readSummary, params.toArray());
      boolean more = out.size() > query.limit();
      return new TracePage(more ? out.subList(0, query.limit()) : out, more);
    });
  }

  /**
   * The query behind {@link #findTraces}; one row more than the page tells whether a next page
   * exists. A cursor is a row-value bound on the listing index's (start, trace id), so a page deep in
   * the list costs what the first one does (an offset walks and drops every row before it).
   */
  static String findTracesSql(TraceQuery q, List<Object> params) {
    StringBuilder sql = new StringBuilder("SELECT ").append(Sql.prefixed("t.", SpanWriter.SUMMARY_COLUMNS))
        .append(" FROM trace_summaries t WHERE t.project_id = ?");
    params.add(q.projectId());
    if (q.model() != null) {
      sql.append(" AND t.model = ?");
      params.add(q.model());
    }
    if (q.fromEpochNanos() != null) {
      sql.append(" AND t.start_ns >= ?");
      params.add(q.fromEpochNanos());
    }
    TraceCursor after = q.after();
    // of the two upper bounds the tighter one implies the other; given both, the planner would bound
    // the index range by `to` alone and walk from there down to the cursor
    if (q.toEpochNanos() != null && (after == null || after.startEpochNanos() >= q.toEpochNanos())) {
      sql.append(" AND t.start_ns < ?");
      params.add(q.toEpochNanos());
    } else if (after != null) {
      sql.append(" AND (t.start_ns, t.trace_id) < (?, ?)");
      params.add(after.startEpochNanos());
      params.add(after.traceId());
    }
    switch (q.status()) {
      case ERROR -> sql.append(" AND t.error_count > 0");
      case OK -> sql.append(" AND t.error_count = 0");
      default -> { }
    }
    if (q.minDurationNanos() != null) {
      sql.append(" AND t.end_ns - t.start_ns >= ?");
      params.add(q.minDurationNanos());
    }
    if (q.text() != null) {
      // instr() is a plain case-sensitive substring test: no LIKE wildcards to escape
      sql.append(" AND EXISTS (SELECT 1 FROM spans x WHERE x.trace_ref = t.trace_ref"
          + " AND (instr(x.prompt, ?) > 0 OR instr(x.output, ?) > 0))");
      params.add(q.text());
      params.add(q.text());
    }
    if (q.attributeKey() != null) {
      // json_each instead of json_extract: keys with dots or quotes need no path escaping
      sql.append(" AND EXISTS (SELECT 1 FROM spans a, json_each(a.attributes) j"
          + " WHERE a.trace_ref = t.trace_ref AND j.key = ?"
          + " AND (CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL"
          + " ELSE CAST(j.value AS TEXT) END) = ?)");
      params.add(q.attributeKey());
      params.add(q.attributeValue());
    }
    sql.append(" ORDER BY t.start_ns DESC, t.trace_id DESC LIMIT ?");
    params.add(q.limit() + 1);
    if (q.offset() > 0) {
      sql.append(" OFFSET ?");
      params.add(q.offset());
    }
    return sql.toString();
  }

  @Override
  public Optional<TraceSummary> findTrace(String projectId, String traceId) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceId, "traceId");
    return reads.read(c -> Sql.first(c, "SELECT " + SpanWriter.SUMMARY_COLUMNS
        + " FROM trace_summaries WHERE project_id = ? AND trace_id = ?", SqliteSpanStore::readSummary, projectId,
        traceId));
  }

  private static TraceSummary readSummary(ResultSet rs) throws SQLException {
    return new TraceSummary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
        rs.getLong(6), rs.getInt(7), rs.getInt(8), rs.getLong(9), rs.getLong(10), rs.getLong(11),
        Sql.getDouble(rs, 12), rs.getString(13));
  }

  @Override
  public List<Span> findSpans(String projectId, Collection<String> traceIds) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceIds, "traceIds");
    List<String> ids = new ArrayList<>(new TreeSet<>(traceIds));
    if (ids.isEmpty()) {
      return List.of();
    }
    return reads.read(c -> {
      List<Span> out = new ArrayList<>();
      // chunks are taken in trace-id order, so the concatenation stays ordered
      Sql.forEachIn(c, SqliteSpanStore::findSpansSql, ids, rs -> out.add(SpanRow.read(rs)), projectId);
      return out;
    });
  }

  /**
   * Spans of {@code n} traces of one project: their refs through the (project, trace id) index, their
   * spans through the primary key. The unary {@code +} keeps the planner off the (project_id,
   * start_ns) index, which {@code ORDER BY start_ns} would otherwise tempt it to walk for a single
   * trace, scanning every span of the project (measured: 133 ms instead of 0.2 ms per trace detail).
   */
  static String findSpansSql(int n) {
    return "SELECT " + Sql.prefixed("s.", SpanRow.COLUMNS) + " FROM trace_summaries t JOIN spans s"
        + " ON s.trace_ref = t.trace_ref WHERE t.project_id = ? AND t.trace_id IN (" + Sql.placeholders(n) + ")"
        + " ORDER BY t.trace_id, +s.start_ns, s.span_id";
  }

  @Override
  public Map<String, Long> countTraces(Collection<String> projectIds) {
    Objects.requireNonNull(projectIds, "projectIds");
    Map<String, Long> out = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(projectIds));
    for (String id : ids) {
      out.put(id, 0L);
    }
    if (ids.isEmpty()) {
      return out;
    }
    reads.read(c -> {
      Sql.forEachIn(c, n -> "SELECT project_id, count(*) FROM trace_summaries WHERE project_id IN ("
          + Sql.placeholders(n) + ") GROUP BY project_id", ids, rs -> out.put(rs.getString(1), rs.getLong(2)));
      return null;
    });
    return out;
  }

  // ------------------------------------------------------------------------------- metrics

  static final String SPAN_STATS = MetricRollups.CALLS + " ORDER BY start_ns LIMIT ?";

  @Override
  public List<SpanStat> spanStats(String projectId, long fromEpochNanos, long toEpochNanos, int limit) {
    Objects.requireNonNull(projectId, "projectId");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    if (limit == 0 || toEpochNanos <= fromEpochNanos) {
      return List.of();
    }
    return reads.read(c -> Sql.query(c, SPAN_STATS, MetricRollups::readStat, projectId, fromEpochNanos,
        toEpochNanos, limit));
  }

  @Override
  public List<MetricsRow> aggregate(MetricsQuery query) {
    Objects.requireNonNull(query, "query");
    return reads.snapshot(c -> MetricRollups.aggregate(c, query));
  }

  // ------------------------------------------------------------------------------- purge

  @Override
  public PurgeResult purgeTraces(String projectId, long cutoffEpochNanos, int maxTraces) {
    Objects.requireNonNull(projectId, "projectId");
    if (maxTraces < 1) {
      throw new IllegalArgumentException("maxTraces must be at least 1, was " + maxTraces);
    }
    long traces = 0;
    long spans = 0;
    // bounded transactions: ingestion queued behind a chunk commits before the next chunk starts
    while (true) {
      if (!awaitPurgeTurn()) {
        return new PurgeResult(traces, spans, false);
      }
      int chunk = (int) Math.min(purgeChunkTraces, maxTraces - traces);
      long submittedBefore = writer.submittedBatches();
      long[] r = writer.call(c -> {
        long t0 = System.nanoTime();
        long[] done = purgeChunk(c, projectId, cutoffEpochNanos, chunk);
        return new long[] {done[0], done[1], done[2], System.nanoTime() - t0};
      });
      pacer.chunkDone(submittedBefore, r[3]);
      traces += r[0];
      spans += r[1];
      boolean more = r[2] != 0;
      if (!more) {
        return new PurgeResult(traces, spans, true);
      }
      if (traces >= maxTraces) {
        return new PurgeResult(traces, spans, false);
      }
    }
  }

  /** Waits for the purge's turn ({@link PurgePacer}); false if interrupted. */
  private boolean awaitPurgeTurn() {
    long waitNanos = pacer.waitBeforeChunk(writer.submittedBatches());
    if (waitNanos <= 0) {
      return !Thread.currentThread().isInterrupted();
    }
    try {
      Thread.sleep(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static final String PURGE_CANDIDATES = "SELECT trace_ref FROM trace_summaries"
      + " WHERE project_id = ? AND start_ns < ? ORDER BY start_ns DESC, trace_id DESC LIMIT ?";

  /** The model calls among the spans of {@code n} traces, read before they are deleted. */
  static String purgedCallsSql(int n) {
    return "SELECT " + MetricRollups.STAT_COLUMNS + " FROM spans WHERE trace_ref IN (" + Sql.placeholders(n)
        + ") AND " + MetricRollups.MODEL_CALL;
  }

  /**
   * Deletes up to {@code max} old traces with their spans and takes their model calls out of the
   * rollups, in the caller's transaction; returns {deleted traces, deleted spans, 1 if more remain}.
   */
  private long[] purgeChunk(Connection c, String projectId, long cutoff, int max) throws SQLException {
    // newest-first walks the listing index backwards from the cutoff; any order deletes the same set
    List<Long> refs = Sql.query(c, PURGE_CANDIDATES, rs -> rs.getLong(1), projectId, cutoff, max + 1);
    boolean more = refs.size() > max;
    if (more) {
      refs = refs.subList(0, max);
    }
    MetricRollups.Changes rollups = new MetricRollups.Changes();
    Sql.forEachIn(c, SqliteSpanStore::purgedCallsSql, refs,
        rs -> rollups.remove(projectId, MetricRollups.readStat(rs)));
    long spans = 0;
    Statements statements = spanWriter.statements(c);
    PreparedStatement delSpans = statements.get("DELETE FROM spans WHERE trace_ref = ?");
    PreparedStatement delSummary = statements.get("DELETE FROM trace_summaries WHERE trace_ref = ?");
    for (long ref : refs) {
      delSpans.setLong(1, ref);
      spans += delSpans.executeUpdate();
      delSummary.setLong(1, ref);
      delSummary.executeUpdate();
    }
    rollups.apply(statements);
    return new long[] {refs.size(), spans, more ? 1 : 0};
  }

  // ------------------------------------------------------------------------------- query plans, for tests

  /** EXPLAIN QUERY PLAN of {@link #findTraces}, one line per plan step. */
  List<String> explainFindTraces(TraceQuery q) {
    List<Object> params = new ArrayList<>();
    String sql = findTracesSql(q, params);
    return reads.read(c -> Sql.explain(c, sql, params.toArray()));
  }

  /** EXPLAIN QUERY PLAN of {@link #findSpans} for {@code n} trace ids. */
  List<String> explainFindSpans(int n) {
    Object[] params = new Object[n + 1];
    params[0] = "p";
    for (int i = 0; i < n; i++) {
      params[i + 1] = String.format("%032x", i + 1);
    }
    return reads.read(c -> Sql.explain(c, findSpansSql(n), params));
  }

  /** EXPLAIN QUERY PLAN of every query of the metrics path: spanStats, rollup ranges, edges. */
  List<String> explainMetrics() {
    return reads.read(c -> {
      List<String> out = new ArrayList<>(Sql.explain(c, SPAN_STATS, "p", 0L, 1L, 10));
      out.addAll(Sql.explain(c, MetricRollups.RANGE, "p", 0L, 1L));
      out.addAll(Sql.explain(c, MetricRollups.CALLS, "p", 0L, 1L));
      return out;
    });
  }

  /** EXPLAIN QUERY PLAN of the write path's reads: trace refs, stored facts, touched rollup rows. */
  List<String> explainWritePath() {
    return reads.read(c -> {
      List<String> out = new ArrayList<>(Sql.explain(c, SpanWriter.traceRefsSql(2), "p", String.format("%032x", 1),
          String.format("%032x", 2)));
      out.addAll(Sql.explain(c, SpanWriter.factsSql(2), 1L, 2L));
      out.addAll(Sql.explain(c, MetricRollups.touchedSql(2), "p", 1L, 2L));
      return out;
    });
  }

  /** EXPLAIN QUERY PLAN of the purge's reads: candidate traces and their model calls. */
  List<String> explainPurge() {
    return reads.read(c -> {
      List<String> out = new ArrayList<>(Sql.explain(c, PURGE_CANDIDATES, "p", 1L, 10));
      out.addAll(Sql.explain(c, purgedCallsSql(2), 1L, 2L));
      return out;
    });
  }
}
