package io.guardops.plugins.store.sqlite;

import io.guardops.api.ApiKey;
import io.guardops.api.CleanupRecord;
import io.guardops.api.Health;
import io.guardops.api.Json;
import io.guardops.api.Project;
import io.guardops.api.PurgeResult;
import io.guardops.api.Span;
import io.guardops.api.SpanStat;
import io.guardops.api.Store;
import io.guardops.api.StoreException;
import io.guardops.api.TracePage;
import io.guardops.api.TraceQuery;
import io.guardops.api.TraceSummary;
import io.guardops.api.User;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite {@link Store}: one writer thread with group commit ({@link GroupCommitWriter}), a
 * small pool of read connections ({@link ReadPool}), and trace summaries maintained in the same
 * transaction as their spans so listing never touches the spans table.
 */
final class SqliteStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

  /** SQLite's default limit of bound parameters is 32766; stay far below it. */
  private static final int MAX_IN_PARAMS = 500;

  private static final String SUMMARY_COLUMNS = "project_id, trace_id, root_span_id, root_name, start_ns, end_ns,"
      + " span_count, error_count, input_tokens, output_tokens, total_tokens, cost, model";

  private final Path path;
  private final String sqliteVersion;
  private final GroupCommitWriter writer;
  private final Connection writeConnection;
  private final ReadPool reads;
  private final int purgeChunkTraces;
  private final PurgePacer pacer;
  private final AtomicBoolean closed = new AtomicBoolean();

  SqliteStore(Path path, String sqliteVersion, Connection writeConnection, List<Connection> readConnections,
      int maxSpansPerCommit, int purgeChunkTraces, double purgeDutyCycle) {
    this.path = path;
    this.sqliteVersion = sqliteVersion;
    this.writeConnection = writeConnection;
    this.reads = new ReadPool(readConnections);
    this.purgeChunkTraces = purgeChunkTraces;
    this.pacer = new PurgePacer(purgeDutyCycle, System::nanoTime);
    this.writer = new GroupCommitWriter(writeConnection, SqliteStore::writeRows, maxSpansPerCommit,
        "guardops-sqlite-writer");
  }

  Path path() {
    return path;
  }

  /** Commits made by the writer so far (group commit shows as commits well below batches). */
  long commits() {
    return writer.commits();
  }

  /** Span batches written so far. */
  long batches() {
    return writer.batches();
  }

  /** The writer, for tests that need to hold it or watch its queue. */
  GroupCommitWriter writer() {
    return writer;
  }

  // ------------------------------------------------------------------------------- lifecycle

  @Override
  public Health check() {
    if (closed.get()) {
      return Health.down("the SQLite store at " + path + " is closed");
    }
    try {
      int version = reads.read(Schema::version);
      long bytes = fileSize(path) + fileSize(Path.of(path + "-wal"));
      return Health.up("sqlite " + sqliteVersion + " at " + path + ", schema v" + version + ", "
          + (bytes / (1024 * 1024)) + " MB");
    } catch (RuntimeException e) {
      return Health.down(e);
    }
  }

  private static long fileSize(Path p) {
    try {
      return Files.exists(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.close();
    reads.close();
    try {
      writeConnection.close();
    } catch (SQLException e) {
      LOG.warn("closing the SQLite write connection failed", e);
    }
    LOG.info("SQLite store at {} closed", path);
  }

  // ------------------------------------------------------------------------------- users

  @Override
  public boolean createUser(User user) {
    Objects.requireNonNull(user, "user");
    return writer.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO users (user_id, created_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING")) {
        ps.setString(1, user.userId());
        ps.setLong(2, nanos(user.createdAt()));
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<User> findUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    return reads.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT created_at FROM users WHERE user_id = ?")) {
        ps.setString(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new User(userId, instant(rs.getLong(1)))) : Optional.<User>empty();
        }
      }
    });
  }

  @Override
  public List<String> listUserIds() {
    return reads.read(c -> {
      List<String> out = new ArrayList<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT user_id FROM users ORDER BY rowid")) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }

  // ------------------------------------------------------------------------------- projects

  private static final String PROJECT_COLUMNS = "project_id, owner_id, name, description, tags, retention_days,"
      + " latency_warning, latency_critical, created_at";

  @Override
  public void createProject(Project p) {
    Objects.requireNonNull(p, "project");
    writer.call(c -> {
      if (exists(c, "SELECT 1 FROM projects WHERE project_id = ?", p.projectId())) {
        throw new IllegalArgumentException("a project with id " + p.projectId() + " already exists");
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO projects (" + PROJECT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, p.projectId());
        ps.setString(2, p.ownerId());
        ps.setString(3, p.name());
        ps.setString(4, p.description());
        ps.setString(5, Json.write(p.tags()));
        ps.setInt(6, p.retentionDays());
        ps.setDouble(7, p.latencyWarningSeconds());
        ps.setDouble(8, p.latencyCriticalSeconds());
        ps.setLong(9, nanos(p.createdAt()));
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<Project> findProject(String projectId) {
    Objects.requireNonNull(projectId, "projectId");
    List<Project> found = queryProjects("WHERE project_id = ?", projectId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  @Override
  public List<Project> listProjects(String ownerId) {
    Objects.requireNonNull(ownerId, "ownerId");
    return queryProjects("WHERE owner_id = ? ORDER BY created_at, rowid", ownerId);
  }

  @Override
  public List<Project> listProjectsWithRetention() {
    return queryProjects("WHERE retention_days > 0 ORDER BY created_at, rowid");
  }

  private List<Project> queryProjects(String where, String... params) {
    return reads.read(c -> {
      List<Project> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + PROJECT_COLUMNS + " FROM projects " + where)) {
        for (int i = 0; i < params.length; i++) {
          ps.setString(i + 1, params[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(readProject(rs));
          }
        }
      }
      return out;
    });
  }

  @SuppressWarnings("unchecked")
  private static Project readProject(ResultSet rs) throws SQLException {
    return Project.builder().projectId(rs.getString(1)).ownerId(rs.getString(2)).name(rs.getString(3))
        .description(rs.getString(4)).tags((List<String>) (List<?>) Json.read(rs.getString(5)))
        .retentionDays(rs.getInt(6)).latencyWarningSeconds(rs.getDouble(7)).latencyCriticalSeconds(rs.getDouble(8))
        .createdAt(instant(rs.getLong(9))).build();
  }

  @Override
  public boolean updateProject(Project p) {
    Objects.requireNonNull(p, "project");
    return writer.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE projects SET name = ?, description = ?, tags = ?,"
          + " retention_days = ?, latency_warning = ?, latency_critical = ? WHERE project_id = ?")) {
        ps.setString(1, p.name());
        ps.setString(2, p.description());
        ps.setString(3, Json.write(p.tags()));
        ps.setInt(4, p.retentionDays());
        ps.setDouble(5, p.latencyWarningSeconds());
        ps.setDouble(6, p.latencyCriticalSeconds());
        ps.setString(7, p.projectId());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean deleteProject(String projectId, boolean cascade) {
    Objects.requireNonNull(projectId, "projectId");
    return writer.call(c -> {
      if (cascade) {
        update(c, "DELETE FROM spans WHERE project_id = ?", projectId);
        update(c, "DELETE FROM trace_summaries WHERE project_id = ?", projectId);
      }
      return update(c, "DELETE FROM projects WHERE project_id = ?", projectId) == 1;
    });
  }

  @Override
  public Map<String, Long> countTraces(Collection<String> projectIds) {
    Objects.requireNonNull(projectIds, "projectIds");
    Map<String, Long> out = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(projectIds));
    if (ids.isEmpty()) {
      return out;
    }
    for (String id : ids) {
      out.put(id, 0L);
    }
    reads.read(c -> {
      for (List<String> chunk : chunks(ids)) {
        try (PreparedStatement ps = c.prepareStatement("SELECT project_id, count(*) FROM trace_summaries"
            + " WHERE project_id IN (" + placeholders(chunk.size()) + ") GROUP BY project_id")) {
          for (int i = 0; i < chunk.size(); i++) {
            ps.setString(i + 1, chunk.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getLong(2));
            }
          }
        }
      }
      return null;
    });
    return out;
  }

  // ------------------------------------------------------------------------------- API keys

  private static final String KEY_COLUMNS = "key_id, owner_id, hash_of_hash, hint, created_at, last_used_at";

  @Override
  public void createApiKey(ApiKey key) {
    Objects.requireNonNull(key, "key");
    writer.call(c -> {
      if (exists(c, "SELECT 1 FROM api_keys WHERE key_id = ?", key.keyId())) {
        throw new IllegalArgumentException("an API key with id " + key.keyId() + " already exists");
      }
      if (exists(c, "SELECT 1 FROM api_keys WHERE hash_of_hash = ?", key.hashOfHash())) {
        throw new IllegalArgumentException("an API key with this hash already exists");
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, key.keyId());
        ps.setString(2, key.ownerId());
        ps.setString(3, key.hashOfHash());
        ps.setString(4, key.hint());
        ps.setLong(5, nanos(key.createdAt()));
        SpanRow.setLong(ps, 6, key.lastUsedAt() == null ? null : nanos(key.lastUsedAt()));
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<ApiKey> findApiKeyByHash(String hashOfHash) {
    Objects.requireNonNull(hashOfHash, "hashOfHash");
    List<ApiKey> keys = queryKeys("WHERE hash_of_hash = ?", hashOfHash);
    return keys.isEmpty() ? Optional.empty() : Optional.of(keys.get(0));
  }

  @Override
  public List<ApiKey> listApiKeys(String ownerId) {
    Objects.requireNonNull(ownerId, "ownerId");
    return queryKeys("WHERE owner_id = ? ORDER BY created_at, rowid", ownerId);
  }

  private List<ApiKey> queryKeys(String where, String param) {
    return reads.read(c -> {
      List<ApiKey> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + KEY_COLUMNS + " FROM api_keys " + where)) {
        ps.setString(1, param);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Long lastUsed = SpanRow.getLong(rs, 6);
            out.add(new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                instant(rs.getLong(5)), lastUsed == null ? null : instant(lastUsed)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public boolean deleteApiKey(String ownerId, String keyId) {
    Objects.requireNonNull(ownerId, "ownerId");
    Objects.requireNonNull(keyId, "keyId");
    return writer.call(c -> update(c, "DELETE FROM api_keys WHERE key_id = ? AND owner_id = ?", keyId, ownerId) == 1);
  }

  @Override
  public void touchApiKey(String keyId, Instant when) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(when, "when");
    writer.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET last_used_at = ? WHERE key_id = ?")) {
        ps.setLong(1, nanos(when));
        ps.setString(2, keyId);
        return ps.executeUpdate();
      }
    });
  }

  // ------------------------------------------------------------------------------- spans

  @Override
  public void writeSpans(List<Span> spans) {
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

  /** A trace of one project. */
  private record TraceKey(String projectId, String traceId) {}

  private static final String INSERT_SUMMARY = "INSERT INTO trace_summaries (trace_ref, " + SUMMARY_COLUMNS + ")"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_SUMMARY = "UPDATE trace_summaries SET root_span_id = ?, root_name = ?,"
      + " start_ns = ?, end_ns = ?, span_count = ?, error_count = ?, input_tokens = ?, output_tokens = ?,"
      + " total_tokens = ?, cost = ?, model = ? WHERE trace_ref = ?";

  /**
   * Runs on the writer thread inside a transaction. Per trace of the batch: a trace already stored
   * gets its summary recomputed from its stored spans' facts merged with the new ones (a re-sent
   * span replaces its old self, so nothing is counted twice); a new trace gets the next
   * {@code trace_ref} and a summary of the batch's spans alone. Then the spans are upserted. A
   * handful of statements per batch, not per span: one lookup of the batch's traces, one read of the
   * stored facts, batched summary inserts and updates, one batched span upsert.
   */
  private static void writeRows(Connection c, List<SpanRow> rows) throws SQLException {
    // the last copy of a span in the batch wins, as the upsert would have it
    Map<TraceKey, Map<String, SpanRow>> byTrace = new LinkedHashMap<>();
    for (SpanRow row : rows) {
      byTrace.computeIfAbsent(new TraceKey(row.span.projectId(), row.span.traceId()), k -> new LinkedHashMap<>())
          .put(row.span.spanId(), row);
    }
    Map<TraceKey, Long> refs = storedTraceRefs(c, byTrace.keySet());
    Map<Long, List<TraceSummary.SpanFacts>> stored = storedFacts(c, refs.values());
    long nextRef = 0;
    if (refs.size() < byTrace.size()) {
      // we hold the write lock (BEGIN IMMEDIATE): no other connection can take these refs meanwhile
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT coalesce(max(trace_ref), 0) FROM trace_summaries")) {
        rs.next();
        nextRef = rs.getLong(1) + 1;
      }
    }
    try (PreparedStatement insert = c.prepareStatement(INSERT_SUMMARY);
        PreparedStatement update = c.prepareStatement(UPDATE_SUMMARY);
        PreparedStatement spans = c.prepareStatement(SpanRow.UPSERT)) {
      boolean inserts = false;
      boolean updates = false;
      for (Map.Entry<TraceKey, Map<String, SpanRow>> e : byTrace.entrySet()) {
        TraceKey key = e.getKey();
        Long ref = refs.get(key);
        Map<String, TraceSummary.SpanFacts> facts = new LinkedHashMap<>();
        if (ref != null) {
          for (TraceSummary.SpanFacts f : stored.getOrDefault(ref, List.of())) {
            facts.put(f.spanId(), f);
          }
        }
        for (SpanRow row : e.getValue().values()) {
          facts.put(row.span.spanId(), row.facts);
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
    if (s.cost() == null) {
      ps.setNull(at + 9, Types.REAL);
    } else {
      ps.setDouble(at + 9, s.cost());
    }
    ps.setString(at + 10, s.model());
  }

  static String traceRefsSql(int n) {
    return "SELECT trace_id, trace_ref FROM trace_summaries WHERE project_id = ? AND trace_id IN ("
        + placeholders(n) + ")";
  }

  static String factsSql(int n) {
    return "SELECT trace_ref, " + SpanRow.FACT_COLUMNS + " FROM spans WHERE trace_ref IN (" + placeholders(n) + ")";
  }

  /** EXPLAIN QUERY PLAN of the write path's two reads (trace refs, stored facts), for tests. */
  List<String> explainWritePath() {
    List<Object> refParams = new ArrayList<>(List.of("p", String.format("%032x", 1), String.format("%032x", 2)));
    return reads.read(c -> {
      List<String> out = new ArrayList<>(explain(c, traceRefsSql(2), refParams));
      out.addAll(explain(c, factsSql(2), List.of(1L, 2L)));
      return out;
    });
  }

  /** The {@code trace_ref}s of those of {@code traces} already stored, through the (project, trace id) index. */
  private static Map<TraceKey, Long> storedTraceRefs(Connection c, Collection<TraceKey> traces) throws SQLException {
    Map<String, List<String>> byProject = new LinkedHashMap<>();
    for (TraceKey k : traces) {
      byProject.computeIfAbsent(k.projectId(), p -> new ArrayList<>()).add(k.traceId());
    }
    Map<TraceKey, Long> out = new java.util.HashMap<>();
    for (Map.Entry<String, List<String>> e : byProject.entrySet()) {
      for (List<String> chunk : chunks(e.getValue())) {
        try (PreparedStatement ps = c.prepareStatement(traceRefsSql(chunk.size()))) {
          ps.setString(1, e.getKey());
          for (int i = 0; i < chunk.size(); i++) {
            ps.setString(i + 2, chunk.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(new TraceKey(e.getKey(), rs.getString(1)), rs.getLong(2));
            }
          }
        }
      }
    }
    return out;
  }

  /** The summary facts of every stored span of the given traces, by primary-key prefix. */
  private static Map<Long, List<TraceSummary.SpanFacts>> storedFacts(Connection c, Collection<Long> refs)
      throws SQLException {
    Map<Long, List<TraceSummary.SpanFacts>> out = new java.util.HashMap<>();
    List<Long> all = new ArrayList<>(refs);
    for (int from = 0; from < all.size(); from += MAX_IN_PARAMS) {
      List<Long> chunk = all.subList(from, Math.min(all.size(), from + MAX_IN_PARAMS));
      try (PreparedStatement ps = c.prepareStatement(factsSql(chunk.size()))) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setLong(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(rs.getLong(1), r -> new ArrayList<>()).add(SpanRow.readFacts(rs, 2));
          }
        }
      }
    }
    return out;
  }

  @Override
  public TracePage findTraces(TraceQuery query) {
    Objects.requireNonNull(query, "query");
    List<Object> params = new ArrayList<>();
    String sql = findTracesSql(query, params);
    return reads.read(c -> {
      List<TraceSummary> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, params);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(readSummary(rs));
          }
        }
      }
      boolean more = out.size() > query.limit();
      return new TracePage(more ? out.subList(0, query.limit()) : out, more);
    });
  }

  /** The query behind {@link #findTraces}; one row more than the page tells whether a next page exists. */
  static String findTracesSql(TraceQuery q, List<Object> params) {
    StringBuilder sql = new StringBuilder("SELECT ").append(prefixed("t.", SUMMARY_COLUMNS))
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
    if (q.toEpochNanos() != null) {
      sql.append(" AND t.start_ns < ?");
      params.add(q.toEpochNanos());
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
    sql.append(" ORDER BY t.start_ns DESC, t.trace_id DESC LIMIT ? OFFSET ?");
    params.add(q.limit() + 1);
    params.add(q.offset());
    return sql.toString();
  }

  /** EXPLAIN QUERY PLAN of {@link #findTraces}, one line per plan step, for tests. */
  List<String> explainFindTraces(TraceQuery q) {
    List<Object> params = new ArrayList<>();
    String sql = findTracesSql(q, params);
    return reads.read(c -> explain(c, sql, params));
  }

  /** EXPLAIN QUERY PLAN of the {@link #spanStats} query, for tests. */
  List<String> explainSpanStats() {
    return reads.read(c -> explain(c, SPAN_STATS, List.of("p", 0L, 1L, 10)));
  }

  private static List<String> explain(Connection c, String sql, List<Object> params) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(4));
        }
      }
    }
    return out;
  }

  @Override
  public Optional<TraceSummary> findTrace(String projectId, String traceId) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceId, "traceId");
    return reads.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + SUMMARY_COLUMNS + " FROM trace_summaries WHERE project_id = ? AND trace_id = ?")) {
        ps.setString(1, projectId);
        ps.setString(2, traceId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(readSummary(rs)) : Optional.<TraceSummary>empty();
        }
      }
    });
  }

  private static TraceSummary readSummary(ResultSet rs) throws SQLException {
    return new TraceSummary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
        rs.getLong(6), rs.getInt(7), rs.getInt(8), rs.getLong(9), rs.getLong(10), rs.getLong(11),
        SpanRow.getDouble(rs, 12), rs.getString(13));
  }

  @Override
  public List<Span> findSpans(String projectId, Collection<String> traceIds) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceIds, "traceIds");
    List<String> ids = new ArrayList<>(new java.util.TreeSet<>(traceIds));
    if (ids.isEmpty()) {
      return List.of();
    }
    return reads.read(c -> {
      List<Span> out = new ArrayList<>();
      // chunks are taken in trace-id order, so the concatenation stays ordered
      for (List<String> chunk : chunks(ids)) {
        try (PreparedStatement ps = c.prepareStatement(findSpansSql(chunk.size()))) {
          ps.setString(1, projectId);
          for (int i = 0; i < chunk.size(); i++) {
            ps.setString(i + 2, chunk.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(SpanRow.read(rs));
            }
          }
        }
      }
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
    return "SELECT " + prefixed("s.", SpanRow.COLUMNS) + " FROM trace_summaries t JOIN spans s"
        + " ON s.trace_ref = t.trace_ref WHERE t.project_id = ? AND t.trace_id IN (" + placeholders(n) + ")"
        + " ORDER BY t.trace_id, +s.start_ns, s.span_id";
  }

  /** EXPLAIN QUERY PLAN of {@link #findSpans} for {@code n} trace ids, for tests. */
  List<String> explainFindSpans(int n) {
    List<Object> params = new ArrayList<>();
    params.add("p");
    for (int i = 0; i < n; i++) {
      params.add(String.format("%032x", i));
    }
    return reads.read(c -> explain(c, findSpansSql(n), params));
  }

  private static final String SPAN_STATS = "SELECT start_ns, end_ns, model, status, input_tokens, output_tokens,"
      + " cost FROM spans"
      + " WHERE project_id = ? AND start_ns >= ? AND start_ns < ? AND model IS NOT NULL AND usage_is_aggregate = 0"
      + " ORDER BY start_ns LIMIT ?";

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
      List<SpanStat> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(SPAN_STATS)) {
        ps.setString(1, projectId);
        ps.setLong(2, fromEpochNanos);
        ps.setLong(3, toEpochNanos);
        ps.setInt(4, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long start = rs.getLong(1);
            out.add(new SpanStat(start, rs.getLong(2) - start, rs.getString(3), rs.getInt(4) == 2,
                rs.getLong(5), rs.getLong(6), SpanRow.getDouble(rs, 7)));
          }
        }
      }
      return out;
    });
  }

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

  /** Deletes up to {@code max} old traces; returns {deleted traces, deleted spans, 1 if more remain}. */
  private static long[] purgeChunk(Connection c, String projectId, long cutoff, int max) throws SQLException {
    List<Long> refs = new ArrayList<>(max + 1);
    try (PreparedStatement ps = c.prepareStatement("SELECT trace_ref FROM trace_summaries"
        + " WHERE project_id = ? AND start_ns < ? ORDER BY start_ns DESC, trace_id DESC LIMIT ?")) {
      // newest-first walks the listing index backwards from the cutoff; any order deletes the same set
      ps.setString(1, projectId);
      ps.setLong(2, cutoff);
      ps.setInt(3, max + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          refs.add(rs.getLong(1));
        }
      }
    }
    boolean more = refs.size() > max;
    if (more) {
      refs = refs.subList(0, max);
    }
    long spans = 0;
    try (PreparedStatement delSpans = c.prepareStatement("DELETE FROM spans WHERE trace_ref = ?");
        PreparedStatement delSummary = c.prepareStatement("DELETE FROM trace_summaries WHERE trace_ref = ?")) {
      for (long ref : refs) {
        delSpans.setLong(1, ref);
        spans += delSpans.executeUpdate();
        delSummary.setLong(1, ref);
        delSummary.executeUpdate();
      }
    }
    return new long[] {refs.size(), spans, more ? 1 : 0};
  }

  // ------------------------------------------------------------------------------- retention bookkeeping

  @Override
  public void addCleanupRecord(CleanupRecord r) {
    Objects.requireNonNull(r, "record");
    writer.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO cleanup_records (record_id,"
          + " executed_at, project_id, cutoff, deleted_traces, deleted_spans, duration_ns)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, r.recordId());
        ps.setLong(2, nanos(r.executedAt()));
        ps.setString(3, r.projectId());
        ps.setLong(4, nanos(r.cutoff()));
        ps.setLong(5, r.deletedTraces());
        ps.setLong(6, r.deletedSpans());
        ps.setLong(7, r.duration().toNanos());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public List<CleanupRecord> listCleanupRecords(String projectId, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    String sql = "SELECT record_id, executed_at, project_id, cutoff, deleted_traces, deleted_spans, duration_ns"
        + " FROM cleanup_records" + (projectId == null ? "" : " WHERE project_id = ?")
        + " ORDER BY executed_at DESC, record_id DESC LIMIT ?";
    return reads.read(c -> {
      List<CleanupRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (projectId != null) {
          ps.setString(i++, projectId);
        }
        ps.setInt(i, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new CleanupRecord(rs.getString(1), instant(rs.getLong(2)), rs.getString(3),
                instant(rs.getLong(4)), rs.getLong(5), rs.getLong(6), Duration.ofNanos(rs.getLong(7))));
          }
        }
      }
      return out;
    });
  }

  @Override
  public boolean tryAcquireLease(String name, String holder, Instant now, Duration ttl) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("lease ttl must be positive, was " + ttl);
    }
    long nowNanos = nanos(now);
    long until = nanos(now.plus(ttl));
    // one statement decides: free, expired or our own lease is taken; anything else changes no row
    return writer.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
          + " WHERE leases.holder = excluded.holder OR leases.expires_at <= ?")) {
        ps.setString(1, name);
        ps.setString(2, holder);
        ps.setLong(3, until);
        ps.setLong(4, nowNanos);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public void releaseLease(String name, String holder) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(holder, "holder");
    writer.call(c -> update(c, "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder));
  }

  // ------------------------------------------------------------------------------- helpers

  static long nanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(0, nanos);
  }

  private static boolean exists(Connection c, String sql, String param) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static int update(Connection c, String sql, String... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }

  private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p == null) {
        ps.setNull(i + 1, Types.NULL);
      } else if (p instanceof String s) {
        ps.setString(i + 1, s);
      } else if (p instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else {
        ps.setLong(i + 1, ((Number) p).longValue());
      }
    }
  }

  private static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  private static List<List<String>> chunks(List<String> ids) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += MAX_IN_PARAMS) {
      out.add(ids.subList(i, Math.min(ids.size(), i + MAX_IN_PARAMS)));
    }
    return out;
  }

  private static String prefixed(String prefix, String columns) {
    StringBuilder sb = new StringBuilder();
    for (String col : columns.split(",")) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(prefix).append(col.trim());
    }
    return sb.toString();
  }
}
