package io.guardops.plugins.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.ComponentConfig;
import io.guardops.api.Health;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.LatencySketch;
import io.guardops.api.store.MetricsAggregation;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsQuery.Bucket;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.StoreException;
import io.guardops.api.store.TraceCursor;
import io.guardops.api.store.TraceQuery;
import io.guardops.api.store.TraceQuery.StatusFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the conformance suites cannot see: schema upgrades, query plans, rollups as stored, group
 * commit, settings.
 */
class SqliteStoreInternalsTest {
  private static final long T0 = Workloads.T0;
  private static final long MS = Workloads.MS;
  private static final long MINUTE = 60_000 * MS;
  private static final long HOUR = 60 * MINUTE;

  @TempDir
  Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void cleanUp() throws Exception {
    pool.shutdownNow();
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private SqliteStore open(ComponentConfig config) throws Exception {
    SqliteStore s = (SqliteStore) new SqliteStoreProvider().create(config, new TestContext());
    toClose.add(s);
    return s;
  }

  private SqliteStore open() throws Exception {
    return open(ComponentConfig.empty(dir).with("synchronous", "NORMAL"));
  }

  /**
   * Another store on the file while one is open in this JVM, past the same-process guard (as {@link
   * SqliteBackend} opens the second instance of the multi-instance suite): both share this class
   * loader's copy of SQLite.
   */
  private SqliteStore openSecond() throws Exception {
    SqliteStore s = SqliteStoreProvider.open(SqliteStoreProvider.Settings.of(ComponentConfig.empty(dir)
        .with("synchronous", "NORMAL")), false);
    toClose.add(s);
    return s;
  }

  private Connection raw() throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStoreProvider.DEFAULT_FILE_NAME));
    toClose.add(c);
    return c;
  }

  private static Span span(String project, int trace, int span, String name) {
    return Span.builder().projectId(project).traceId(Workloads.traceId(trace))
        .spanId(String.format("d%015x", span)).name(name).kind(SpanKind.CLIENT)
        .startEpochNanos(T0 + trace * MS).endEpochNanos(T0 + trace * MS + 5).build();
  }

  /** The engine's exact metrics of what the store holds now. */
  private static List<MetricsRow> exact(SqliteStore store, MetricsQuery q) {
    return MetricsAggregation.aggregate(store.spans().spanStats(q.projectId(), q.fromEpochNanos(), q.toEpochNanos(),
        10_000_000), q.bucket());
  }

  /** Counts, tokens and costs equal; percentiles within the sketch's relative accuracy. */
  private static void assertMatches(List<MetricsRow> actual, List<MetricsRow> exact) {
    assertThat(actual).hasSameSizeAs(exact);
    for (int i = 0; i < exact.size(); i++) {
      MetricsRow a = actual.get(i);
      MetricsRow e = exact.get(i);
      String what = "bucket " + e.bucketStartEpochNanos() + " model " + e.model();
      assertThat(a).as(what).usingRecursiveComparison()
          .ignoringFields("latencyP50Nanos", "latencyP95Nanos", "latencyP99Nanos", "cost").isEqualTo(e);
      if (e.cost() == null) {
        assertThat(a.cost()).as(what).isNull();
      } else {
        assertThat(a.cost()).as(what).isCloseTo(e.cost(), org.assertj.core.data.Offset.offset(1e-9));
      }
      long[][] pairs = {{a.latencyP50Nanos(), e.latencyP50Nanos()}, {a.latencyP95Nanos(), e.latencyP95Nanos()},
          {a.latencyP99Nanos(), e.latencyP99Nanos()}};
      for (long[] p : pairs) {
        assertThat((double) p[0]).as(what).isCloseTo(p[1],
            org.assertj.core.data.Offset.offset(p[1] * LatencySketch.RELATIVE_ACCURACY + 1));
      }
    }
  }

  private static long rows(Connection c, String table) throws Exception {
    try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  // ------------------------------------------------------------------------------- schema

  @Test
  void upgradesAVersionOneDatabaseInPlace() throws Exception {
    try (Connection c = raw()) {
      assertThat(Schema.migrate(c, 1)).isZero();
      assertThat(Schema.version(c)).isEqualTo(1);
      try (Statement st = c.createStatement()) {
        st.execute("INSERT INTO projects VALUES ('p1', 'u1', 'Old', '', '[]', 30, 5.0, 10.0, 1)");
        st.execute("INSERT INTO trace_summaries VALUES ('p1', '" + Workloads.traceId(1)
            + "', NULL, 'old trace', " + T0 + ", " + (T0 + 5) + ", 1, 0, 0, 0, 0, NULL, 'gpt-4o')");
      }
    }
    SqliteStore store = open();
    assertThat(store.check().detail()).contains("schema v" + Schema.LATEST);
    assertThat(store.projects().find("p1").orElseThrow().name()).isEqualTo("Old");
    assertThat(store.projects().listWithRetention()).extracting(p -> p.projectId()).containsExactly("p1");
    assertThat(store.spans().findTrace("p1", Workloads.traceId(1)).orElseThrow().rootName()).isEqualTo("old trace");
    // the v2 objects work: leases and the (project, start) span index
    assertThat(store.retention().tryAcquireLease("retention", "me", Instant.EPOCH, Duration.ofMinutes(1))).isTrue();
    assertThat(String.join("\n", store.spans().explainMetrics())).contains("spans_start");
  }

  @Test
  void upgradesAVersionTwoDatabaseWithSpansInPlace() throws Exception {
    String t1 = Workloads.traceId(1);
    String t2 = Workloads.traceId(2);
    try (Connection c = raw()) {
      Schema.migrate(c, 2);
      try (Statement st = c.createStatement()) {
        st.execute("INSERT INTO projects VALUES ('p1', 'u1', 'Old', '', '[]', 0, 5.0, 10.0, 1)");
        String cols = "(project_id, trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status,"
            + " status_message, attributes, events, resource, model, input_tokens, output_tokens, usage_is_aggregate)";
        st.execute("INSERT INTO spans " + cols + " VALUES ('p1', '" + t1 + "', 'd000000000000001', NULL, 'root one', 2, "
            + T0 + ", " + (T0 + 50) + ", 1, '', '{\"k\":\"v\"}', '[]', '{}', 'gpt-4o', 10, 5, 0)");
        st.execute("INSERT INTO spans " + cols + " VALUES ('p1', '" + t1 + "', 'd000000000000002', 'd000000000000001',"
            + " 'child', 3, " + (T0 + 10) + ", " + (T0 + 20) + ", 2, 'boom', '{}', '[]', '{}', NULL, NULL, NULL, 0)");
        st.execute("INSERT INTO spans " + cols + " VALUES ('p1', '" + t2 + "', 'd000000000000003', NULL, 'root two', 2, "
            + (T0 + 100) + ", " + (T0 + 150) + ", 0, '', '{}', '[]', '{}', NULL, NULL, NULL, 0)");
        st.execute("INSERT INTO trace_summaries VALUES ('p1', '" + t1 + "', 'd000000000000001', 'root one', " + T0
            + ", " + (T0 + 50) + ", 2, 1, 10, 5, 15, NULL, 'gpt-4o')");
        // t2 has no summary: an orphan the migration must not lose
      }
    }
    SqliteStore store = open();
    assertThat(store.check().detail()).contains("schema v" + Schema.LATEST);
    assertThat(store.spans().findTraces(TraceQuery.page("p1", 0, 10)).traces()).extracting(TraceSummary::traceId)
        .containsExactly(t2, t1);
    assertThat(store.spans().findTrace("p1", t1).orElseThrow().errorCount()).isEqualTo(1);
    List<Span> spans = store.spans().findSpans("p1", List.of(t1, t2));
    assertThat(spans).extracting(Span::name).containsExactly("root one", "child", "root two");
    assertThat(spans.get(0).attributes()).containsEntry("k", "v");
    assertThat(spans.get(1).statusMessage()).isEqualTo("boom");
    // the one model call made it into the rollups built by v4
    MetricsQuery q = new MetricsQuery("p1", T0 - HOUR, T0 + HOUR, Bucket.HOUR);
    assertThat(store.spans().aggregate(q)).singleElement().satisfies(r -> {
      assertThat(r.model()).isEqualTo("gpt-4o");
      assertThat(r.requests()).isEqualTo(1);
      assertThat(r.inputTokens()).isEqualTo(10);
      assertThat(r.cost()).isNull();
    });
    // the orphan's provisional summary is made right by its next write
    store.spans().write(List.of(Span.builder().projectId("p1").traceId(t2).spanId("d000000000000004")
        .parentSpanId("d000000000000003").name("late child").startEpochNanos(T0 + 110).endEpochNanos(T0 + 120)
        .build()));
    assertThat(store.spans().findTrace("p1", t2).orElseThrow().rootName()).isEqualTo("root two");
    assertThat(store.spans().findTrace("p1", t2).orElseThrow().spanCount()).isEqualTo(2);
    // new traces get refs after the migrated ones and are written and purged as usual
    store.spans().write(List.of(span("p1", 3, 5, "new")));
    assertThat(store.spans().findTraces(TraceQuery.page("p1", 0, 10)).traces()).hasSize(3);
    assertThat(store.spans().purgeTraces("p1", T0 + 90, 10).deletedSpans()).isEqualTo(2);
    assertThat(store.spans().findSpans("p1", List.of(t1))).isEmpty();
    assertThat(store.spans().aggregate(q)).isEmpty();
  }

  /** Writes spans as schema v3 stored them: a summary per trace by the shared rule, spans by trace_ref. */
  private static void writeAsVersionThree(Connection c, List<Span> spans) throws Exception {
    Map<String, Map<String, Span>> traces = new LinkedHashMap<>();
    for (Span s : spans) {
      traces.computeIfAbsent(s.projectId() + "/" + s.traceId(), k -> new LinkedHashMap<>()).put(s.spanId(), s);
    }
    long ref;
    try (Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT coalesce(max(trace_ref), 0) FROM trace_summaries")) {
      ref = rs.getLong(1);
    }
    try (PreparedStatement summary = c.prepareStatement("INSERT INTO trace_summaries (trace_ref, "
        + SpanWriter.SUMMARY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement spanInsert = c.prepareStatement(SpanRow.UPSERT)) {
      for (Map<String, Span> trace : traces.values()) {
        ref++;
        Span first = trace.values().iterator().next();
        TraceSummary s = TraceSummary.of(first.projectId(), first.traceId(), trace.values().stream()
            .map(TraceSummary.SpanFacts::of).collect(Collectors.toList()));
        Sql.bind(summary, ref, s.projectId(), s.traceId(), s.rootSpanId(), s.rootName(), s.startEpochNanos(),
            s.endEpochNanos(), s.spanCount(), s.errorCount(), s.inputTokens(), s.outputTokens(), s.totalTokens(),
            s.cost(), s.model());
        summary.executeUpdate();
        for (Span span : trace.values()) {
          new SpanRow(span).bind(spanInsert, ref);
          spanInsert.executeUpdate();
        }
      }
    }
  }

  @Test
  void upgradesAVersionThreeDatabaseAndBuildsItsRollups() throws Exception {
    List<Span> p1 = Workloads.modelCalls("p1", 400, 5);
    List<Span> p2 = Workloads.modelCalls("p2", 120, 6);
    try (Connection c = raw()) {
      Schema.migrate(c, 3);
      try (Statement st = c.createStatement()) {
        st.execute("INSERT INTO users VALUES ('zed', 5), ('abe', 5), ('first', 1)");
        st.execute("INSERT INTO projects VALUES ('p2', 'u1', 'Two', '', '[\"x\"]', 7, 5.0, 10.0, 2),"
            + " ('p1', 'u1', 'One', 'd', '[]', 0, 5.0, 10.0, 2)");
        st.execute("INSERT INTO api_keys VALUES ('k1', 'u1', '" + "a".repeat(64) + "', 'gk-1', 3, NULL)");
      }
      try (Statement st = c.createStatement()) {
        // one transaction: in auto-commit every row would be a commit with its own fsyncs
        st.execute("BEGIN");
        writeAsVersionThree(c, p1);
        writeAsVersionThree(c, p2);
        st.execute("COMMIT");
      }
      assertThat(Schema.version(c)).isEqualTo(3);
    }
    SqliteStore store = open();
    assertThat(store.check().detail()).contains("schema v" + Schema.LATEST);
    assertThat(store.users().listIds()).containsExactly("first", "abe", "zed");
    assertThat(store.projects().listOwnedBy("u1")).extracting(p -> p.projectId()).containsExactly("p1", "p2");
    assertThat(store.apiKeys().findByHash("a".repeat(64)).orElseThrow().keyId()).isEqualTo("k1");
    assertThat(store.spans().countTraces(List.of("p1", "p2"))).containsEntry("p1", 100L).containsEntry("p2", 30L);
    // the rollups hold every stored model call: whole-minute ranges come from them alone
    long alignedFrom = Math.floorDiv(T0, MINUTE) * MINUTE + MINUTE;
    for (Bucket b : Bucket.values()) {
      for (String project : List.of("p1", "p2")) {
        for (MetricsQuery q : List.of(new MetricsQuery(project, alignedFrom, alignedFrom + 3 * HOUR, b),
            new MetricsQuery(project, T0, T0 + 3 * HOUR + 7 * MS, b))) {
          assertMatches(store.spans().aggregate(q), exact(store, q));
        }
      }
    }
    // one rollup row per (project, minute, model) with model calls
    long groups = 0;
    for (String project : List.of("p1", "p2")) {
      groups += MetricsAggregation.aggregate(store.spans().spanStats(project, 0, Long.MAX_VALUE, 10_000_000),
          Bucket.MINUTE).size();
    }
    assertThat(rows(raw(), "metric_rollups")).isEqualTo(groups);
    // and the store goes on maintaining them
    store.spans().purgeTraces("p1", T0 + HOUR, 10_000);
    MetricsQuery all = new MetricsQuery("p1", T0, T0 + 4 * HOUR, Bucket.MINUTE);
    assertMatches(store.spans().aggregate(all), exact(store, all));
  }

  @Test
  void upgradesAVersionFourDatabaseInPlace() throws Exception {
    // a v4 file written by the store itself, stopped at v4 (v5 only adds tables and an index)
    SqliteStoreProvider.Settings settings = SqliteStoreProvider.Settings.of(ComponentConfig.empty(dir)
        .with("synchronous", "NORMAL"));
    List<Span> calls = Workloads.modelCalls("p1", 200, 8);
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    try (SqliteStore v4 = SqliteStoreProvider.open(settings.withSchemaVersion(4), true)) {
      assertThat(v4.check().detail()).contains("schema v4");
      v4.users().create(new io.guardops.api.User("u1", at));
      v4.spans().write(calls);
      v4.meta().put("mode", "single-user");
      assertThat(v4.retention().tryAcquireLease("retention", "host-a", at, Duration.ofHours(1))).isTrue();
    }
    try (Connection c = raw(); Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'datasets'")) {
      assertThat(rs.getLong(1)).as("v4 has no dataset tables").isZero();
    }
    SqliteStore store = open();
    assertThat(store.check().detail()).contains("schema v" + Schema.LATEST);
    assertThat(Schema.LATEST).isEqualTo(6);
    // what v4 held is all there and still maintained
    assertThat(store.users().find("u1")).isPresent();
    assertThat(store.meta().get("mode")).contains("single-user");
    assertThat(store.spans().countTraces(List.of("p1"))).containsEntry("p1", 50L);
    MetricsQuery q = new MetricsQuery("p1", T0, T0 + 4 * HOUR, Bucket.HOUR);
    assertMatches(store.spans().aggregate(q), exact(store, q));
    assertThat(store.retention().tryAcquireLease("retention", "host-b", at.plusSeconds(60), Duration.ofHours(1)))
        .as("the lease taken under v4 still holds").isFalse();
    // and the v5 parts work on the upgraded file
    io.guardops.api.store.DatasetStore datasets = store.datasets().orElseThrow();
    datasets.create(new io.guardops.api.dataset.Dataset("d1", "u1", "Upgraded", "", 0, 0, at, at));
    datasets.stageItems("d1", 1, List.of(new io.guardops.api.dataset.DatasetItem("a", "in", "out", null,
        List.of(), Map.of(), null, null)));
    assertThat(datasets.publish("d1", 1, "first", at)).isTrue();
    assertThat(datasets.items("d1", 1, null, 10)).extracting(io.guardops.api.dataset.DatasetItem::input)
        .containsExactly("in");
    store.scores().orElseThrow().put(new io.guardops.api.eval.TraceScore("s1", "p1", Workloads.traceId(1), T0, null,
        "quality", 1.0, null, "", "api", "u1", at));
    assertThat(store.scores().orElseThrow().forTrace("p1", Workloads.traceId(1))).hasSize(1);
    assertThat(store.evaluations().orElseThrow().enabledRules()).isEmpty();
    assertThat(store.experiments().orElseThrow().listForDataset("d1", 10)).isEmpty();
  }

  @Test
  void refusesADatabaseFromANewerSchema() throws Exception {
    try (Connection c = raw(); Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version = " + (Schema.LATEST + 1));
    }
    assertThatThrownBy(this::open).hasMessageContaining("newer GuardOps");
  }

  // ------------------------------------------------------------------------------- query plans

  private static void assertIndexedWithoutSort(List<String> plan, String index, String what) {
    String text = String.join("\n", plan);
    assertThat(text).as("%s:\n%s", what, text).contains(index).doesNotContain("TEMP B-TREE")
        .doesNotContainPattern("SCAN \\w+$");
  }

  @Test
  void traceListingAndFiltersUseIndexesNotSpanScans() throws Exception {
    SqliteStore store = open();
    TraceCursor cursor = new TraceCursor(T0 + 5, Workloads.traceId(9));
    List<TraceQuery> queries = List.of(
        TraceQuery.page("p1", 0, 50),
        TraceQuery.page("p1", 5000, 50),
        TraceQuery.builder("p1").after(cursor).limit(50).build(),
        TraceQuery.builder("p1").from(T0).to(T0 + 10).limit(50).build(),
        TraceQuery.builder("p1").from(T0).to(T0 + 10).after(cursor).limit(50).build(),
        TraceQuery.builder("p1").model("gpt-4o").limit(50).build(),
        TraceQuery.builder("p1").model("gpt-4o").after(cursor).limit(50).build(),
        TraceQuery.builder("p1").status(StatusFilter.ERROR).minDurationNanos(1000L).after(cursor).limit(50).build(),
        TraceQuery.builder("p1").text("paris").limit(50).build(),
        TraceQuery.builder("p1").attribute("user.tier", "gold").limit(50).build(),
        TraceQuery.builder("p1").from(T0).to(T0 + 10).model("gpt-4o").status(StatusFilter.OK).minDurationNanos(5L)
            .text("x").attribute("k", "v").limit(50).build());
    for (TraceQuery q : queries) {
      List<String> plan = store.spans().explainFindTraces(q);
      String text = String.join("\n", plan);
      assertThat(text).as("plan for %s", q).contains("trace_summaries_");
      for (String step : plan) {
        if (step.startsWith("SCAN ") && !step.contains("VIRTUAL TABLE")) {
          assertThat(step).as("plan for %s:\n%s", q, text).contains("USING");
        }
        if (step.startsWith("SEARCH x") || step.startsWith("SEARCH a")) {
          assertThat(step).as("plan for %s:\n%s", q, text).contains("sqlite_autoindex_spans_1 (trace_ref=?)");
        }
      }
      assertThat(text).as("plan for %s", q).doesNotContain("TEMP B-TREE FOR ORDER BY");
      assertThat(text).as("plan for %s", q).doesNotContainPattern("SCAN (x|a|spans)\\b(?! USING)");
    }
    // trace detail (one id) and trace pages (many ids) read spans through the primary key
    for (int n : new int[] {1, 2, 20}) {
      assertThat(String.join("\n", store.spans().explainFindSpans(n))).as("findSpans of %d traces", n)
          .contains("SEARCH t USING COVERING INDEX trace_summaries_id (project_id=? AND trace_id=?)")
          .contains("SEARCH s USING INDEX sqlite_autoindex_spans_1 (trace_ref=?)")
          .doesNotContain("spans_start").doesNotContain("SCAN");
    }
  }

  @Test
  void aCursorSeeksTheListingIndexAtItsPosition() throws Exception {
    SqliteStore store = open();
    TraceCursor cursor = new TraceCursor(T0 + 5, Workloads.traceId(9));
    // the row value is the index range itself: a page deep in the list starts where the cursor is
    assertThat(store.spans().explainFindTraces(TraceQuery.builder("p1").after(cursor).build()))
        .containsExactly("SEARCH t USING INDEX trace_summaries_start (project_id=? AND (start_ns,trace_id)<(?,?))");
    assertThat(store.spans().explainFindTraces(TraceQuery.builder("p1").model("m").after(cursor).build()))
        .containsExactly("SEARCH t USING INDEX trace_summaries_model (project_id=? AND model=? AND"
            + " (start_ns,trace_id)<(?,?))");
    // with a time range the tighter of the two upper bounds is the one given
    assertThat(store.spans().explainFindTraces(TraceQuery.builder("p1").from(T0).to(T0 + 100).after(cursor).build()))
        .containsExactly("SEARCH t USING INDEX trace_summaries_start (project_id=? AND start_ns>? AND"
            + " (start_ns,trace_id)<(?,?))");
    assertThat(store.spans().explainFindTraces(TraceQuery.builder("p1").from(T0).to(T0 + 2).after(cursor).build()))
        .containsExactly("SEARCH t USING INDEX trace_summaries_start (project_id=? AND start_ns>? AND start_ns<?)");
  }

  @Test
  void everyListIsReadInIndexOrder() throws Exception {
    SqliteStore store = open();
    ReadPool r = store.reads();
    assertIndexedWithoutSort(r.read(c -> Sql.explain(c, SqliteUserStore.LIST_IDS)),
        "SCAN users USING COVERING INDEX users_created", "users");
    assertIndexedWithoutSort(r.read(c -> Sql.explain(c, SqliteProjectStore.LIST_OWNED, "u")),
        "SEARCH projects USING INDEX projects_owner_created (owner_id=?)", "projects of an owner");
    assertIndexedWithoutSort(r.read(c -> Sql.explain(c, SqliteProjectStore.LIST_WITH_RETENTION)),
        "SCAN projects USING INDEX projects_retention_created", "projects with retention");
    assertIndexedWithoutSort(r.read(c -> Sql.explain(c, SqliteApiKeyStore.LIST_OWNED, "u")),
        "SEARCH api_keys USING INDEX api_keys_owner_created (owner_id=?)", "keys of an owner");
    assertIndexedWithoutSort(r.read(c -> Sql.explain(c, SqliteSharingStore.LIST_CODES, "project", "p")),
        "SEARCH share_codes USING INDEX share_codes_resource (kind=? AND resource_id=?)", "codes of a resource");
    assertIndexedWithoutSort(r.read(c -> Sql.explain(c, SqliteSharingStore.LIST_GRANTS, "project", "p")),
        "SEARCH grants USING INDEX grants_resource (kind=? AND resource_id=?)", "grants of a resource");
    assertIndexedWithoutSort(r.read(c -> Sql.explain(c, SqliteSharingStore.LIST_GRANTS_TO, "u", "project")),
        "SEARCH grants USING INDEX grants_user (user_id=? AND kind=?)", "grants to a user");
    assertIndexedWithoutSort(r.read(c -> Sql.explain(c, SqliteRetentionStore.listSql(true), "p", 10)),
        "SEARCH cleanup_records USING INDEX cleanup_records_project_recent (project_id=?)", "records of a project");
    assertIndexedWithoutSort(r.read(c -> Sql.explain(c, SqliteRetentionStore.listSql(false), 10)),
        "SCAN cleanup_records USING INDEX cleanup_records_recent", "all records");
  }

  @Test
  void metricsWritesAndPurgesUseIndexes() throws Exception {
    SqliteStore store = open();
    assertThat(store.spans().explainMetrics()).containsExactly(
        // spanStats, then the rollups of the whole minutes, then an edge's calls
        "SEARCH spans USING INDEX spans_start (project_id=? AND start_ns>? AND start_ns<?)",
        "SEARCH metric_rollups USING PRIMARY KEY (project_id=? AND minute>? AND minute<?)",
        "SEARCH spans USING INDEX spans_start (project_id=? AND start_ns>? AND start_ns<?)");
    // the write path's reads: which traces exist, the facts of their stored spans, the touched rollups
    assertThat(store.spans().explainWritePath()).containsExactly(
        "SEARCH trace_summaries USING COVERING INDEX trace_summaries_id (project_id=? AND trace_id=?)",
        "SEARCH spans USING INDEX sqlite_autoindex_spans_1 (trace_ref=?)",
        "SEARCH metric_rollups USING PRIMARY KEY (project_id=? AND minute=?)");
    // the purge's reads: candidates from the listing index, their model calls by primary key
    assertThat(store.spans().explainPurge()).containsExactly(
        "SEARCH trace_summaries USING COVERING INDEX trace_summaries_start (project_id=? AND start_ns<?)",
        "SEARCH spans USING INDEX sqlite_autoindex_spans_1 (trace_ref=?)");
  }

  /** Each query of the optional parts with parameters to explain it with, and its whole expected plan. */
  private static void assertPlan(ReadPool r, String sql, Object[] params, String... plan) {
    assertThat(plan(r, sql, params)).as(sql).containsExactly(plan);
  }

  private static List<String> plan(ReadPool r, String sql, Object... params) {
    return r.read(c -> Sql.explain(c, sql, params));
  }

  @Test
  void everyQueryOfTheOptionalPartsSearchesAnIndex() throws Exception {
    SqliteStore store = open();
    ReadPool r = store.reads();
    // datasets: lists and versions in index order, items by (dataset, id), staging and discards by version
    assertPlan(r, SqliteDatasetStore.LIST_OWNED, new Object[] {"u"},
        "SEARCH datasets USING INDEX datasets_owner_created (owner_id=?)");
    assertPlan(r, SqliteDatasetStore.VERSIONS, new Object[] {"d"},
        "SEARCH dataset_versions USING PRIMARY KEY (dataset_id=?)");
    assertPlan(r, SqliteDatasetStore.ITEMS, new Object[] {"d", "", 1, 1, 10},
        "SEARCH dataset_items USING INDEX dataset_items_key (dataset_id=? AND item_id>?)");
    assertPlan(r, SqliteDatasetStore.ITEM, new Object[] {"d", "i", 1, 1},
        "SEARCH dataset_items USING INDEX dataset_items_key (dataset_id=? AND item_id=? AND from_version<?)");
    assertPlan(r, SqliteDatasetStore.END_CURRENT, new Object[] {1, "d", "i", 1},
        "SEARCH dataset_items USING INDEX dataset_items_key (dataset_id=? AND item_id=? AND from_version<?)");
    assertPlan(r, SqliteDatasetStore.UNSTAGE_ITEM, new Object[] {"d", "i", 1},
        "SEARCH dataset_items USING INDEX dataset_items_key (dataset_id=? AND item_id=? AND from_version=?)");
    assertPlan(r, SqliteDatasetStore.COUNT_ADDED, new Object[] {"d", 1},
        "SEARCH dataset_items USING COVERING INDEX dataset_items_from (dataset_id=? AND from_version=?)");
    assertPlan(r, SqliteDatasetStore.COUNT_ENDED, new Object[] {"d", 1},
        "SEARCH dataset_items USING COVERING INDEX dataset_items_to (dataset_id=? AND to_version=?)");
    assertPlan(r, SqliteDatasetStore.COUNT_IN, new Object[] {"d", 1, 1},
        "SEARCH dataset_items USING COVERING INDEX dataset_items_from (dataset_id=? AND from_version<?)");
    assertPlan(r, SqliteDatasetStore.DISCARD_ADDED, new Object[] {"d", 1},
        "SEARCH dataset_items USING INDEX dataset_items_from (dataset_id=? AND from_version=?)");
    assertPlan(r, SqliteDatasetStore.DISCARD_ENDED, new Object[] {"d", 1},
        "SEARCH dataset_items USING INDEX dataset_items_to (dataset_id=? AND to_version=?)");
    assertThat(String.join("\n", plan(r, SqliteDatasetStore.DELETE_ITEMS_CHUNK, "d")))
        .contains("SEARCH dataset_items USING INTEGER PRIMARY KEY (rowid=?)")
        .containsPattern("SEARCH dataset_items USING COVERING INDEX dataset_items_\\w+ \\(dataset_id=\\?\\)")
        .doesNotContain("SCAN");
    // evaluations: every list through an index ending in the id; the enabled rules through a partial one
    assertPlan(r, SqliteEvaluationStore.LIST, new Object[] {"p"},
        "SEARCH evaluations USING INDEX evaluations_project_created (project_id=?)");
    assertPlan(r, SqliteEvaluationStore.ENTRIES, new Object[] {"e"},
        "SEARCH evaluation_entries USING INDEX evaluation_entries_evaluation (evaluation_id=?)");
    assertPlan(r, SqliteEvaluationStore.DELETE_ENTRIES, new Object[] {"e"},
        "SEARCH evaluation_entries USING INDEX evaluation_entries_evaluation (evaluation_id=?)");
    assertPlan(r, SqliteEvaluationStore.PROJECT_ENTRIES, new Object[] {"p", 10},
        "SEARCH evaluation_entries USING INDEX evaluation_entries_project_recent (project_id=?)");
    assertPlan(r, SqliteEvaluationStore.RULES, new Object[] {"p"},
        "SEARCH online_rules USING INDEX online_rules_project (project_id=?)");
    // a scan of the partial index is a walk of the enabled rules alone
    assertPlan(r, SqliteEvaluationStore.ENABLED_RULES, new Object[] {},
        "SCAN online_rules USING INDEX online_rules_enabled");
    // experiments: newest first per dataset; results by (experiment, item)
    assertPlan(r, SqliteExperimentStore.LIST_FOR_DATASET, new Object[] {"d", 10},
        "SEARCH experiments USING INDEX experiments_dataset_recent (dataset_id=?)");
    assertPlan(r, SqliteExperimentStore.RESULTS, new Object[] {"x", "", 10},
        "SEARCH experiment_results USING INDEX sqlite_autoindex_experiment_results_1 (experiment_id=? AND item_id>?)");
    assertThat(String.join("\n", plan(r, SqliteExperimentStore.DELETE_RESULTS_CHUNK, "x")))
        .contains("SEARCH experiment_results USING COVERING INDEX sqlite_autoindex_experiment_results_1"
            + " (experiment_id=?)").doesNotContain("SCAN");
    // scores: a trace's through its index; aggregate and purge over the trace-start range, covering
    assertPlan(r, SqliteScoreStore.FOR_TRACE, new Object[] {"p", "t"},
        "SEARCH trace_scores USING INDEX trace_scores_trace (project_id=? AND trace_id=?)");
    // the GROUP BY sorts the range's (bucket, name) pairs; the range itself is an index search
    assertPlan(r, SqliteScoreStore.AGGREGATE, new Object[] {60L, 60L, 60L, "p", 0L, 100L},
        "SEARCH trace_scores USING COVERING INDEX trace_scores_start (project_id=? AND trace_start_ns>? AND"
            + " trace_start_ns<?)",
        "USE TEMP B-TREE FOR GROUP BY");
    assertThat(String.join("\n", plan(r, SqliteScoreStore.PURGE, "p", 5L, 10)))
        .contains("SEARCH trace_scores USING COVERING INDEX trace_scores_start (project_id=? AND trace_start_ns<?)")
        .doesNotContain("SCAN");
    // records: by id through the primary key, an owner's by id, by key through the partial index
    assertPlan(r, SqliteRecordStore.FIND, new Object[] {"playground", "x"},
        "SEARCH records USING INDEX sqlite_autoindex_records_1 (kind=? AND record_id=?)");
    assertPlan(r, SqliteRecordStore.LIST, new Object[] {"playground", "u", "", 10},
        "SEARCH records USING INDEX records_owner (kind=? AND owner_id=? AND record_id>?)");
    assertPlan(r, SqliteRecordStore.BY_KEY, new Object[] {"template", "u", "k"},
        "SEARCH records USING INDEX records_key (kind=? AND owner_id=? AND record_key=?)");
    // leases: the expired ones a lease acquisition clears
    assertPlan(r, SqliteRetentionStore.EXPIRE, new Object[] {5L},
        "SEARCH leases USING INDEX leases_expires (expires_at<?)");
  }

  // ------------------------------------------------------------------------------- rollups

  @Test
  void wholeMinutesComeFromTheRollupsAndOnlyTheEdgesFromTheSpans() throws Exception {
    SqliteStore store = open();
    store.spans().write(Workloads.modelCalls("p1", 600, 3));
    long from = T0 + 7 * MINUTE + 13_000 * MS;
    long to = T0 + 2 * HOUR + 5_000 * MS;
    long firstWhole = Math.floorDiv(from, MINUTE) * MINUTE + MINUTE;
    long endWhole = Math.floorDiv(to, MINUTE) * MINUTE;
    MetricsQuery inner = new MetricsQuery("p1", firstWhole, endWhole, Bucket.MINUTE);
    List<MetricsRow> innerBefore = store.spans().aggregate(inner);
    assertMatches(innerBefore, exact(store, inner));
    MetricsQuery ragged = new MetricsQuery("p1", from, to, Bucket.MINUTE);
    List<MetricsRow> raggedBefore = store.spans().aggregate(ragged);
    assertMatches(raggedBefore, exact(store, ragged));
    assertThat(raggedBefore.stream().mapToLong(MetricsRow::requests).sum())
        .isGreaterThan(innerBefore.stream().mapToLong(MetricsRow::requests).sum());
    try (Statement st = raw().createStatement()) {
      // behind the store's back: the spans go, the rollups stay
      st.execute("DELETE FROM spans");
    }
    assertThat(store.spans().aggregate(inner)).isEqualTo(innerBefore);
    // the edge minutes were read from spans, so without them only the whole minutes are left
    assertThat(store.spans().aggregate(ragged)).isEqualTo(innerBefore);
  }

  @Test
  void aRangeWithTooManyRollupsIsRefusedNotTruncated() throws Exception {
    SqliteStore store = open();
    store.spans().write(Workloads.modelCalls("p1", 200, 4));
    MetricsQuery q = new MetricsQuery("p1", T0, T0 + 4 * HOUR, Bucket.DAY);
    List<MetricsRow> day = store.reads().snapshot(c -> MetricRollups.aggregate(c, q, 10_000));
    assertThat(day).isNotEmpty();
    assertThatThrownBy(() -> store.reads().snapshot(c -> MetricRollups.aggregate(c, q, 20)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 20 minute rollups")
        .hasMessageContaining("shorter range");
  }

  /** Summaries equal the shared rule over the stored spans, and metrics the exact ones, through {@code store}. */
  private static void assertConverged(SqliteStore store) {
    for (TraceSummary t : store.spans().findTraces(TraceQuery.page("p1", 0, 1000)).traces()) {
      assertThat(t).isEqualTo(TraceSummary.of("p1", t.traceId(), store.spans().findSpans("p1", List.of(t.traceId()))
          .stream().map(TraceSummary.SpanFacts::of).collect(Collectors.toList())));
    }
    for (MetricsQuery q : List.of(new MetricsQuery("p1", T0, T0 + 4 * HOUR, Bucket.MINUTE),
        new MetricsQuery("p1", T0 - HOUR, T0 + 4 * HOUR, Bucket.HOUR))) {
      assertMatches(store.spans().aggregate(q), exact(store, q));
    }
  }

  @Test
  void rollupsStayExactWhenTwoStoresWriteTheSameTracesAtOnce() throws Exception {
    SqliteStore a = open();
    SqliteStore b = openSecond();
    int writers = 4;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      // changed re-sends of calls race with their first versions, through either store
      done.add(pool.submit(() -> {
        go.await();
        OtherProcessWriter.writeShare(writer % 2 == 0 ? a : b, 9, writer, writers);
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    assertConverged(a);
    assertConverged(b);
    a.spans().purgeTraces("p1", T0 + 90 * MINUTE, 10_000);
    assertConverged(b);
  }

  @Test
  void twoProcessesWritingTheSameTracesConverge() throws Exception {
    // a second JVM, as a second host on a shared volume: SQLite's file locks, not one process's. Both
    // stores are opened with the same-process guard, which must not keep the other process out
    SqliteStore store = open();
    Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), OtherProcessWriter.class.getName(), dir.toString(), "11", "1", "2")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      var fromOther = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8));
      assertThat(fromOther.readLine()).isEqualTo("ready");
      try (var toOther = other.getOutputStream()) {
        toOther.write("go\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      OtherProcessWriter.writeShare(store, 11, 0, 2);
      assertThat(other.waitFor(120, TimeUnit.SECONDS)).as("the other process finished").isTrue();
      assertThat(other.exitValue()).isZero();
    } finally {
      other.destroyForcibly();
    }
    assertThat(store.spans().countTraces(List.of("p1"))).containsEntry("p1", 100L);
    assertConverged(store);
  }

  // ------------------------------------------------------------------------------- the writer

  @Test
  void concurrentWritersShareOneCommit() throws Exception {
    SqliteStore store = open();
    CountDownLatch hold = holdWriter(store);
    long commitsBefore = store.commits();
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      writes.add(pool.submit(() -> store.spans().write(List.of(span("p1", n, n, "s" + n)))));
    }
    awaitQueued(store, 5);
    hold.countDown();
    for (Future<?> f : writes) {
      f.get(10, TimeUnit.SECONDS);
    }
    // the blocker's own transaction, then one commit for all five batches
    assertThat(store.commits() - commitsBefore).isEqualTo(2);
    assertThat(store.spans().countTraces(List.of("p1"))).containsEntry("p1", 5L);
  }

  @Test
  void aFailingBatchFailsAloneAndTheOthersCommit() throws Exception {
    SqliteStore store = open();
    try (Statement st = raw().createStatement()) {
      st.execute("CREATE TRIGGER poison BEFORE INSERT ON spans WHEN NEW.name = 'poison'"
          + " BEGIN SELECT RAISE(ABORT, 'poisoned batch'); END");
    }
    CountDownLatch hold = holdWriter(store);
    List<Future<?>> good = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      good.add(pool.submit(() -> store.spans().write(List.of(span("p1", n, n, "fine")
          .withLlm(LlmFields.builder().requestModel("m").build())))));
    }
    Future<?> bad = pool.submit(() -> store.spans().write(List.of(
        span("p1", 10, 10, "ok part").withLlm(LlmFields.builder().requestModel("m").build()),
        span("p1", 11, 11, "poison"))));
    awaitQueued(store, 4);
    hold.countDown();
    for (Future<?> f : good) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class);
    assertThat(store.spans().countTraces(List.of("p1"))).containsEntry("p1", 3L);
    // nothing of the failed batch was half-written, its rollup contribution included
    assertThat(store.spans().findTrace("p1", Workloads.traceId(10))).isEmpty();
    assertThat(store.spans().aggregate(new MetricsQuery("p1", T0 - HOUR, T0 + HOUR, Bucket.HOUR)))
        .singleElement().extracting(MetricsRow::requests).isEqualTo(3L);
  }

  @Test
  void sharedWritesShareOneCommitApartFromSpans() throws Exception {
    SqliteStore store = open();
    io.guardops.api.store.ExperimentStore experiments = store.experiments().orElseThrow();
    io.guardops.api.store.ScoreStore scores = store.scores().orElseThrow();
    CountDownLatch hold = holdWriter(store);
    long commitsBefore = store.commits();
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int n = i;
      // results one at a time, scores and spans arriving between them
      writes.add(pool.submit(() -> experiments.putResults(List.of(result("x1", "item-" + n)))));
      if (i % 2 == 0) {
        writes.add(pool.submit(() -> scores.put(score("s" + n))));
        writes.add(pool.submit(() -> store.spans().write(List.of(span("p1", n, n, "s" + n)))));
      }
    }
    awaitQueued(store, 12);
    hold.countDown();
    for (Future<?> f : writes) {
      f.get(10, TimeUnit.SECONDS);
    }
    // the blocker's own transaction, one for the three span batches, one for the nine shared writes
    assertThat(store.commits() - commitsBefore).isEqualTo(3);
    assertThat(experiments.results("x1", null, 100)).hasSize(6);
    assertThat(scores.forTrace("p1", Workloads.traceId(1))).hasSize(3);
    assertThat(store.spans().countTraces(List.of("p1"))).containsEntry("p1", 3L);
  }

  @Test
  void aFailingSharedWriteFailsAloneAndTheOthersCommit() throws Exception {
    SqliteStore store = open();
    io.guardops.api.store.ExperimentStore experiments = store.experiments().orElseThrow();
    try (Statement st = raw().createStatement()) {
      st.execute("CREATE TRIGGER poison BEFORE INSERT ON experiment_results WHEN NEW.item_id = 'poison'"
          + " BEGIN SELECT RAISE(ABORT, 'poisoned result'); END");
    }
    CountDownLatch hold = holdWriter(store);
    List<Future<?>> good = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      good.add(pool.submit(() -> experiments.putResults(List.of(result("x1", "fine-" + n)))));
    }
    Future<?> bad = pool.submit(() -> experiments.putResults(List.of(result("x1", "ok part"), result("x1", "poison"))));
    awaitQueued(store, 4);
    hold.countDown();
    for (Future<?> f : good) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class)
        .hasMessageContaining("poisoned result");
    // nothing of the failed call was half-written
    assertThat(experiments.results("x1", null, 100)).extracting(io.guardops.api.eval.ExperimentResult::itemId)
        .containsExactly("fine-0", "fine-1", "fine-2");
  }

  private static io.guardops.api.eval.ExperimentResult result(String experiment, String item) {
    return new io.guardops.api.eval.ExperimentResult(experiment, item, "out", 5L, 1L, 2L, null, null,
        List.of(io.guardops.api.eval.EvalScore.of("exact_match", 1)), null);
  }

  private static io.guardops.api.eval.TraceScore score(String id) {
    return new io.guardops.api.eval.TraceScore(id, "p1", Workloads.traceId(1), T0, null, "quality", 0.5, null, "",
        "api", "u1", Instant.EPOCH);
  }

  @Test
  void settingsAreValidatedAndPathIsHonoured() throws Exception {
    assertThatThrownBy(() -> open(ComponentConfig.of("guardops.store.sqlite", Map.of("synchronous", "OFF"),
        dir, java.time.Clock.systemUTC()))).hasMessageContaining("guardops.store.sqlite.synchronous");
    assertThatThrownBy(() -> open(ComponentConfig.empty(dir).with("read-connections", "0")))
        .hasMessageContaining("read-connections");
    for (String bad : new String[] {"0", "1.5", "half"}) {
      assertThatThrownBy(() -> open(ComponentConfig.empty(dir).with("purge-duty-cycle", bad)))
          .hasMessageContaining("guardops.purge-duty-cycle").hasMessageContaining(bad);
    }
    SqliteStore custom = open(ComponentConfig.empty(dir).with("path", "sub/custom.db"));
    assertThat(custom.path()).isEqualTo(dir.resolve("sub/custom.db").toAbsolutePath());
    assertThat(Files.exists(dir.resolve("sub/custom.db"))).isTrue();
    Health h = custom.check();
    assertThat(h.healthy()).isTrue();
    assertThat(h.detail()).contains("custom.db").contains("schema v" + Schema.LATEST).contains("sqlite 3.");
    custom.close();
    assertThat(custom.check().healthy()).isFalse();
    assertThatThrownBy(() -> custom.spans().write(List.of(span("p", 1, 1, "late"))))
        .isInstanceOf(StoreException.class);
  }

  @Test
  void closeDrainsQueuedWrites() throws Exception {
    SqliteStore store = open();
    CountDownLatch hold = holdWriter(store);
    Future<?> write = pool.submit(() -> store.spans().write(List.of(span("p1", 1, 1, "queued"))));
    awaitQueued(store, 1);
    Future<?> closing = pool.submit(store::close);
    hold.countDown();
    closing.get(10, TimeUnit.SECONDS);
    write.get(10, TimeUnit.SECONDS);
    SqliteStore reopened = open();
    assertThat(reopened.spans().countTraces(List.of("p1"))).containsEntry("p1", 1L);
  }

  @Test
  void theWriteQueueDepthIsAGaugeForTheEnginesMetrics() throws Exception {
    SqliteStore store = open();
    assertThat(store.gauges()).containsEntry("write_queue_depth", 0.0);
    CountDownLatch hold = holdWriter(store);
    Future<?> first = pool.submit(() -> store.spans().write(List.of(span("p1", 1, 1, "queued"))));
    Future<?> second = pool.submit(() -> store.spans().write(List.of(span("p1", 2, 1, "queued too"))));
    awaitQueued(store, 2);
    assertThat(store.gauges()).containsEntry("write_queue_depth", 2.0);
    hold.countDown();
    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);
    assertThat(store.gauges()).containsEntry("write_queue_depth", 0.0);
  }

  /** Occupies the writer thread (a transaction of its own) until the returned latch is counted down. */
  private CountDownLatch holdWriter(SqliteStore store) throws InterruptedException {
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    pool.submit(() -> store.writer().call(c -> {
      holding.countDown();
      awaitUninterruptibly(hold);
      return null;
    }));
    holding.await();
    return hold;
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitQueued(SqliteStore store, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (store.writer().queued() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + store.writer().queued() + " operations queued");
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
