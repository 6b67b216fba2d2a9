package io.guardops.plugins.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.ComponentConfig;
import io.guardops.api.Health;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.Store;
import io.guardops.api.StoreException;
import io.guardops.api.TraceQuery;
import io.guardops.api.TraceQuery.StatusFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the conformance suite cannot see: schema upgrades, query plans, group commit, settings. */
class SqliteStoreInternalsTest {
  private static final long T0 = 1_700_000_000_000_000_000L;

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
    SqliteStore s = (SqliteStore) new SqliteStoreProvider().create(config);
    toClose.add(s);
    return s;
  }

  private SqliteStore open() throws Exception {
    return open(ComponentConfig.empty(dir).with("synchronous", "NORMAL"));
  }

  private static Span span(String project, int trace, int span, String name) {
    return Span.builder().projectId(project).traceId(String.format("c%031x", trace))
        .spanId(String.format("d%015x", span)).name(name).kind(SpanKind.CLIENT)
        .startEpochNanos(T0 + trace * 1_000_000L).endEpochNanos(T0 + trace * 1_000_000L + 5).build();
  }

  @Test
  void upgradesAVersionOneDatabaseInPlace() throws Exception {
    Path file = dir.resolve("guardops.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      assertThat(Schema.migrate(c, 1)).isZero();
      assertThat(Schema.version(c)).isEqualTo(1);
      try (Statement st = c.createStatement()) {
        st.execute("INSERT INTO projects VALUES ('p1', 'u1', 'Old', '', '[]', 30, 5.0, 10.0, 1)");
        st.execute("INSERT INTO trace_summaries VALUES ('p1', '" + String.format("c%031x", 1)
            + "', NULL, 'old trace', " + T0 + ", " + (T0 + 5) + ", 1, 0, 0, 0, 0, NULL, 'gpt-4o')");
      }
    }
    SqliteStore store = open();
    assertThat(store.check().detail()).contains("schema v" + Schema.LATEST);
    assertThat(store.findProject("p1").orElseThrow().name()).isEqualTo("Old");
    assertThat(store.findTrace("p1", String.format("c%031x", 1)).orElseThrow().rootName()).isEqualTo("old trace");
    // the v2 objects work: leases and the (project, start) span index
    assertThat(store.tryAcquireLease("retention", "me", Instant.EPOCH, Duration.ofMinutes(1))).isTrue();
    assertThat(String.join("\n", store.explainSpanStats())).contains("spans_start");
  }

  @Test
  void upgradesAVersionTwoDatabaseWithSpansInPlace() throws Exception {
    Path file = dir.resolve("guardops.db");
    String t1 = String.format("c%031x", 1);
    String t2 = String.format("c%031x", 2);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
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
    assertThat(store.findTraces(TraceQuery.page("p1", 0, 10)).traces()).extracting(t -> t.traceId())
        .containsExactly(t2, t1);
    assertThat(store.findTrace("p1", t1).orElseThrow().errorCount()).isEqualTo(1);
    List<Span> spans = store.findSpans("p1", List.of(t1, t2));
    assertThat(spans).extracting(Span::name).containsExactly("root one", "child", "root two");
    assertThat(spans.get(0).attributes()).containsEntry("k", "v");
    assertThat(spans.get(1).statusMessage()).isEqualTo("boom");
    // the orphan's provisional summary is made right by its next write
    store.writeSpans(List.of(Span.builder().projectId("p1").traceId(t2).spanId("d000000000000004")
        .parentSpanId("d000000000000003").name("late child").startEpochNanos(T0 + 110).endEpochNanos(T0 + 120)
        .build()));
    assertThat(store.findTrace("p1", t2).orElseThrow().rootName()).isEqualTo("root two");
    assertThat(store.findTrace("p1", t2).orElseThrow().spanCount()).isEqualTo(2);
    // new traces get refs after the migrated ones and are written and purged as usual
    store.writeSpans(List.of(span("p1", 3, 5, "new")));
    assertThat(store.findTraces(TraceQuery.page("p1", 0, 10)).traces()).hasSize(3);
    assertThat(store.purgeTraces("p1", T0 + 90, 10).deletedSpans()).isEqualTo(2);
    assertThat(store.findSpans("p1", List.of(t1))).isEmpty();
  }

  @Test
  void refusesADatabaseFromANewerSchema() throws Exception {
    Path file = dir.resolve("guardops.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version = " + (Schema.LATEST + 1));
    }
    assertThatThrownBy(this::open).hasMessageContaining("newer GuardOps");
  }

  @Test
  void traceListingAndFiltersUseIndexesNotSpanScans() throws Exception {
    SqliteStore store = open();
    List<TraceQuery> queries = List.of(
        TraceQuery.page("p1", 0, 50),
        TraceQuery.page("p1", 5000, 50),
        new TraceQuery("p1", T0, T0 + 10, null, StatusFilter.ANY, null, null, null, null, 0, 50),
        new TraceQuery("p1", null, null, "gpt-4o", StatusFilter.ANY, null, null, null, null, 0, 50),
        new TraceQuery("p1", null, null, null, StatusFilter.ERROR, 1000L, null, null, null, 0, 50),
        new TraceQuery("p1", null, null, null, StatusFilter.ANY, null, "paris", null, null, 0, 50),
        new TraceQuery("p1", null, null, null, StatusFilter.ANY, null, null, "user.tier", "gold", 0, 50),
        new TraceQuery("p1", T0, T0 + 10, "gpt-4o", StatusFilter.OK, 5L, "x", "k", "v", 0, 50));
    for (TraceQuery q : queries) {
      List<String> plan = store.explainFindTraces(q);
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
    assertThat(String.join("\n", store.explainSpanStats())).contains("SEARCH spans USING INDEX spans_start");
    // trace detail (one id) and trace pages (many ids) read spans through the primary key
    for (int n : new int[] {1, 2, 20}) {
      assertThat(String.join("\n", store.explainFindSpans(n))).as("findSpans of %d traces", n)
          .contains("SEARCH t USING COVERING INDEX trace_summaries_id (project_id=? AND trace_id=?)")
          .contains("SEARCH s USING INDEX sqlite_autoindex_spans_1 (trace_ref=?)")
          .doesNotContain("spans_start").doesNotContain("SCAN");
    }
    // the write path's reads: which traces exist, and the facts of their stored spans
    assertThat(String.join("\n", store.explainWritePath()))
        .contains("SEARCH trace_summaries USING COVERING INDEX trace_summaries_id (project_id=? AND trace_id=?)")
        .contains("SEARCH spans USING INDEX sqlite_autoindex_spans_1 (trace_ref=?)")
        .doesNotContain("SCAN");
  }

  @Test
  void concurrentWritersShareOneCommit() throws Exception {
    SqliteStore store = open();
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    Future<?> blocker = pool.submit(() -> store.writer().call(c -> {
      holding.countDown();
      awaitUninterruptibly(hold);
      return null;
    }));
    holding.await();
    long commitsBefore = store.commits();
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      writes.add(pool.submit(() -> store.writeSpans(List.of(span("p1", n, n, "s" + n)))));
    }
    awaitQueued(store, 5);
    hold.countDown();
    blocker.get(10, TimeUnit.SECONDS);
    for (Future<?> f : writes) {
      f.get(10, TimeUnit.SECONDS);
    }
    // the blocker's own transaction, then one commit for all five batches
    assertThat(store.commits() - commitsBefore).isEqualTo(2);
    assertThat(store.countTraces(List.of("p1"))).containsEntry("p1", 5L);
  }

  @Test
  void aFailingBatchFailsAloneAndTheOthersCommit() throws Exception {
    SqliteStore store = open();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.path()); Statement st = c.createStatement()) {
      st.execute("CREATE TRIGGER poison BEFORE INSERT ON spans WHEN NEW.name = 'poison'"
          + " BEGIN SELECT RAISE(ABORT, 'poisoned batch'); END");
    }
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    pool.submit(() -> store.writer().call(c -> {
      holding.countDown();
      awaitUninterruptibly(hold);
      return null;
    }));
    holding.await();
    List<Future<?>> good = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      good.add(pool.submit(() -> store.writeSpans(List.of(span("p1", n, n, "fine")))));
    }
    Future<?> bad = pool.submit(() -> store.writeSpans(List.of(span("p1", 10, 10, "ok part"),
        span("p1", 11, 11, "poison"))));
    awaitQueued(store, 4);
    hold.countDown();
    for (Future<?> f : good) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class);
    assertThat(store.countTraces(List.of("p1"))).containsEntry("p1", 3L);
    // nothing of the failed batch was half-written
    assertThat(store.findTrace("p1", String.format("c%031x", 10))).isEmpty();
  }

  @Test
  void leasesAreExclusiveAcrossTwoStoresOnOneFile() throws Exception {
    SqliteStore a = open();
    SqliteStore b = open();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    List<Future<Boolean>> results = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < 8; i++) {
      Store s = i % 2 == 0 ? a : b;
      String holder = "host-" + i;
      results.add(pool.submit(() -> {
        go.await();
        return s.tryAcquireLease("retention", holder, now, Duration.ofMinutes(1));
      }));
    }
    go.countDown();
    int wins = 0;
    for (Future<Boolean> f : results) {
      wins += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
    }
    assertThat(wins).isEqualTo(1);
  }

  @Test
  void writesOfOneStoreAreSeenByAnotherOnTheSameFile() throws Exception {
    SqliteStore a = open();
    SqliteStore b = open();
    a.writeSpans(List.of(span("p1", 1, 1, "x")));
    assertThat(b.findTrace("p1", String.format("c%031x", 1))).isPresent();
  }

  @Test
  void settingsAreValidatedAndPathIsHonoured() throws Exception {
    assertThatThrownBy(() -> open(ComponentConfig.of("guardops.store.sqlite", java.util.Map.of("synchronous", "OFF"),
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
    assertThatThrownBy(() -> custom.writeSpans(List.of(span("p", 1, 1, "late")))).isInstanceOf(StoreException.class);
  }

  @Test
  void closeDrainsQueuedWrites() throws Exception {
    SqliteStore store = open();
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    pool.submit(() -> store.writer().call(c -> {
      holding.countDown();
      awaitUninterruptibly(hold);
      return null;
    }));
    holding.await();
    Future<?> write = pool.submit(() -> store.writeSpans(List.of(span("p1", 1, 1, "queued"))));
    awaitQueued(store, 1);
    Future<?> closing = pool.submit(store::close);
    hold.countDown();
    closing.get(10, TimeUnit.SECONDS);
    write.get(10, TimeUnit.SECONDS);
    SqliteStore reopened = open();
    assertThat(reopened.countTraces(List.of("p1"))).containsEntry("p1", 1L);
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
