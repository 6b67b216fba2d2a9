package io.guardops.plugins.store.sqlite;

import io.guardops.api.ComponentConfig;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.store.MetricsAggregation;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.PurgeResult;
import io.guardops.api.store.TraceCursor;
import io.guardops.api.store.TraceQuery;
import io.guardops.api.store.TraceQuery.StatusFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Not a unit test: a benchmark main. Measures, on one SQLite file,
 * <ol>
 *   <li>ingest throughput with several concurrent writer threads (group commit): {@code traces}
 *       agent traces spread over the last 24 hours in project {@code bench}, and one trace in every
 *       {@code otherEvery} calls in project {@code other};</li>
 *   <li>trace-list latency (p50/p99) once the store holds them;</li>
 *   <li>metrics ({@code aggregate}) of {@code bench}'s last 24 hours by hour and of its last hour by
 *       minute, checked once against the engine's exact computation (and timed against it);</li>
 *   <li>a retention purge of the older half (time and spans/s), and ingest throughput while it runs.</li>
 * </ol>
 * Sizes come from system properties ({@code -Dbench.traces=10000} for a quick run); see the
 * module README for the command and the numbers measured.
 */
public final class SqliteStoreBenchmark {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;
  private static final long HOUR = 3600 * SECOND;
  private static final long DAY = 24 * HOUR;
  private static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "llama-3.1-70b"};
  private static final String LOREM = "You are a helpful assistant for a travel company. Answer the customer's question "
      + "using the retrieved documents below and cite them. If you do not know, say so. Documents: [1] Refund policy: "
      + "tickets can be refunded up to 24 hours before departure. [2] Baggage: one carry-on and one personal item are "
      + "included; checked bags cost extra depending on route and fare class. [3] Changes: fares marked flexible can be "
      + "changed without a fee, other fares pay a change fee plus any difference in fare. Question: ";

  private SqliteStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    int traces = Integer.getInteger("bench.traces", 100_000);
    int spansPerTrace = Integer.getInteger("bench.spansPerTrace", 10);
    int writers = Integer.getInteger("bench.writers", 4);
    int tracesPerBatch = Integer.getInteger("bench.tracesPerBatch", 5);
    int otherEvery = Integer.getInteger("bench.otherEvery", 10);
    int queries = Integer.getInteger("bench.queries", 2000);
    int metricsRuns = Integer.getInteger("bench.metricsRuns", 200);
    int purgeBatch = Integer.getInteger("bench.purgeMaxTraces", 1000);
    String synchronous = System.getProperty("bench.synchronous", "NORMAL");
    Path dir = System.getProperty("bench.dir") == null ? Files.createTempDirectory("guardops-bench")
        : Files.createDirectories(Path.of(System.getProperty("bench.dir")));

    System.out.printf("SQLite store benchmark: %,d traces x %d spans = %,d spans in project bench over the last 24 h"
            + " (+1 trace in project other every %d calls), %d writer threads, %d traces (%d spans) per write call,"
            + " synchronous=%s, dir=%s, %d cores%n", traces, spansPerTrace, (long) traces * spansPerTrace, otherEvery,
        writers, tracesPerBatch, tracesPerBatch * spansPerTrace, synchronous, dir,
        Runtime.getRuntime().availableProcessors());

    SqliteStore store = (SqliteStore) new SqliteStoreProvider().create(
        ComponentConfig.empty(dir).with("synchronous", synchronous), new TestContext());
    // the day ends now, 7 seconds past a minute, so metrics ranges have partial edge minutes
    long end = Math.floorDiv(System.currentTimeMillis() * MS, 60 * SECOND) * 60 * SECOND + 7 * SECOND;
    long dayStart = end - DAY;
    long step = DAY / traces;
    try {
      // 1. ingest: bench trace i starts at dayStart + i * step, so the first half is older than the second
      AtomicInteger next = new AtomicInteger();
      AtomicInteger calls = new AtomicInteger();
      AtomicInteger otherNext = new AtomicInteger();
      long commits0 = store.commits();
      long batches0 = store.batches();
      CpuClock cpu = new CpuClock();
      long t = System.nanoTime();
      long spans = ingest(store, writers, () -> {
        if (calls.incrementAndGet() % otherEvery == 0) {
          int i = otherNext.getAndIncrement();
          return trace("other", traces + i, dayStart + (long) i * (otherEvery - 1) * tracesPerBatch * step,
              spansPerTrace);
        }
        int first = next.getAndAdd(tracesPerBatch);
        if (first >= traces) {
          return null;
        }
        List<Span> batch = new ArrayList<>();
        for (int i = first; i < Math.min(traces, first + tracesPerBatch); i++) {
          batch.addAll(trace("bench", i, dayStart + i * step, spansPerTrace));
        }
        return batch;
      }, new AtomicBoolean());
      double secs = (System.nanoTime() - t) / 1e9;
      long commits = store.commits() - commits0;
      long batches = store.batches() - batches0;
      System.out.printf("ingest: %,d spans in %.1f s = %,.0f spans/s (%,d write calls in %,d commits, %.1f"
          + " calls per commit)%n", spans, secs, spans / secs, batches, commits, (double) batches / commits);
      System.out.printf("ingest CPU: writer thread %.1f us/span, whole process %.1f us/span (the process also builds"
          + " the spans and renders their JSON)%n", cpu.writerNanos() / 1e3 / spans, cpu.processNanos() / 1e3 / spans);
      long bytes = Files.size(store.path()) + Files.size(Path.of(store.path() + "-wal"));
      System.out.printf("store: %s; %,d bytes per span%n", store.check().detail(), bytes / spans);
      store.spans().catchUp();
      // a checkpoint runs outside any transaction: on a connection of its own
      try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.path());
          java.sql.Statement st = c.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      System.out.printf("after indexing and a checkpoint: %,d bytes per span (file %,d bytes, log %,d bytes)%n",
          (Files.size(store.path()) + Files.size(Path.of(store.path() + "-wal"))) / spans, Files.size(store.path()),
          Files.size(Path.of(store.path() + "-wal")));

      // 2. trace-list latency at full size
      Random random = new Random(42);
      report("list newest page (50)", latencies(queries,
          () -> store.spans().findTraces(TraceQuery.page("bench", 0, 50))));
      report("list page at random offset <= 5000", latencies(queries,
          () -> store.spans().findTraces(TraceQuery.page("bench", random.nextInt(100) * 50, 50))));
      int depth = Math.min(5000, traces / 2);
      TraceCursor deep = store.spans().findTraces(TraceQuery.page("bench", depth - 50, 50)).nextCursor().orElseThrow();
      report("list page after a cursor " + depth + " deep", latencies(queries,
          () -> store.spans().findTraces(TraceQuery.builder("bench").after(deep).limit(50).build())));
      report("list errors only (50)", latencies(queries, () -> store.spans().findTraces(
          TraceQuery.builder("bench").status(StatusFilter.ERROR).limit(50).build())));
      report("list by model (50)", latencies(queries, () -> store.spans().findTraces(
          TraceQuery.builder("bench").model("gpt-4o").limit(50).build())));
      report("list in a time window (50)", latencies(queries, () -> {
        long from = dayStart + (long) random.nextInt(Math.max(1, traces - 10_000)) * step;
        return store.spans().findTraces(TraceQuery.builder("bench").from(from).to(from + 10_000 * step).limit(50)
            .build());
      }));
      // the first text search indexes whatever the periodic batch has not yet: time it apart
      long catchUp = System.nanoTime();
      store.spans().catchUp();
      System.out.printf("text index catch-up before the first search: %.1f ms%n", (System.nanoTime() - catchUp) / 1e6);
      report("list text in prompt (50)", latencies(Math.max(1, queries / 4), () -> store.spans().findTraces(
          TraceQuery.builder("bench").text("refund").limit(50).build())));
      report("list text: a word in no trace (50)", latencies(Math.max(1, queries / 4), () -> store.spans().findTraces(
          TraceQuery.builder("bench").text("zyxwvut").limit(50).build())));
      report("list text in one old trace (50)", latencies(Math.max(1, queries / 4), () -> store.spans().findTraces(
          TraceQuery.builder("bench").text("request #" + (traces / 10) + ".").limit(50).build())));
      report("trace detail (findSpans)", latencies(queries, () -> store.spans().findSpans("bench",
          List.of(traceId(random.nextInt(traces))))));

      // 3. metrics: checked once against the engine's exact computation, then timed
      MetricsQuery day = new MetricsQuery("bench", end - DAY, end, MetricsQuery.Bucket.HOUR);
      MetricsQuery lastHour = new MetricsQuery("bench", end - HOUR, end, MetricsQuery.Bucket.MINUTE);
      for (MetricsQuery q : List.of(day, lastHour)) {
        check(store.spans().aggregate(q), MetricsAggregation.fromSpanStats(store.spans(), q), q);
      }
      report("metrics 24 h by hour (aggregate)", latencies(metricsRuns, () -> store.spans().aggregate(day)));
      report("metrics last hour by minute", latencies(metricsRuns, () -> store.spans().aggregate(lastHour)));
      report("metrics 24 h by hour, engine-side", latencies(5,
          () -> MetricsAggregation.fromSpanStats(store.spans(), day)));

      // 4 + 5. purge the older half while writers keep ingesting into another project
      long cutoff = dayStart + (traces / 2L) * step;
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger live = new AtomicInteger();
      AtomicLong ingestedDuringPurge = new AtomicLong();
      ExecutorService bg = Executors.newSingleThreadExecutor();
      long ingestStart = System.nanoTime();
      Future<Long> background = bg.submit(() -> ingest(store, writers, () -> {
        if (stop.get()) {
          return null;
        }
        int first = live.getAndAdd(tracesPerBatch);
        List<Span> batch = new ArrayList<>();
        for (int i = first; i < first + tracesPerBatch; i++) {
          batch.addAll(trace("live", 2 * traces + i, end + i * MS, spansPerTrace));
        }
        ingestedDuringPurge.addAndGet(batch.size());
        return batch;
      }, stop));
      long purgeStart = System.nanoTime();
      long deletedTraces = 0;
      long deletedSpans = 0;
      int purgeCalls = 0;
      while (true) {
        PurgeResult r = store.spans().purgeTraces("bench", cutoff, purgeBatch);
        purgeCalls++;
        deletedTraces += r.deletedTraces();
        deletedSpans += r.deletedSpans();
        if (r.complete()) {
          break;
        }
      }
      double purgeSecs = (System.nanoTime() - purgeStart) / 1e9;
      long duringPurge = ingestedDuringPurge.get();
      double ingestSecs = (System.nanoTime() - ingestStart) / 1e9;
      stop.set(true);
      background.get();
      bg.shutdown();
      System.out.printf("purge: %,d traces / %,d spans in %.1f s = %,.0f spans/s (%d purgeTraces calls of at most"
          + " %d traces)%n", deletedTraces, deletedSpans, purgeSecs, deletedSpans / purgeSecs, purgeCalls, purgeBatch);
      System.out.printf("ingest while purging: %,d spans in %.1f s = %,.0f spans/s%n", duringPurge, ingestSecs,
          duringPurge / ingestSecs);
      report("list newest page (50) after purge", latencies(queries,
          () -> store.spans().findTraces(TraceQuery.page("bench", 0, 50))));
      check(store.spans().aggregate(day), MetricsAggregation.fromSpanStats(store.spans(), day), day);
      report("metrics 24 h by hour after purge", latencies(metricsRuns, () -> store.spans().aggregate(day)));
      System.out.println("store: " + store.check().detail());
    } finally {
      store.close();
    }
  }

  /** CPU time since construction: the store's writer thread, and the whole process. */
  private static final class CpuClock {
    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private final long writerThread = writerThreadId();
    private final long writer0 = threads.getThreadCpuTime(writerThread);
    private final long process0 = os.getProcessCpuTime();

    long writerNanos() {
      return threads.getThreadCpuTime(writerThread) - writer0;
    }

    long processNanos() {
      return os.getProcessCpuTime() - process0;
    }

    private static long writerThreadId() {
      for (Thread th : Thread.getAllStackTraces().keySet()) {
        if (th.getName().equals("guardops-sqlite-writer")) {
          return th.getId();
        }
      }
      throw new IllegalStateException("no SQLite writer thread");
    }
  }

  /** Fails the run unless pushed-down metrics equal the exact ones (percentiles within the sketch's bound). */
  private static void check(List<MetricsRow> actual, List<MetricsRow> exact, MetricsQuery q) {
    boolean same = actual.size() == exact.size();
    for (int i = 0; same && i < exact.size(); i++) {
      MetricsRow a = actual.get(i);
      MetricsRow e = exact.get(i);
      same = a.bucketStartEpochNanos() == e.bucketStartEpochNanos() && a.model().equals(e.model())
          && a.requests() == e.requests() && a.errors() == e.errors() && a.inputTokens() == e.inputTokens()
          && a.outputTokens() == e.outputTokens() && (a.cost() == null) == (e.cost() == null)
          && (a.cost() == null || Math.abs(a.cost() - e.cost()) < 1e-6)
          && close(a.latencyP50Nanos(), e.latencyP50Nanos()) && close(a.latencyP95Nanos(), e.latencyP95Nanos())
          && close(a.latencyP99Nanos(), e.latencyP99Nanos());
    }
    if (!same) {
      throw new AssertionError("aggregate differs from the exact metrics for " + q);
    }
    System.out.printf("metrics %s by %s: %d rows, %,d model calls, equal to the engine's exact computation%n",
        Duration.ofNanos(q.toEpochNanos() - q.fromEpochNanos()), q.bucket().name().toLowerCase(), actual.size(),
        actual.stream().mapToLong(MetricsRow::requests).sum());
  }

  private static boolean close(long approximate, long exact) {
    return Math.abs(approximate - exact) <= exact * io.guardops.api.store.LatencySketch.RELATIVE_ACCURACY + 1;
  }

  /** Runs {@code writers} threads that write what {@code source} hands out until it returns null. */
  private static long ingest(SqliteStore store, int writers, Supplier<List<Span>> source, AtomicBoolean stop)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        results.add(pool.submit(() -> {
          long n = 0;
          List<Span> batch;
          while (!stop.get() && (batch = source.get()) != null) {
            store.spans().write(batch);
            n += batch.size();
          }
          return n;
        }));
      }
      long total = 0;
      for (Future<Long> f : results) {
        total += f.get();
      }
      return total;
    } finally {
      pool.shutdown();
    }
  }

  private static long[] latencies(int n, Supplier<?> call) {
    for (int i = 0; i < Math.min(50, n); i++) {
      call.get();
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      call.get();
      out[i] = System.nanoTime() - t;
    }
    Arrays.sort(out);
    return out;
  }

  private static void report(String what, long[] sorted) {
    System.out.printf("%-38s p50 %8.3f ms   p99 %8.3f ms   (%d runs)%n", what,
        sorted[(int) (sorted.length * 0.50)] / 1e6, sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6,
        sorted.length);
  }

  /**
   * Trace {@code n}'s id: random-looking, as real trace ids are (W3C ids are random, so their order
   * has nothing to do with time; sequential ids would flatter every index keyed by trace id).
   */
  static String traceId(int n) {
    long h = mix(n);
    return String.format("%016x%016x", h, mix(h));
  }

  /** A bijective 64-bit mix (SplitMix64's finaliser). */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return (z ^ (z >>> 31)) | 1L;
  }

  /**
   * One agent trace: a root agent span with aggregate usage, LLM calls with prompts and outputs,
   * and retrieval/tool spans with attributes, roughly what an instrumented RAG app sends.
   */
  static List<Span> trace(String project, int n, long start, int spans) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String tid = traceId(n);
    String rootId = String.format("f%015x", (long) n * 64);
    String model = MODELS[n % MODELS.length];
    boolean error = n % 20 == 0;
    List<Span> out = new ArrayList<>(spans);
    Map<String, Object> resource = Map.of("service.name", "travel-assistant", "service.version", "1.4.2",
        "telemetry.sdk.language", "python", "deployment.environment", "prod");
    out.add(Span.builder().projectId(project).traceId(tid).spanId(rootId).name("agent.run").kind(SpanKind.SERVER)
        .startEpochNanos(start).endEpochNanos(start + (spans * 120L) * MS)
        .status(error ? StatusCode.ERROR : StatusCode.OK)
        .attributes(Map.of("session.id", "sess-" + (n % 997), "user.id", "user-" + (n % 5003), "agent.name", "triage"))
        .resource(resource)
        .llm(LlmFields.builder().requestModel(model).inputTokens(3000L).outputTokens(600L).usageIsAggregate(true)
            .build())
        .build());
    for (int i = 1; i < spans; i++) {
      long s = start + i * 100L * MS;
      Span.Builder b = Span.builder().projectId(project).traceId(tid).spanId(String.format("f%015x", (long) n * 64 + i))
          .parentSpanId(rootId).startEpochNanos(s).endEpochNanos(s + (50 + r.nextInt(400)) * MS).resource(resource);
      if (i % 3 == 1) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("gen_ai.system", "openai");
        attrs.put("gen_ai.operation.name", "chat");
        attrs.put("gen_ai.request.model", model);
        attrs.put("gen_ai.request.temperature", 0.2);
        attrs.put("gen_ai.request.max_tokens", 1024L);
        attrs.put("gen_ai.usage.input_tokens", 900L);
        attrs.put("gen_ai.usage.output_tokens", 200L);
        attrs.put("gen_ai.response.finish_reasons", List.of("stop"));
        long in = 700 + r.nextInt(400);
        long outTokens = 100 + r.nextInt(300);
        b.name("chat " + model).kind(SpanKind.CLIENT).attributes(attrs)
            .llm(LlmFields.builder().operation("chat").provider("openai").requestModel(model).responseModel(model)
                .inputTokens(in).outputTokens(outTokens).cost(in * 2.5e-6 + outTokens * 1e-5).prompt(LOREM
                    + (n % 2 == 0 ? "Can I get a refund for my ticket?" : "How many bags can I bring?"))
                .output("According to document [1], tickets can be refunded up to 24 hours before departure. "
                    + "Your flight leaves in 3 days, so you are eligible; I have started the refund request #"
                    + n + ".")
                .build());
      } else {
        b.name(i % 3 == 2 ? "retrieve documents" : "tool.lookup_booking").kind(SpanKind.INTERNAL)
            .attributes(Map.of("retrieval.query", "refund policy", "retrieval.top_k", 3L, "db.system", "qdrant",
                "booking.id", "BK" + (n * 7 % 100_000)));
      }
      out.add(b.build());
    }
    return out;
  }
}
