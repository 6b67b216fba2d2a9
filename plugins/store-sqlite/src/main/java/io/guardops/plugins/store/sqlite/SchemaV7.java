package io.guardops.plugins.store.sqlite;

import io.guardops.api.Span;
import io.guardops.api.store.SpanStat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema v7: compact spans, a dictionary, resources stored once, model calls of their own and a
 * full-text index. At 1M spans of LLM traces v6 took about 2.1 KB per span: thirty columns, three JSON
 * documents per span (attribute keys and the resource repeated in every one, the prompt and output a
 * second time among the attributes), 36-character project ids and hex trace ids in every index entry.
 * v7 keeps a span as two blobs ({@link SpanCodec}) keyed by {@code trace_ref << 20 | n} (no second index:
 * a trace's spans are one range of the key), refers to projects, keys and names by number ({@link
 * Dictionary}), keeps trace ids as 16 bytes, the (project, start) index only for model calls (a narrow
 * {@code model_calls} table, which is all {@code spanStats} and the metrics edges read), and adds {@code
 * span_text}, a contentless FTS5 index of each span's prompt and output for the text filter. The step
 * converts every stored span in place (in the step's one transaction: a crash leaves v6 intact).
 */
final class SchemaV7 {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaV7.class);

  static final List<String> TABLES = List.of(
      // the store's own bookkeeping: derived_through is DerivedData's watermark
      "CREATE TABLE store_state ("
          + " key TEXT PRIMARY KEY,"
          + " value INTEGER NOT NULL)",
      "CREATE TABLE strings ("
          + " id INTEGER PRIMARY KEY,"
          + " value TEXT NOT NULL UNIQUE)",
      "CREATE TABLE resources ("
          + " ref INTEGER PRIMARY KEY,"
          + " hash INTEGER NOT NULL,"
          + " body BLOB NOT NULL)",
      "CREATE INDEX resources_hash ON resources (hash)",
      "CREATE TABLE trace_summaries ("
          + " trace_ref INTEGER PRIMARY KEY,"
          + " project_ref INTEGER NOT NULL,"
          + " trace_id BLOB NOT NULL,"
          + " root_span_id INTEGER,"
          + " root_name TEXT NOT NULL,"
          + " start_ns INTEGER NOT NULL,"
          + " end_ns INTEGER NOT NULL,"
          + " span_count INTEGER NOT NULL,"
          + " error_count INTEGER NOT NULL,"
          + " input_tokens INTEGER NOT NULL,"
          + " output_tokens INTEGER NOT NULL,"
          + " total_tokens INTEGER NOT NULL,"
          + " cost REAL,"
          + " model TEXT)",
      // a span's key is trace_ref << 20 | its number in the trace: a trace is one range of it
      "CREATE TABLE spans ("
          + " span_ref INTEGER PRIMARY KEY,"
          + " facts BLOB NOT NULL,"
          + " body BLOB NOT NULL)",
      // the model calls spanStats and the metrics edges read, in (project, start) order
      "CREATE TABLE model_calls ("
          + " project_ref INTEGER NOT NULL,"
          + " start_ns INTEGER NOT NULL,"
          + " span_ref INTEGER NOT NULL,"
          + " duration_ns INTEGER NOT NULL,"
          + " model TEXT NOT NULL,"
          + " error INTEGER NOT NULL,"
          + " input_tokens INTEGER NOT NULL,"
          + " output_tokens INTEGER NOT NULL,"
          + " cost REAL,"
          + " PRIMARY KEY (project_ref, start_ns, span_ref)) WITHOUT ROWID",
      // whole words of prompts and outputs; row id = span_ref. Contentless (the text is in the spans) and
      // without positions: the index is a list of span refs per word
      "CREATE VIRTUAL TABLE span_text USING fts5(text, content='', contentless_delete=1, detail=none,"
          + " tokenize='unicode61 remove_diacritics 2')");

  static final List<String> INDEXES = List.of(
      "CREATE UNIQUE INDEX trace_summaries_id ON trace_summaries (project_ref, trace_id)",
      // trace listing, newest first, with a deterministic tie-break; also the purge's index
      "CREATE INDEX trace_summaries_start ON trace_summaries (project_ref, start_ns DESC, trace_id DESC)",
      "CREATE INDEX trace_summaries_model ON trace_summaries (project_ref, model, start_ns DESC, trace_id DESC)");

  private SchemaV7() {}

  /** The v7 step, inside the migration's transaction. */
  static void apply(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("ALTER TABLE spans RENAME TO spans_v6");
      st.execute("ALTER TABLE trace_summaries RENAME TO trace_summaries_v6");
      for (String sql : TABLES) {
        st.execute(sql);
      }
    }
    Dictionary dictionary = new Dictionary();
    SpanCodec codec = new SpanCodec(dictionary);
    long traces = copySummaries(c, dictionary);
    long spans = copySpans(c, codec);
    try (Statement st = c.createStatement()) {
      // the converted spans are indexed and counted (the rollups came over as they were): all of them
      st.execute("INSERT INTO store_state (key, value) SELECT 'derived_through', coalesce(max(span_ref), 0)"
          + " FROM spans");
      // their indexes go with them; the new ones take the same names
      st.execute("DROP TABLE spans_v6");
      st.execute("DROP TABLE trace_summaries_v6");
      for (String sql : INDEXES) {
        st.execute(sql);
      }
    }
    if (spans > 0) {
      LOG.info("converted {} traces and {} spans to the v7 layout", traces, spans);
    }
  }

  private static int projectRef(Connection c, Dictionary d, String projectId) throws SQLException {
    Integer id = d.id(projectId);
    if (id == null) {
      d.learn(Dictionary.intern(c, List.of(projectId), List.of()));
      id = d.id(projectId);
    }
    return id;
  }

  private static long copySummaries(Connection c, Dictionary d) throws SQLException {
    long n = 0;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT trace_ref, project_id, trace_id, root_span_id, root_name, start_ns,"
            + " end_ns, span_count, error_count, input_tokens, output_tokens, total_tokens, cost, model"
            + " FROM trace_summaries_v6 ORDER BY trace_ref");
        PreparedStatement insert = c.prepareStatement("INSERT INTO trace_summaries (trace_ref, "
            + SpanWriter.SUMMARY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      while (rs.next()) {
        insert.setLong(1, rs.getLong(1));
        insert.setInt(2, projectRef(c, d, rs.getString(2)));
        insert.setBytes(3, SpanCodec.traceId(rs.getString(3)));
        String root = rs.getString(4);
        if (root == null) {
          insert.setNull(4, java.sql.Types.INTEGER);
        } else {
          insert.setLong(4, SpanCodec.spanId(root));
        }
        insert.setString(5, rs.getString(5));
        for (int i = 6; i <= 12; i++) {
          insert.setLong(i, rs.getLong(i));
        }
        Sql.setDouble(insert, 13, Sql.getDouble(rs, 13));
        insert.setString(14, rs.getString(14));
        insert.addBatch();
        if (++n % 1000 == 0) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
    }
    return n;
  }

  private static long copySpans(Connection c, SpanCodec codec) throws SQLException {
    Dictionary d = codec.dictionary();
    ByteWriter scratch = new ByteWriter(4096);
    long n = 0;
    long trace = -1;
    long seq = 0;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + LegacySpanRow.COLUMNS + ", trace_ref FROM spans_v6"
            + " ORDER BY trace_ref, span_id");
        PreparedStatement insert = c.prepareStatement("INSERT INTO spans (span_ref, facts, body) VALUES (?, ?, ?)");
        PreparedStatement call = c.prepareStatement(SpanWriter.INSERT_CALL);
        PreparedStatement text = c.prepareStatement(SpanWriter.INSERT_TEXT)) {
      while (rs.next()) {
        Span span = LegacySpanRow.read(rs);
        long ref = rs.getLong(31);
        if (ref != trace) {
          trace = ref;
          seq = 0;
        }
        SpanCodec.Needs needs = codec.needs(List.of(span));
        if (!needs.isEmpty()) {
          d.learn(Dictionary.intern(c, needs.strings, needs.resources));
        }
        long resource = 0;
        Map<String, Object> r = span.resource();
        if (!r.isEmpty()) {
          resource = d.resourceRef(needs.encodedResources.get(r));
        }
        SpanRow row = new SpanRow(span, d.id(span.projectId()), resource, codec, scratch);
        long spanRef = SpanWriter.firstSpan(ref) | seq++;
        insert.setLong(1, spanRef);
        insert.setBytes(2, row.factsBlob);
        insert.setBytes(3, row.body);
        insert.addBatch();
        SpanStat s = row.call;
        if (s != null) {
          Sql.bind(call, row.projectRef, s.startEpochNanos(), spanRef, s.durationNanos(), s.model(), s.error() ? 1 : 0,
              s.inputTokens(), s.outputTokens(), s.cost());
          call.addBatch();
        }
        if (row.text != null) {
          text.setLong(1, spanRef);
          text.setString(2, row.text);
          text.addBatch();
        }
        if (++n % 1000 == 0) {
          insert.executeBatch();
          call.executeBatch();
          text.executeBatch();
        }
        if (n % 100_000 == 0) {
          LOG.info("converting spans to the v7 layout: {} so far", n);
        }
      }
      insert.executeBatch();
      call.executeBatch();
      text.executeBatch();
    }
    return n;
  }
}
