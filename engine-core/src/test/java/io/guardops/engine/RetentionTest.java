package io.guardops.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.CleanupRecord;
import io.guardops.api.Project;
import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.store.Store;
import io.guardops.api.store.TraceQuery;
import io.guardops.engine.internal.InMemoryStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention sweeps with an injected clock, on the reference store. */
class RetentionTest {
  static final Caller ALICE = Caller.claimedUser("alice");

  static final Instant START = Instant.parse("2026-06-01T00:00:00Z");

  @TempDir
  Path dir;

  final MutableClock clock = new MutableClock(START);
  final Store store = new InMemoryStore();
  final List<Engine> engines = new ArrayList<>();

  Engine engine() {
    Engine e = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(store).tokenCache(new MapTokenCache()).setting("guardops.auth", "unprotected")
        .setting("guardops.retention.batch-size", "2").clock(clock).startScheduler(false).build();
    engines.add(e);
    return e;
  }

  @BeforeEach
  void user() {
    engine().users().provision("alice");
  }

  @AfterEach
  void close() {
    // the engines share the store: close it once, after the engines
    for (Engine e : engines) {
      e.retention().stopSchedule();
    }
  }

  static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** A trace of {@code spans} spans that started at {@code start}. */
  void trace(String projectId, int n, Instant start, int spans) {
    List<Span> batch = new ArrayList<>();
    String traceId = String.format("%032x", n);
    for (int i = 0; i < spans; i++) {
      batch.add(Span.builder().projectId(projectId).traceId(traceId).spanId(String.format("%016x", n * 100 + i + 1))
          .parentSpanId(i == 0 ? null : String.format("%016x", n * 100 + 1)).name("s" + i)
          .startEpochNanos(nanos(start) + i).endEpochNanos(nanos(start) + i + 1_000_000).build());
    }
    store.spans().write(batch);
  }

  long traces(String projectId) {
    return store.spans().countTraces(List.of(projectId)).get(projectId);
  }

  @Test
  void oldTracesGoWithAllTheirSpansNewerOnesAndKeepForeverProjectsStay() {
    Engine engine = engines.get(0);
    Project week = engine.projects().create(ALICE, EngineTest.draft("week", 7));
    Project forever = engine.projects().create(ALICE, EngineTest.draft("forever", 0));
    for (int i = 1; i <= 5; i++) {
      trace(week.projectId(), i, START.minus(Duration.ofDays(10)), 3);     // older than 7 days
      trace(forever.projectId(), 100 + i, START.minus(Duration.ofDays(400)), 2);
    }
    trace(week.projectId(), 50, START.minus(Duration.ofDays(6)), 4);       // newer than the cutoff
    trace(week.projectId(), 51, START.minus(Duration.ofDays(7)).plusSeconds(1), 1);

    List<Long> progress = new ArrayList<>();
    Retention.SweepReport report = engine.retention().sweep((p, t, s) -> progress.add(t));
    assertThat(report.ran()).isTrue();
    assertThat(report.records()).hasSize(1); // one record per project with retention > 0
    CleanupRecord r = report.records().get(0);
    assertThat(r.projectId()).isEqualTo(week.projectId());
    assertThat(r.deletedTraces()).isEqualTo(5);
    assertThat(r.deletedSpans()).isEqualTo(15);
    assertThat(r.cutoff()).isEqualTo(START.minus(Duration.ofDays(7)));
    assertThat(progress).containsExactly(2L, 4L, 5L); // batches of 2 traces
    assertThat(traces(week.projectId())).isEqualTo(2);
    assertThat(traces(forever.projectId())).isEqualTo(5);
    assertThat(store.spans().findSpans(week.projectId(), List.of(String.format("%032x", 1)))).isEmpty();
    assertThat(store.spans().findSpans(week.projectId(), List.of(String.format("%032x", 50)))).hasSize(4);

    // a second sweep deletes nothing and says so
    Retention.SweepReport again = engine.retention().sweep(Retention.Progress.none());
    assertThat(again.deletedTraces()).isZero();
    assertThat(again.records()).hasSize(1);
    assertThat(engine.retention().history(ALICE, week.projectId(), 10)).hasSize(2);

    // time passes: the 6-day-old trace crosses the cutoff
    clock.advance(Duration.ofDays(2));
    assertThat(engine.retention().sweep(Retention.Progress.none()).deletedTraces()).isEqualTo(2);
    assertThat(store.spans().findTraces(TraceQuery.page(week.projectId(), 0, 10)).traces()).isEmpty();
  }

  @Test
  void theSchedulerSweepsOnItsOwnAfterTheInitialDelay() throws Exception {
    Project p = engines.get(0).projects().create(ALICE, EngineTest.draft("p", 1));
    trace(p.projectId(), 1, START.minus(Duration.ofDays(3)), 2);
    trace(p.projectId(), 2, START, 2);
    Engine scheduled = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(store).tokenCache(new MapTokenCache()).setting("guardops.auth", "unprotected")
        .setting("guardops.retention.initial-delay", "0s").setting("guardops.retention.interval", "1h").clock(clock)
        .build();
    engines.add(scheduled);
    // wait for the background sweep's record (a deadline, not a guess at how long it takes)
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (store.retention().listCleanupRecords(p.projectId(), 10).isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    List<CleanupRecord> records = store.retention().listCleanupRecords(p.projectId(), 10);
    assertThat(records).hasSize(1);
    assertThat(records.get(0).deletedTraces()).isEqualTo(1);
    assertThat(traces(p.projectId())).isEqualTo(1);
    // disabled in configuration: no schedule at all
    Engine off = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(new InMemoryStore()).tokenCache(new MapTokenCache())
        .setting("guardops.auth", "unprotected").setting("guardops.retention.enabled", "false")
        .setting("guardops.retention.initial-delay", "0s").clock(clock).build();
    engines.add(off);
    assertThat(off.retention().scheduled()).isFalse();
    assertThat(scheduled.retention().scheduled()).isTrue();
  }

  @Test
  void aSweepIsSkippedWhileAnotherInstanceHoldsTheLease() {
    Engine engine = engines.get(0);
    Project p = engine.projects().create(ALICE, EngineTest.draft("p", 1));
    trace(p.projectId(), 1, START.minus(Duration.ofDays(3)), 2);
    assertThat(store.retention().tryAcquireLease(Retention.LEASE, "another-host", START, Duration.ofMinutes(10))).isTrue();
    Retention.SweepReport skipped = engine.retention().sweep(Retention.Progress.none());
    assertThat(skipped.ran()).isFalse();
    assertThat(traces(p.projectId())).isEqualTo(1);
    clock.advance(Duration.ofMinutes(11)); // the other host's lease expired
    assertThat(engine.retention().sweep(Retention.Progress.none()).deletedTraces()).isEqualTo(1);
  }

  @Test
  void twoEnginesSweepingAtOnceDoNotCollide() throws Exception {
    Engine a = engines.get(0);
    Engine b = engine();
    Project p = a.projects().create(ALICE, EngineTest.draft("p", 1));
    for (int i = 1; i <= 200; i++) {
      trace(p.projectId(), i, START.minus(Duration.ofDays(2)), 2);
    }
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Retention.SweepReport>> runs = new ArrayList<>();
      for (Engine e : List.of(a, b)) {
        Callable<Retention.SweepReport> c = () -> {
          go.await();
          return e.retention().sweep(Retention.Progress.none());
        };
        runs.add(pool.submit(c));
      }
      go.countDown();
      long deleted = 0;
      int ran = 0;
      for (Future<Retention.SweepReport> f : runs) {
        Retention.SweepReport r = f.get();
        deleted += r.deletedTraces();
        ran += r.ran() ? 1 : 0;
      }
      assertThat(deleted).isEqualTo(200);
      assertThat(ran).isBetween(1, 2); // the second may start after the first released the lease
      assertThat(traces(p.projectId())).isZero();
      long recorded = store.retention().listCleanupRecords(p.projectId(), 10).stream().mapToLong(CleanupRecord::deletedTraces).sum();
      assertThat(recorded).isEqualTo(200);
    } finally {
      pool.shutdownNow();
    }
  }
}
