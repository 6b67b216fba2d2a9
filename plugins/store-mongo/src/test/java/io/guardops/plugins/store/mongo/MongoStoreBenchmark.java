package io.guardops.plugins.store.mongo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.TracePage;
import io.guardops.api.store.TraceQuery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Drives the Mongo store directly (a {@code main}, not a unit test): writers ingest agent traces of 10
 * spans (a root agent span, chat spans with a ~700-character prompt, tool and retrieval spans) with
 * random trace ids over the last 24 hours, in calls of 5 traces; then it times trace lists, trace
 * detail and metrics. Against the in-process mongo-java-server by default, or a real MongoDB with
 * {@code -Dbench.uri=mongodb://...} (it creates and drops a database of its own). See the README for
 * how to run it and what the numbers mean: mongo-java-server ignores non-unique indexes, so its
 * timings say nothing about a real MongoDB.
 */
public final class MongoStoreBenchmark {
  private static final long MS = 1_000_000L;
  private static final long HOUR = 3_600_000L * MS;
  private static final String PROMPT = "You are a helpful assistant. ".repeat(24);

  private MongoStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    int traces = Integer.getInteger("bench.traces", 2_000);
    int writers = Integer.getInteger("bench.writers", 4);
    int queries = Integer.getInteger("bench.queries", 50);
    withStore((store, testServer) -> run(store, traces, writers, queries, testServer));
  }

  /** What a benchmark does with its store. */
  interface Body {
    void run(MongoStore store, boolean testServer) throws Exception;
  }

  /**
   * Runs {@code body} on a store over a database of its own, on {@code -Dbench.uri} or an in-process
   * mongo-java-server, and drops the database afterwards.
   */
  static void withStore(Body body) throws Exception {
    String uri = System.getProperty("bench.uri");
    MongoServer server = null;
    if (uri == null) {
      server = new MongoServer(new MemoryBackend());
      server.bind("127.0.0.1", 0);
      uri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }
    String database = "guardops_bench_" + Long.toHexString(System.nanoTime());
    Map<String, String> settings = new HashMap<>(Map.of("uri", uri, "database", database));
    MongoStore store = MongoStore.open(MongoSettings.from(TestMongo.config(settings)));
    try {
      body.run(store, server != null);
    } finally {
      try (com.mongodb.client.MongoClient admin = com.mongodb.client.MongoClients.create(uri)) {
        admin.getDatabase(database).drop();
      }
      store.close();
      if (server != null) {
        server.shutdownNow();
      }
    }
  }

  private static void run(MongoStore store, int traces, int writers, int queries, boolean testServer) throws Exception {
    long now = System.currentTimeMillis() * MS;
    long from = now - 24 * HOUR;
    System.out.printf(Locale.ROOT, "target: %s; %d traces x 10 spans, %d writers%n",
        testServer ? "in-process mongo-java-server (ignores non-unique indexes)" : "MongoDB", traces, writers);

    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    long t0 = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int seed = w;
      done.add(pool.submit(() -> {
        Random random = new Random(seed);
        while (true) {
          int first = next.getAndAdd(5);
          if (first >= traces) {
            return null;
          }
          List<Span> batch = new ArrayList<>(50);
          for (int t = first; t < Math.min(traces, first + 5); t++) {
            batch.addAll(trace(random, from + (long) (random.nextDouble() * 24 * HOUR)));
          }
          store.spans().write(batch);
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "ingest: %,d spans in %.1f s = %,.0f spans/s%n", traces * 10L, seconds,
        traces * 10 / seconds);

    TracePage newest = store.spans().findTraces(TraceQuery.page("bench", 0, 50));
    String someTrace = newest.traces().get(newest.traces().size() / 2).traceId();
    time("newest page of 50 traces", queries, () -> store.spans().findTraces(TraceQuery.page("bench", 0, 50)));
    time("next page by cursor", queries, () -> store.spans().findTraces(TraceQuery.builder("bench")
        .after(newest.nextCursor().orElseThrow()).limit(50).build()));
    time("errors only, page of 50", queries, () -> store.spans().findTraces(TraceQuery.builder("bench")
        .status(TraceQuery.StatusFilter.ERROR).limit(50).build()));
    time("one model, page of 50", queries, () -> store.spans().findTraces(TraceQuery.builder("bench")
        .model("gpt-4o-mini").limit(50).build()));
    time("text in half the traces, page of 50", queries, () -> store.spans().findTraces(TraceQuery.builder("bench")
        .text("refund").limit(50).build()));
    time("trace detail (10 spans)", queries, () -> store.spans().findSpans("bench", List.of(someTrace)));
    time("metrics 24 h by hour", Math.max(3, queries / 10), () -> store.spans().aggregate(
        new MetricsQuery("bench", from, now + 1, MetricsQuery.Bucket.HOUR)));
    time("metrics 24 h by minute", Math.max(3, queries / 10), () -> store.spans().aggregate(
        new MetricsQuery("bench", from, now + 1, MetricsQuery.Bucket.MINUTE)));
    List<MetricsRow> rows = store.spans().aggregate(new MetricsQuery("bench", from, now + 1, MetricsQuery.Bucket.HOUR));
    System.out.printf(Locale.ROOT, "metrics check: %d rows, %,d calls%n", rows.size(),
        rows.stream().mapToLong(MetricsRow::requests).sum());
    TraceSummary s = store.spans().findTrace("bench", someTrace).orElseThrow();
    System.out.printf(Locale.ROOT, "summary check: %d spans, %d tokens%n", s.spanCount(), s.totalTokens());
  }

  private static List<Span> trace(Random random, long start) {
    String traceId = hex(random, 32);
    String rootId = hex(random, 16);
    boolean failed = random.nextInt(10) == 0;
    List<Span> spans = new ArrayList<>(10);
    long cursor = start;
    for (int i = 1; i < 10; i++) {
      long duration = (50 + random.nextInt(1500)) * MS;
      Span.Builder b = Span.builder().projectId("bench").traceId(traceId).spanId(hex(random, 16)).parentSpanId(rootId)
          .startEpochNanos(cursor).endEpochNanos(cursor + duration);
      if (i % 3 == 1) {
        String model = random.nextBoolean() ? "gpt-4o-mini" : "gpt-4o";
        b.name("chat " + model).kind(SpanKind.CLIENT).attributes(Map.of("gen_ai.system", "openai",
                "gen_ai.request.model", model, "gen_ai.usage.input_tokens", 700L, "gen_ai.usage.output_tokens", 120L))
            .llm(LlmFields.builder().operation("chat").provider("openai").requestModel(model)
                .inputTokens(700L).outputTokens(120L).cost(0.0004).prompt(PROMPT + (random.nextBoolean() ? "refund?" : "hi"))
                .output("Sure, here is what I found.").build())
            .status(failed && i == 7 ? StatusCode.ERROR : StatusCode.OK);
      } else {
        b.name(i % 3 == 2 ? "retrieve" : "tool").kind(SpanKind.INTERNAL)
            .attributes(Map.of("db.system", "pgvector", "retrieval.documents", 5L, "tool.name", "search"));
      }
      spans.add(b.build());
      cursor += duration / 2;
    }
    spans.add(Span.builder().projectId("bench").traceId(traceId).spanId(rootId).name("agent run")
        .kind(SpanKind.SERVER).startEpochNanos(start).endEpochNanos(cursor + 100 * MS)
        .status(failed ? StatusCode.ERROR : StatusCode.OK).build());
    return spans;
  }

  private static String hex(Random random, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sb.charAt(0) == '0' ? "1" + sb.substring(1) : sb.toString();
  }

  /** Runs {@code query} once to warm up, then {@code n} times, and prints p50 and p99. */
  static void time(String what, int n, Supplier<?> query) {
    query.get();
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      query.get();
      nanos[i] = System.nanoTime() - t;
    }
    Arrays.sort(nanos);
    System.out.printf(Locale.ROOT, "%-40s p50 %8.2f ms   p99 %8.2f ms%n", what, nanos[n / 2] / 1e6,
        nanos[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6);
  }
}
