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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Spans and trace summaries: writes go through the group-commit writer ({@link SpanWriter} runs in
 * its transaction) after the caller's thread has encoded them ({@link SpanCodec}), reads through the
 * read pool. Listing never touches the spans table; metrics are served from the rollups ({@link
 * MetricRollups}) and {@code model_calls}; text search from the full-text index ({@link TextSearch}).
 */
final class SqliteSpanStore implements SpanStore {
  /**
   * A search text matching at most this many spans is answered from their traces alone (looked up by
   * ref and sorted); more, and the listing index is walked and each trace checked against the matches.
   */
  static final int DIRECT_MATCHES = 2_000;

  private final GroupCommitWriter writer;
  private final SpanWriter spanWriter;
  private final SpanCodec codec;
  private final Dictionary dictionary;
  private final ReadPool reads;
  private final int purgeChunkTraces;
  private final PurgePacer pacer;
  private final DerivedData derived;
  /** Whether spans were written since the maintenance thread last brought the derived data up to date. */
  private volatile boolean written;

  SqliteSpanStore(GroupCommitWriter writer, SpanWriter spanWriter, SpanCodec codec, ReadPool reads,
      int purgeChunkTraces, PurgePacer pacer) {
    this.writer = writer;
    this.derived = new DerivedData(codec, spanWriter);
    this.spanWriter = spanWriter;
    this.codec = codec;
    this.dictionary = codec.dictionary();
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
    for (Span s : spans) {
      Objects.requireNonNull(s, "span");
    }
    SpanCodec.Needs needs = codec.needs(spans);
    if (!needs.isEmpty()) {
      // new strings and resources get their numbers in a commit before any span uses them (shared with other
      // callers' interning and small writes waiting at the same time)
      dictionary.learn(writer.callShared(c -> Dictionary.intern(c, needs.strings, needs.resources),
          needs.strings.size() + needs.resources.size()));
    }
    ByteWriter scratch = new ByteWriter(2048);
    List<SpanRow> rows = new ArrayList<>(spans.size());
    // a batch's spans share a few resource maps: each one's ref is looked up once, not hashed per span
    Map<Map<String, Object>, Long> resourceRefs = new java.util.IdentityHashMap<>();
    for (Span s : spans) {
      Integer project = dictionary.id(s.projectId());
      if (project == null) {
        throw new IllegalStateException("project " + s.projectId() + " has no dictionary number after interning");
      }
      long resource = s.resource().isEmpty() ? 0 : resourceRefs.computeIfAbsent(s.resource(),
          r -> resourceRef(needs.encodedResources.get(r)));
      rows.add(new SpanRow(s, project, resource, codec, scratch));
    }
    writer.writeSpans(rows);
    written = true;
  }

  /**
   * The maintenance thread's periodic work: indexes what was written since its last run (a batch of about
   * a second of ingest), in the writer's queue like any write.
   */
  void maintain() {
    if (written) {
      written = false;
      while (writer.call(derived::runChunk)) {
        // more than a chunk waited
      }
    }
  }

  /** The ref of an encoded resource: cached, else interned now (the cache of resources is bounded). */
  private long resourceRef(Dictionary.ResourceKey key) {
    Long ref = dictionary.resourceRef(key);
    if (ref == null) {
      Dictionary.Interned interned = writer.callShared(c -> Dictionary.intern(c, List.of(), List.of(key)), 1);
      dictionary.learn(interned);
      ref = interned.resources().get(key);
    }
    return ref;
  }

  /** The dictionary number of {@code projectId}, or null when it never had spans. */
  private Integer projectRef(Connection c, String projectId) throws SQLException {
    Integer id = dictionary.id(projectId);
    return id != null ? id : dictionary.lookup(projectId, c);
  }

  // ------------------------------------------------------------------------------- trace lists

  /**
   * Brings the text index and the rollups up to the newest span ({@link DerivedData}) when spans wait to
   * be indexed: a read that needs them sees every span written before it.
   */
  void catchUp() {
    if (reads.read(DerivedData::pending)) {
      while (writer.call(derived::runChunk)) {
        // a large backlog (after a restart, say) goes in several transactions
      }
    }
  }

  @Override
  public TracePage findTraces(TraceQuery query) {
    Objects.requireNonNull(query, "query");
    if (query.text() != null) {
      catchUp();
    }
    return reads.snapshot(c -> {
      Integer project = projectRef(c, query.projectId());
      if (project == null) {
        return new TracePage(List.of(), false);
      }
      List<Object> params = new ArrayList<>();
      String sql = findTracesSql(c, query, project, params);
      if (sql == null) {
        return new TracePage(List.of(), false);
      }
      List<TraceSummary> out = Sql.query(c, sql, rs -> readSummary(rs, query.projectId()), params.toArray());
      boolean more = out.size() > query.limit();
      return new TracePage(more ? out.subList(0, query.limit()) : out, more);
    });
  }

  /**
   * The query behind {@link #findTraces}, or null when nothing can match; one row more than the page
   * tells whether a next page exists. A cursor is a row-value bound on the listing index's (start,
   * trace id), so a page deep in the list costs what the first one does (an offset walks and drops every
   * row before it). A search text is looked up in the full-text index first (see {@link #textFilter}).
   */
  String findTracesSql(Connection c, TraceQuery q, int projectRef, List<Object> params) throws SQLException {
    String project = "t.project_ref = ?";
    String text = null;
    Object textParam = null;
    if (q.text() != null) {
      List<String> words = TextSearch.words(q.text());
      if (words.isEmpty()) {
        // nothing to look up in the index: a substring test over the candidates' spans
        text = " AND EXISTS (SELECT 1 FROM spans x WHERE x.span_ref BETWEEN " + spanRange("t.trace_ref")
            + " AND guardops_text_has(x.body, ?))";
        textParam = q.text();
      } else {
        String match = TextSearch.match(words);
        Set<Long> traces = directMatches(c, match);
        if (traces != null && traces.isEmpty()) {
          return null;
        }
        if (traces != null) {
          // few matches: their traces by ref; "+" keeps the planner off the listing index, which it would
          // otherwise walk in full to avoid sorting them
          project = "+t.project_ref = ?";
          StringBuilder in = new StringBuilder(" AND t.trace_ref IN (");
          for (long ref : traces) {
            in.append(in.charAt(in.length() - 1) == '(' ? "" : ",").append(ref);
          }
          text = in.append(')').toString();
        } else {
          // many: walk the listing index and check each trace against the matches (read once into a
          // temporary index); "+" keeps the planner from turning the check into lookups and a sort
          text = " AND +t.trace_ref IN (SELECT rowid >> " + SpanWriter.SEQ_BITS
              + " FROM span_text WHERE span_text MATCH ?)";
          textParam = match;
        }
      }
    }
    StringBuilder sql = new StringBuilder("SELECT ").append(Sql.prefixed("t.", SpanWriter.SUMMARY_COLUMNS))
        .append(" FROM trace_summaries t WHERE ").append(project);
    params.add(projectRef);
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
      params.add(SpanCodec.traceId(after.traceId()));
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
    if (text != null) {
      sql.append(text);
      if (textParam != null) {
        params.add(textParam);
      }
    }
    if (q.attributeKey() != null) {
      Integer keyId = dictionary.id(q.attributeKey());
      if (keyId == null) {
        keyId = dictionary.lookup(q.attributeKey(), c);
      }
      sql.append(" AND EXISTS (SELECT 1 FROM spans a WHERE a.span_ref BETWEEN ").append(spanRange("t.trace_ref"))
          .append(" AND guardops_attr_eq(a.body, ?, ?, ?))");
      params.add(keyId == null ? -1 : keyId);
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

  /** {@code lo AND hi}: the span refs of the trace whose ref is the SQL expression {@code traceRef}. */
  static String spanRange(String traceRef) {
    return traceRef + " << " + SpanWriter.SEQ_BITS + " AND (" + traceRef + " << " + SpanWriter.SEQ_BITS + ") | "
        + SpanWriter.MAX_SPANS_PER_TRACE;
  }

  /**
   * The traces of the spans matching {@code match}, when there are at most {@link #DIRECT_MATCHES} such
   * spans; null when there are more. Reads at most that many row ids of the index: a common word stops
   * early, a rare one finishes.
   */
  static Set<Long> directMatches(Connection c, String match) throws SQLException {
    Set<Long> traces = new TreeSet<>();
    int n = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT rowid FROM span_text WHERE span_text MATCH ? LIMIT ?")) {
      ps.setString(1, match);
      ps.setInt(2, DIRECT_MATCHES + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (++n > DIRECT_MATCHES) {
            return null;
          }
          traces.add(rs.getLong(1) >> SpanWriter.SEQ_BITS);
        }
      }
    }
    return traces;
  }

  @Override
  public Optional<TraceSummary> findTrace(String projectId, String traceId) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceId, "traceId");
    byte[] id = SpanCodec.traceId(traceId);
    return reads.read(c -> {
      Integer project = projectRef(c, projectId);
      if (project == null) {
        return Optional.<TraceSummary>empty();
      }
      return Sql.first(c, "SELECT " + SpanWriter.SUMMARY_COLUMNS + " FROM trace_summaries WHERE project_ref = ?"
          + " AND trace_id = ?", rs -> readSummary(rs, projectId), project, id);
    });
  }

  private static TraceSummary readSummary(ResultSet rs, String projectId) throws SQLException {
    long root = rs.getLong(3);
    String rootId = rs.wasNull() ? null : SpanCodec.hex16(root);
    return new TraceSummary(projectId, SpanCodec.traceHex(rs.getBytes(2)), rootId, rs.getString(4), rs.getLong(5),
        rs.getLong(6), rs.getInt(7), rs.getInt(8), rs.getLong(9), rs.getLong(10), rs.getLong(11),
        Sql.getDouble(rs, 12), rs.getString(13));
  }

  @Override
  public List<Span> findSpans(String projectId, Collection<String> traceIds) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceIds, "traceIds");
    List<byte[]> ids = new ArrayList<>();
    for (String t : new TreeSet<>(traceIds)) {
      ids.add(SpanCodec.traceId(t));
    }
    if (ids.isEmpty()) {
      return List.of();
    }
    return reads.read(c -> {
      Integer project = projectRef(c, projectId);
      if (project == null) {
        return List.<Span>of();
      }
      List<Span> out = new ArrayList<>();
      Sql.forEachIn(c, SqliteSpanStore::findSpansSql, ids,
          rs -> out.add(codec.span(projectId, SpanCodec.traceHex(rs.getBytes(1)), rs.getBytes(2), rs.getBytes(3), c)),
          project);
      out.sort(Comparator.comparing(Span::traceId).thenComparingLong(Span::startEpochNanos)
          .thenComparing(Span::spanId));
      return out;
    });
  }

  /** Spans of {@code n} traces of one project: their refs through the (project, trace id) index, their spans as one range each. */
  static String findSpansSql(int n) {
    return "SELECT t.trace_id, s.facts, s.body FROM trace_summaries t JOIN spans s ON s.span_ref BETWEEN "
        + spanRange("t.trace_ref") + " WHERE t.project_ref = ? AND t.trace_id IN (" + Sql.placeholders(n) + ")";
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
      Map<Integer, String> byRef = new LinkedHashMap<>();
      for (String id : ids) {
        Integer ref = projectRef(c, id);
        if (ref != null) {
          byRef.put(ref, id);
        }
      }
      Sql.forEachIn(c, n -> "SELECT project_ref, count(*) FROM trace_summaries WHERE project_ref IN ("
          + Sql.placeholders(n) + ") GROUP BY project_ref", new ArrayList<>(byRef.keySet()),
          rs -> out.put(byRef.get(rs.getInt(1)), rs.getLong(2)));
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
    return reads.read(c -> {
      Integer project = projectRef(c, projectId);
      return project == null ? List.<SpanStat>of()
          : Sql.query(c, SPAN_STATS, MetricRollups::readStat, project, fromEpochNanos, toEpochNanos, limit);
    });
  }

  @Override
  public List<MetricsRow> aggregate(MetricsQuery query) {
    Objects.requireNonNull(query, "query");
    catchUp();
    return reads.snapshot(c -> MetricRollups.aggregate(c, query, projectRef(c, query.projectId())));
  }

  // ------------------------------------------------------------------------------- purge

  @Override
  public PurgeResult purgeTraces(String projectId, long cutoffEpochNanos, int maxTraces) {
    Objects.requireNonNull(projectId, "projectId");
    if (maxTraces < 1) {
      throw new IllegalArgumentException("maxTraces must be at least 1, was " + maxTraces);
    }
    Integer project = reads.read(c -> projectRef(c, projectId));
    if (project == null) {
      return new PurgeResult(0, 0, true);
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
        long[] done = purgeChunk(c, projectId, project, cutoffEpochNanos, chunk);
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
      + " WHERE project_ref = ? AND start_ns < ? ORDER BY start_ns DESC, trace_id DESC LIMIT ?";

  /**
   * Deletes up to {@code max} old traces with their spans, model calls and text, and takes their model
   * calls out of the rollups, in the caller's transaction; returns {deleted traces, deleted spans, 1 if
   * more remain}.
   */
  private long[] purgeChunk(Connection c, String projectId, int projectRef, long cutoff, int max) throws SQLException {
    // newest-first walks the listing index backwards from the cutoff; any order deletes the same set
    List<Long> refs = Sql.query(c, PURGE_CANDIDATES, rs -> rs.getLong(1), projectRef, cutoff, max + 1);
    boolean more = refs.size() > max;
    if (more) {
      refs = refs.subList(0, max);
    }
    MetricRollups.Changes rollups = new MetricRollups.Changes();
    Statements statements = spanWriter.statements(c);
    PreparedStatement delCall = statements.get(SpanWriter.DELETE_CALL);
    PreparedStatement delText = statements.get(SpanWriter.DELETE_TEXT);
    PreparedStatement delSpans = statements.get("DELETE FROM spans WHERE span_ref BETWEEN ? AND ?");
    PreparedStatement delSummary = statements.get("DELETE FROM trace_summaries WHERE trace_ref = ?");
    long spans = 0;
    // what is above the watermark was never counted nor indexed: only the rest is taken back
    long derivedThrough = DerivedData.through(statements);
    for (long ref : refs) {
      for (SpanWriter.Stored s : spanWriter.storedSpans(statements, c, ref).values()) {
        boolean derived = s.spanRef() <= derivedThrough;
        SpanStat call = MetricRollups.call(s.facts().facts());
        if (call != null) {
          if (derived) {
            rollups.remove(projectId, call);
          }
          Sql.bind(delCall, projectRef, call.startEpochNanos(), s.spanRef());
          delCall.executeUpdate();
        }
        if (s.facts().hasText() && derived) {
          delText.setLong(1, s.spanRef());
          delText.executeUpdate();
        }
      }
      delSpans.setLong(1, SpanWriter.firstSpan(ref));
      delSpans.setLong(2, SpanWriter.lastSpan(ref));
      spans += delSpans.executeUpdate();
      delSummary.setLong(1, ref);
      delSummary.executeUpdate();
    }
    rollups.apply(statements);
    return new long[] {refs.size(), spans, more ? 1 : 0};
  }

  // ------------------------------------------------------------------------------- query plans, for tests

  /** EXPLAIN QUERY PLAN of {@link #findTraces}, one line per plan step (empty when nothing can match). */
  List<String> explainFindTraces(TraceQuery q) {
    return reads.read(c -> {
      List<Object> params = new ArrayList<>();
      Integer project = projectRef(c, q.projectId());
      String sql = findTracesSql(c, q, project == null ? 0 : project, params);
      return sql == null ? List.of() : Sql.explain(c, sql, params.toArray());
    });
  }

  /** EXPLAIN QUERY PLAN of {@link #findSpans} for {@code n} trace ids. */
  List<String> explainFindSpans(int n) {
    Object[] params = new Object[n + 1];
    params[0] = 1;
    for (int i = 0; i < n; i++) {
      params[i + 1] = SpanCodec.traceId(String.format("%032x", i + 1));
    }
    return reads.read(c -> Sql.explain(c, findSpansSql(n), params));
  }

  /** EXPLAIN QUERY PLAN of every query of the metrics path: spanStats, rollup ranges, edges. */
  List<String> explainMetrics() {
    return reads.read(c -> {
      List<String> out = new ArrayList<>(Sql.explain(c, SPAN_STATS, 1, 0L, 1L, 10));
      out.addAll(Sql.explain(c, MetricRollups.RANGE, "p", 0L, 1L));
      out.addAll(Sql.explain(c, MetricRollups.CALLS, 1, 0L, 1L));
      return out;
    });
  }

  /** EXPLAIN QUERY PLAN of the write path's reads: trace refs, a trace's stored spans, touched rollup rows. */
  List<String> explainWritePath() {
    return reads.read(c -> {
      List<String> out = new ArrayList<>(Sql.explain(c, SpanWriter.traceRefsSql(2), 1,
          SpanCodec.traceId(String.format("%032x", 1)), SpanCodec.traceId(String.format("%032x", 2))));
      out.addAll(Sql.explain(c, SpanWriter.TRACE_SPANS, 1L, 2L));
      out.addAll(Sql.explain(c, MetricRollups.touchedSql(2), "p", 1L, 2L));
      return out;
    });
  }

  /** EXPLAIN QUERY PLAN of the purge's reads: candidate traces. */
  List<String> explainPurge() {
    return reads.read(c -> Sql.explain(c, PURGE_CANDIDATES, 1, 1L, 10));
  }
}
