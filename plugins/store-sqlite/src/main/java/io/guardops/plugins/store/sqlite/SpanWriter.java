package io.guardops.plugins.store.sqlite;

import io.guardops.api.TraceSummary;
import io.guardops.api.TraceSummary.SpanFacts;
import io.guardops.api.store.SpanStat;
import io.guardops.api.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The write transaction of a group of span batches, on the writer thread: trace refs, summaries,
 * spans, model calls, the full-text index and metric rollups, all read and written inside one {@code
 * BEGIN IMMEDIATE} transaction. Because every read happens after the write lock is taken, whatever
 * another process (another host on the same file) committed before is seen: its trace refs, its spans
 * in the summaries, its contributions in the rollups. No data is cached between transactions (only
 * prepared statements, {@link Statements}, and the dictionary's numbers, which never change).
 *
 * <p>A span's key is {@code span_ref = trace_ref << }{@value #SEQ_BITS}{@code | n}, its trace's ref and
 * its arrival number within the trace: new spans of new traces append to the table, the spans of a trace
 * are one range of the table's own key (no second index), and the full-text index, whose row ids are
 * span refs, names its traces by a shift. A trace holds at most {@value #MAX_SPANS_PER_TRACE} spans.
 * Used by the writer thread alone.
 */
final class SpanWriter implements AutoCloseable {
  static final int SEQ_BITS = 20;
  static final long MAX_SPANS_PER_TRACE = (1L << SEQ_BITS) - 1;

  static final String SUMMARY_COLUMNS = "project_ref, trace_id, root_span_id, root_name, start_ns, end_ns,"
      + " span_count, error_count, input_tokens, output_tokens, total_tokens, cost, model";

  private static final String INSERT_SUMMARY = "INSERT INTO trace_summaries (trace_ref, " + SUMMARY_COLUMNS + ")"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_SUMMARY = "UPDATE trace_summaries SET root_span_id = ?, root_name = ?,"
      + " start_ns = ?, end_ns = ?, span_count = ?, error_count = ?, input_tokens = ?, output_tokens = ?,"
      + " total_tokens = ?, cost = ?, model = ? WHERE trace_ref = ?";
  private static final String INSERT_SPAN = "INSERT INTO spans (span_ref, facts, body) VALUES (?, ?, ?)";
  private static final String UPDATE_SPAN = "UPDATE spans SET facts = ?, body = ? WHERE span_ref = ?";
  static final String TRACE_SPANS = "SELECT span_ref, facts FROM spans WHERE span_ref BETWEEN ? AND ?";
  static final String INSERT_CALL = "INSERT OR REPLACE INTO model_calls (project_ref, start_ns, span_ref,"
      + " duration_ns, model, error, input_tokens, output_tokens, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  static final String DELETE_CALL = "DELETE FROM model_calls WHERE project_ref = ? AND start_ns = ? AND span_ref = ?";
  static final String INSERT_TEXT = "INSERT INTO span_text (rowid, text) VALUES (?, ?)";
  static final String DELETE_TEXT = "DELETE FROM span_text WHERE rowid = ?";

  private final SpanCodec codec;
  /** The write connection's statements, from the first write on. */
  private Statements statements;

  SpanWriter(SpanCodec codec) {
    this.codec = codec;
  }

  /** The cached statements of the write connection {@code c} (the writer thread's one connection). */
  Statements statements(Connection c) {
    if (statements == null) {
      statements = new Statements(c);
    } else if (statements.connection() != c) {
      throw new IllegalStateException("a SpanWriter serves one connection");
    }
    return statements;
  }

  /** The first span ref of trace {@code traceRef}. */
  static long firstSpan(long traceRef) {
    return traceRef << SEQ_BITS;
  }

  /** The last span ref trace {@code traceRef} may use. */
  static long lastSpan(long traceRef) {
    return traceRef << SEQ_BITS | MAX_SPANS_PER_TRACE;
  }

  /** A trace of one project. */
  private record TraceKey(int projectRef, String traceId) {}

  /** A stored span of a trace the group touches. */
  record Stored(long spanRef, SpanCodec.StoredFacts facts) {}

  /**
   * Per trace of the group: a trace already stored gets its summary recomputed from its stored spans'
   * facts merged with the new ones (a re-sent span replaces its old self, so nothing is counted twice);
   * a new trace gets the next {@code trace_ref} and a summary of the group's spans alone. The same
   * stored facts say what a replaced span contributed to the rollups, the model calls and the text
   * index, which is taken back before the new version goes in. Text index and rollups are written here
   * only for spans at or below {@link DerivedData}'s watermark; the others wait for its next batch.
   */
  void write(Connection c, List<SpanRow> rows) throws SQLException {
    Statements cached = statements(c);
    // the last copy of a span in the group wins, as an upsert would have it
    Map<TraceKey, Map<Long, SpanRow>> byTrace = new LinkedHashMap<>();
    for (SpanRow row : rows) {
      byTrace.computeIfAbsent(new TraceKey(row.projectRef, row.span.traceId()), k -> new LinkedHashMap<>())
          .put(row.spanId, row);
    }
    Map<TraceKey, Long> refs = storedTraceRefs(cached, byTrace.keySet());
    // spans above the watermark get text-indexed and counted in the rollups later, in a batch (DerivedData)
    long derivedThrough = DerivedData.through(cached);
    long nextRef = 0;
    if (refs.size() < byTrace.size()) {
      // we hold the write lock (BEGIN IMMEDIATE): no other connection can take these refs meanwhile; a new
      // trace's ref is above the watermark's trace, so its spans are all above the watermark
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT coalesce(max(trace_ref), 0) FROM trace_summaries")) {
        rs.next();
        nextRef = Math.max(rs.getLong(1), derivedThrough >> SEQ_BITS) + 1;
      }
    }
    MetricRollups.Changes rollups = new MetricRollups.Changes();
    PreparedStatement insertSummary = cached.get(INSERT_SUMMARY);
    PreparedStatement updateSummary = cached.get(UPDATE_SUMMARY);
    PreparedStatement insertSpan = cached.get(INSERT_SPAN);
    PreparedStatement updateSpan = cached.get(UPDATE_SPAN);
    PreparedStatement insertCall = cached.get(INSERT_CALL);
    PreparedStatement insertText = cached.get(INSERT_TEXT);
    PreparedStatement deleteCall = null;
    PreparedStatement deleteText = null;
    int summaryInserts = 0;
    int summaryUpdates = 0;
    int spanInserts = 0;
    int spanUpdates = 0;
    int calls = 0;
    int texts = 0;
    int callDeletes = 0;
    int textDeletes = 0;
    for (Map.Entry<TraceKey, Map<Long, SpanRow>> e : byTrace.entrySet()) {
      TraceKey key = e.getKey();
      Long ref = refs.get(key);
      Map<Long, Stored> stored = ref == null ? Map.of() : storedSpans(cached, c, ref);
      Map<String, SpanFacts> facts = new LinkedHashMap<>();
      long nextSeq = 0;
      for (Stored s : stored.values()) {
        facts.put(s.facts().facts().spanId(), s.facts().facts());
        nextSeq = Math.max(nextSeq, (s.spanRef() & MAX_SPANS_PER_TRACE) + 1);
      }
      boolean newTrace = ref == null;
      if (newTrace) {
        ref = nextRef++;
      }
      String projectId = null;
      for (SpanRow row : e.getValue().values()) {
        projectId = row.span.projectId();
        Stored old = stored.get(row.spanId);
        facts.put(row.facts.spanId(), row.facts);
        long spanRef;
        if (old != null) {
          spanRef = old.spanRef();
          SpanStat before = MetricRollups.call(old.facts().facts());
          if (before != null) {
            if (spanRef <= derivedThrough) {
              rollups.remove(projectId, before);
            }
            deleteCall = deleteCall == null ? cached.get(DELETE_CALL) : deleteCall;
            Sql.bind(deleteCall, key.projectRef(), before.startEpochNanos(), spanRef);
            deleteCall.addBatch();
            callDeletes++;
          }
          if (old.facts().hasText() && spanRef <= derivedThrough) {
            deleteText = deleteText == null ? cached.get(DELETE_TEXT) : deleteText;
            deleteText.setLong(1, spanRef);
            deleteText.addBatch();
            textDeletes++;
          }
          updateSpan.setBytes(1, row.factsBlob);
          updateSpan.setBytes(2, row.body);
          updateSpan.setLong(3, spanRef);
          updateSpan.addBatch();
          spanUpdates++;
        } else {
          if (nextSeq > MAX_SPANS_PER_TRACE) {
            throw new StoreException("trace " + key.traceId() + " of project " + projectId + " would hold more than "
                + MAX_SPANS_PER_TRACE + " spans, the most the SQLite store keeps for one trace");
          }
          spanRef = firstSpan(ref) | nextSeq++;
          insertSpan.setLong(1, spanRef);
          insertSpan.setBytes(2, row.factsBlob);
          insertSpan.setBytes(3, row.body);
          insertSpan.addBatch();
          spanInserts++;
        }
        boolean derivedNow = spanRef <= derivedThrough;
        if (row.call != null) {
          if (derivedNow) {
            rollups.add(projectId, row.call);
          }
          SpanStat s = row.call;
          Sql.bind(insertCall, key.projectRef(), s.startEpochNanos(), spanRef, s.durationNanos(), s.model(),
              s.error() ? 1 : 0, s.inputTokens(), s.outputTokens(), s.cost());
          insertCall.addBatch();
          calls++;
        }
        if (row.text != null && derivedNow) {
          insertText.setLong(1, spanRef);
          insertText.setString(2, row.text);
          insertText.addBatch();
          texts++;
        }
      }
      TraceSummary summary = TraceSummary.of(projectId, key.traceId(), facts.values());
      if (newTrace) {
        insertSummary.setLong(1, ref);
        insertSummary.setInt(2, key.projectRef());
        insertSummary.setBytes(3, SpanCodec.traceId(key.traceId()));
        bindSummary(insertSummary, 4, summary);
        insertSummary.addBatch();
        summaryInserts++;
      } else {
        bindSummary(updateSummary, 1, summary);
        updateSummary.setLong(12, ref);
        updateSummary.addBatch();
        summaryUpdates++;
      }
    }
    // deletes before inserts: a replaced span's old model call or text may have the same key as its new one
    if (callDeletes > 0) {
      deleteCall.executeBatch();
    }
    if (textDeletes > 0) {
      deleteText.executeBatch();
    }
    if (summaryInserts > 0) {
      insertSummary.executeBatch();
    }
    if (summaryUpdates > 0) {
      updateSummary.executeBatch();
    }
    if (spanInserts > 0) {
      insertSpan.executeBatch();
    }
    if (spanUpdates > 0) {
      updateSpan.executeBatch();
    }
    if (calls > 0) {
      insertCall.executeBatch();
    }
    if (texts > 0) {
      insertText.executeBatch();
    }
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
  static void bindSummary(PreparedStatement ps, int at, TraceSummary s) throws SQLException {
    if (s.rootSpanId() == null) {
      ps.setNull(at, java.sql.Types.INTEGER);
    } else {
      ps.setLong(at, SpanCodec.spanId(s.rootSpanId()));
    }
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
    return "SELECT trace_id, trace_ref FROM trace_summaries WHERE project_ref = ? AND trace_id IN ("
        + Sql.placeholders(n) + ")";
  }

  /** The {@code trace_ref}s of those of {@code traces} already stored, through the (project, trace id) index. */
  private static Map<TraceKey, Long> storedTraceRefs(Statements c, java.util.Collection<TraceKey> traces)
      throws SQLException {
    Map<Integer, List<byte[]>> byProject = new LinkedHashMap<>();
    for (TraceKey k : traces) {
      byProject.computeIfAbsent(k.projectRef(), p -> new ArrayList<>()).add(SpanCodec.traceId(k.traceId()));
    }
    Map<TraceKey, Long> out = new HashMap<>();
    for (Map.Entry<Integer, List<byte[]>> e : byProject.entrySet()) {
      c.forEachIn(SpanWriter::traceRefsSql, e.getValue(),
          rs -> out.put(new TraceKey(e.getKey(), SpanCodec.traceHex(rs.getBytes(1))), rs.getLong(2)), e.getKey());
    }
    return out;
  }

  /** The stored spans of trace {@code ref} by span id: one range of the spans table's key. */
  Map<Long, Stored> storedSpans(Statements cached, Connection c, long ref) throws SQLException {
    PreparedStatement ps = cached.get(TRACE_SPANS);
    ps.setLong(1, firstSpan(ref));
    ps.setLong(2, lastSpan(ref));
    Map<Long, Stored> out = new LinkedHashMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        SpanCodec.StoredFacts f = codec.facts(rs.getBytes(2), c);
        out.put(f.spanId(), new Stored(rs.getLong(1), f));
      }
    }
    return out;
  }
}
