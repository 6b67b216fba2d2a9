package io.guardops.plugins.store.sqlite;

import io.guardops.api.TraceSummary;
import io.guardops.api.TraceSummary.SpanFacts;
import io.guardops.api.store.SpanStat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The write transaction of a group of span batches, on the writer thread: trace refs, summaries,
 * spans and metric rollups, all read and written inside one {@code BEGIN IMMEDIATE} transaction.
 * Because every read happens after the write lock is taken, whatever another process (another host
 * on the same file) committed before is seen: its trace refs, its spans in the summaries, its
 * contributions in the rollups. No data is cached between transactions (only prepared statements,
 * {@link Statements}). Used by the writer thread alone.
 */
final class SpanWriter implements AutoCloseable {
  static final String SUMMARY_COLUMNS = "project_id, trace_id, root_span_id, root_name, start_ns, end_ns,"
      + " span_count, error_count, input_tokens, output_tokens, total_tokens, cost, model";

  private static final String INSERT_SUMMARY = "INSERT INTO trace_summaries (trace_ref, " + SUMMARY_COLUMNS + ")"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_SUMMARY = "UPDATE trace_summaries SET root_span_id = ?, root_name = ?,"
      + " start_ns = ?, end_ns = ?, span_count = ?, error_count = ?, input_tokens = ?, output_tokens = ?,"
      + " total_tokens = ?, cost = ?, model = ? WHERE trace_ref = ?";

  /** The write connection's statements, from the first write on. */
  private Statements statements;

  /** The cached statements of the write connection {@code c} (the writer thread's one connection). */
  Statements statements(Connection c) {
    if (statements == null) {
      statements = new Statements(c);
    } else if (statements.connection() != c) {
      throw new IllegalStateException("a SpanWriter serves one connection");
    }
    return statements;
  }

  /** A trace of one project. */
  private record TraceKey(String projectId, String traceId) {}

  /**
   * Per trace of the group: a trace already stored gets its summary recomputed from its stored spans'
   * facts merged with the new ones (a re-sent span replaces its old self, so nothing is counted
   * twice); a new trace gets the next {@code trace_ref} and a summary of the group's spans alone. The
   * same stored facts give the metric rollups what a replaced span contributed, which is taken back
   * before the new version is counted. A handful of statements per group, not per span: one lookup of
   * the group's traces, one read of the stored facts, batched summary inserts and updates, one batched
   * span upsert, one read and one batched upsert of the touched rollup rows.
   */
  void write(Connection c, List<SpanRow> rows) throws SQLException {
    Statements cached = statements(c);
    // the last copy of a span in the group wins, as the upsert would have it
    Map<TraceKey, Map<String, SpanRow>> byTrace = new LinkedHashMap<>();
    for (SpanRow row : rows) {
      byTrace.computeIfAbsent(new TraceKey(row.span.projectId(), row.span.traceId()), k -> new LinkedHashMap<>())
          .put(row.span.spanId(), row);
    }
    Map<TraceKey, Long> refs = storedTraceRefs(cached, byTrace.keySet());
    Map<Long, List<SpanFacts>> stored = storedFacts(cached, refs.values());
    long nextRef = 0;
    if (refs.size() < byTrace.size()) {
      // we hold the write lock (BEGIN IMMEDIATE): no other connection can take these refs meanwhile
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT coalesce(max(trace_ref), 0) FROM trace_summaries")) {
        rs.next();
        nextRef = rs.getLong(1) + 1;
      }
    }
    MetricRollups.Changes rollups = new MetricRollups.Changes();
    PreparedStatement insert = cached.get(INSERT_SUMMARY);
    PreparedStatement update = cached.get(UPDATE_SUMMARY);
    PreparedStatement spans = cached.get(SpanRow.UPSERT);
    boolean inserts = false;
    boolean updates = false;
    for (Map.Entry<TraceKey, Map<String, SpanRow>> e : byTrace.entrySet()) {
      TraceKey key = e.getKey();
      Long ref = refs.get(key);
      Map<String, SpanFacts> facts = new LinkedHashMap<>();
      if (ref != null) {
        for (SpanFacts f : stored.getOrDefault(ref, List.of())) {
          facts.put(f.spanId(), f);
        }
      }
      for (SpanRow row : e.getValue().values()) {
        SpanFacts replaced = facts.put(row.span.spanId(), row.facts);
        SpanStat before = replaced == null ? null : MetricRollups.call(replaced);
        if (before != null) {
          rollups.remove(key.projectId(), before);
        }
        SpanStat now = MetricRollups.call(row.facts);
        if (now != null) {
          rollups.add(key.projectId(), now);
        }
      }
      TraceSummary summary = TraceSummary.of(key.projectId(), key.traceId(), facts.values());
      if (ref == null) {
        ref = nextRef++;
        insert.setLong(1, ref);
        insert.setString(2, key.projectId());
        insert.setString(3, key.traceId());
        bindSummary(insert, 4, summary);
        insert.addBatch();
        inserts = true;
      } else {
        bindSummary(update, 1, summary);
        update.setLong(12, ref);
        update.addBatch();
        updates = true;
      }
      for (SpanRow row : e.getValue().values()) {
        row.bind(spans, ref);
        spans.addBatch();
      }
    }
    if (inserts) {
      insert.executeBatch();
    }
    if (updates) {
      update.executeBatch();
    }
    spans.executeBatch();
    rollups.apply(cached);
  }

  /** Closes the cached statements; called once the writer thread has stopped. */
  @Override
  public void close() {
    if (statements != null) {
      statements.close();
    }
  }

  /** Binds a summary's values from root_span_id to model (11 parameters) starting at {@code at}. */
  private static void bindSummary(PreparedStatement ps, int at, TraceSummary s) throws SQLException {
    ps.setString(at, s.rootSpanId());
    ps.setString(at + 1, s.rootName());
    ps.setLong(at + 2, s.startEpochNanos());
    ps.setLong(at + 3, s.endEpochNanos());
    ps.setInt(at + 4, s.spanCount());
    ps.setInt(at + 5, s.errorCount());
    ps.setLong(at + 6, s.inputTokens());
    ps.setLong(at + 7, s.outputTokens());
    ps.setLong(at + 8, s.totalTokens());
    Sql.setDouble(ps, at + 9, s.cost());
    ps.setString(at + 10, s.model());
  }

  static String traceRefsSql(int n) {
    return "SELECT trace_id, trace_ref FROM trace_summaries WHERE project_id = ? AND trace_id IN ("
        + Sql.placeholders(n) + ")";
  }

  static String factsSql(int n) {
    return "SELECT trace_ref, " + SpanRow.FACT_COLUMNS + " FROM spans WHERE trace_ref IN (" + Sql.placeholders(n) + ")";
  }

  /** The {@code trace_ref}s of those of {@code traces} already stored, through the (project, trace id) index. */
  private static Map<TraceKey, Long> storedTraceRefs(Statements c, Collection<TraceKey> traces)
      throws SQLException {
    Map<String, List<String>> byProject = new LinkedHashMap<>();
    for (TraceKey k : traces) {
      byProject.computeIfAbsent(k.projectId(), p -> new ArrayList<>()).add(k.traceId());
    }
    Map<TraceKey, Long> out = new HashMap<>();
    for (Map.Entry<String, List<String>> e : byProject.entrySet()) {
      c.forEachIn(SpanWriter::traceRefsSql, e.getValue(),
          rs -> out.put(new TraceKey(e.getKey(), rs.getString(1)), rs.getLong(2)), e.getKey());
    }
    return out;
  }

  /** The summary facts of every stored span of the given traces, by primary-key prefix. */
  private static Map<Long, List<SpanFacts>> storedFacts(Statements c, Collection<Long> refs) throws SQLException {
    Map<Long, List<SpanFacts>> out = new HashMap<>();
    c.forEachIn(SpanWriter::factsSql, new ArrayList<>(refs),
        rs -> out.computeIfAbsent(rs.getLong(1), r -> new ArrayList<>()).add(SpanRow.readFacts(rs, 2)));
    return out;
  }
}
