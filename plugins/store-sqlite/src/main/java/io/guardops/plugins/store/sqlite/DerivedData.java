package io.guardops.plugins.store.sqlite;

import io.guardops.api.store.SpanStat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The full-text index and the metric rollups, kept up to date in batches instead of in every group commit.
 *
 * <p>Both are derived from the spans: the text index from prompts and outputs, the rollups from model
 * calls. Maintained per group commit they were most of the writer's work: FTS5 writes a segment and does
 * merge work at every commit, and a commit of traces spread over an hour rewrites up to sixty rollup rows,
 * decoding and encoding their sketches, for a few spans each. Here a watermark, {@code
 * derived_through} in {@code store_state}, says up to which span ref both are complete. New traces get
 * refs above it ({@link SpanWriter} never reuses a ref at or below it), so a group commit of new traces
 * writes spans, summaries and model calls only; {@link #runChunk} then indexes everything above the
 * watermark and moves it, once a second ({@link SqliteStore}'s maintenance thread) or before any read that
 * needs it: a text search or a metrics query first brings the watermark up to the newest span ({@link
 * SqliteSpanStore#catchUp}), so reads see every acknowledged span. A span at or below the watermark (a
 * re-sent span, a new span of an older trace) is indexed and counted in its own commit, as before; a
 * purge takes back only what was counted. The watermark and what it covers move in one transaction, so a
 * crash leaves them consistent: what was above it is indexed after the restart. Several processes on one
 * file read it inside their write transactions, like everything else. Used on the writer thread.
 */
final class DerivedData {
  /**
   * Most spans one run indexes (one transaction); a larger backlog takes several, with span commits in
   * between. Small enough that a group commit waiting behind a run waits some milliseconds, not the
   * hundred or more a second of ingest in one run took (measured as the p99 of ingest requests).
   */
  static final int CHUNK = 2_500;
  static final String THROUGH = "SELECT value FROM store_state WHERE key = 'derived_through'";
  static final String SET_THROUGH = "UPDATE store_state SET value = ? WHERE key = 'derived_through'";
  static final String NEWEST = "SELECT coalesce(max(span_ref), 0) FROM spans";
  static final String ABOVE = "SELECT s.span_ref, s.facts, s.body, t.project_ref FROM spans s"
      + " JOIN trace_summaries t ON t.trace_ref = s.span_ref >> " + SpanWriter.SEQ_BITS
      + " WHERE s.span_ref > ? ORDER BY s.span_ref LIMIT ?";

  private final SpanCodec codec;
  private final SpanWriter spanWriter;

  DerivedData(SpanCodec codec, SpanWriter spanWriter) {
    this.codec = codec;
    this.spanWriter = spanWriter;
  }

  /** The watermark: spans with a ref up to it are in the text index and the rollups. */
  static long through(Statements c) throws SQLException {
    try (ResultSet rs = c.get(THROUGH).executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Whether spans above the watermark wait to be indexed (any connection). */
  static boolean pending(Connection c) throws SQLException {
    long through;
    try (PreparedStatement ps = c.prepareStatement(THROUGH); ResultSet rs = ps.executeQuery()) {
      through = rs.next() ? rs.getLong(1) : 0;
    }
    try (PreparedStatement ps = c.prepareStatement(NEWEST); ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getLong(1) > through;
    }
  }

  /**
   * Indexes up to {@link #CHUNK} spans above the watermark and moves it past them, inside the caller's
   * write transaction; true when more remain.
   */
  boolean runChunk(Connection c) throws SQLException {
    Statements statements = spanWriter.statements(c);
    long from = through(statements);
    MetricRollups.Changes rollups = new MetricRollups.Changes();
    PreparedStatement text = statements.get(SpanWriter.INSERT_TEXT);
    PreparedStatement above = statements.get(ABOVE);
    above.setLong(1, from);
    above.setInt(2, CHUNK);
    long last = from;
    int n = 0;
    int texts = 0;
    try (ResultSet rs = above.executeQuery()) {
      while (rs.next()) {
        last = rs.getLong(1);
        n++;
        SpanCodec.StoredFacts f = codec.facts(rs.getBytes(2), c);
        SpanStat call = MetricRollups.call(f.facts());
        if (call != null) {
          rollups.add(codec.dictionary().value(rs.getInt(4), c), call);
        }
        if (f.hasText()) {
          text.setLong(1, last);
          text.setString(2, SpanCodec.text(rs.getBytes(3)));
          text.addBatch();
          texts++;
        }
      }
    }
    if (n == 0) {
      return false;
    }
    if (texts > 0) {
      text.executeBatch();
    }
    rollups.apply(statements);
    PreparedStatement set = statements.get(SET_THROUGH);
    set.setLong(1, last);
    set.executeUpdate();
    return n == CHUNK;
  }
}
