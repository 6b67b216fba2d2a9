package io.guardops.plugins.store.sqlite;

import io.guardops.api.ComponentConfig;
import io.guardops.api.LlmFields;
import io.guardops.api.PurgeResult;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.TraceQuery;
import io.guardops.api.TraceQuery.StatusFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 *   <li>ingest throughput with several concurrent writer threads (group commit),</li>
 *   <li>trace-list latency (p50/p99) once the store holds {@code traces x spansPerTrace} spans,</li>
 *   <li>a retention purge of the older half (time and spans/s),</li>
 *   <li>ingest throughput while that purge runs.</li>
 * </ol>
 * Sizes come from system properties ({@code -Dbench.traces=10000} for a quick run); see the
 * module README for the command and the numbers measured.
 */
public final class SqliteStoreBenchmark {
  private static final long T0 = 1_700_000_000_000_000_000L;
  private static final long MS = 1_000_000L;
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
    int queries = Integer.getInteger("bench.queries", 2000);
    int purgeBatch = Integer.getInteger("bench.purgeMaxTraces", 1000);
    String synchronous = System.getProperty("bench.synchronous", "FULL");
    Path dir = System.getProperty("bench.dir") == null ? Files.createTempDirectory("guardops-bench")
        : Files.createDirectories(Path.of(System.getProperty("bench.dir")));

    System.out.printf("SQLite store benchmark: %,d traces x %d spans = %,d spans, %d writer threads, %d traces"
            + " (%d spans) per writeSpans call, synchronous=%s, dir=%s, %d cores%n", traces, spansPerTrace,
        (long) traces * spansPerTrace, writers, tracesPerBatch, tracesPerBatch * spansPerTrace, synchronous, dir,
        Runtime.getRuntime().availableProcessors());

    SqliteStore store = (SqliteStore) new SqliteStoreProvider().create(
        ComponentConfig.empty(dir).with("synchronous", synchronous));
    try {
      // 1. ingest: trace i starts at T0 + i ms, so the first half is older than the second
      AtomicInteger next = new AtomicInteger();
      long commits0 = store.commits();
      long batches0 = store.batches();
      long t = System.nanoTime();
      long spans = ingest(store, writers, () -> {
        int first = next.getAndAdd(tracesPerBatch);
        if (first >= traces) {
          return null;
        }
        List<Span> batch = new ArrayList<>();
        for (int i = first; i < Math.min(traces, first + tracesPerBatch); i++) {
          batch.addAll(trace("bench", i, T0 + i * MS, spansPerTrace));
        }
        return batch;
      }, new AtomicBoolean());
      double secs = (System.nanoTime() - t) / 1e9;
      long commits = store.commits() - commits0;
      long batches = store.batches() - batches0;
      System.out.printf("ingest: %,d spans in %.1f s = %,.0f spans/s (%,d writeSpans calls in %,d commits, %.1f"
          + " calls per commit)%n", spans, secs, spans / secs, batches, commits, (double) batches / commits);
      System.out.println("store: " + store.check().detail());

      // 2. trace-list latency at full size
      Random random = new Random(42);
      report("list newest page (50)", latencies(queries, () -> store.findTraces(TraceQuery.page("bench", 0, 50))));
      report("list page at random offset <= 5000", latencies(queries,
          () -> store.findTraces(TraceQuery.page("bench", random.nextInt(100) * 50, 50))));
      report("list errors only (50)", latencies(queries, () -> store.findTraces(
          new TraceQuery("bench", null, null, null, StatusFilter.ERROR, null, null, null, null, 0, 50))));
      report("list by model (50)", latencies(queries, () -> store.findTraces(
          new TraceQuery("bench", null, null, "gpt-4o", StatusFilter.ANY, null, null, null, null, 0, 50))));
      report("list in a time window (50)", latencies(queries, () -> {
        long from = T0 + (long) random.nextInt(Math.max(1, traces - 10_000)) * MS;
        return store.findTraces(new TraceQuery("bench", from, from + 10_000 * MS, null, StatusFilter.ANY, null, null,
            null, null, 0, 50));
      }));
      report("list text in prompt (50)", latencies(Math.max(1, queries / 20), () -> store.findTraces(
          new TraceQuery("bench", null, null, null, StatusFilter.ANY, null, "refund", null, null, 0, 50))));
      // a needle in one old trace: no index helps a substring test, so this walks the project's spans
      report("list text in one old trace (50)", latencies(Math.max(1, queries / 200), () -> store.findTraces(
          new TraceQuery("bench", null, null, null, StatusFilter.ANY, null, "request #" + (traces / 10) + ".", null,
              null, 0, 50))));
      report("trace detail (findSpans)", latencies(queries, () -> store.findSpans("bench",
          List.of(traceId(random.nextInt(traces))))));

      // 3 + 4. purge the older half while writers keep ingesting into another project
      long cutoff = T0 + (traces / 2L) * MS;
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
          batch.addAll(trace("live", i, T0 + (traces + i) * MS, spansPerTrace));
        }
        ingestedDuringPurge.addAndGet(batch.size());
        return batch;
      }, stop));
      long purgeStart = System.nanoTime();
      long deletedTraces = 0;
      long deletedSpans = 0;
      int calls = 0;
      while (true) {
        PurgeResult r = store.purgeTraces("bench", cutoff, purgeBatch);
        calls++;
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
          + " %d traces)%n", deletedTraces, deletedSpans, purgeSecs, deletedSpans / purgeSecs, calls, purgeBatch);
      System.out.printf("ingest while purging: %,d spans in %.1f s = %,.0f spans/s%n", duringPurge, ingestSecs,
          duringPurge / ingestSecs);
      report("list newest page (50) after purge", latencies(queries,
          () -> store.findTraces(TraceQuery.page("bench", 0, 50))));
      System.out.println("store: " + store.check().detail());
    } finally {
      store.close();
    }
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
            store.writeSpans(batch);
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
