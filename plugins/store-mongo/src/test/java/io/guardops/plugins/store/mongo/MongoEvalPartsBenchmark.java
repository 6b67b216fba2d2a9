package io.guardops.plugins.store.mongo;

import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.eval.TraceScore;
import io.guardops.api.store.DatasetStore;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.ScoreStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives the dataset, experiment and score parts of the Mongo store (a {@code main}, not a unit
 * test), the way the engine uses them: a dataset imported in batches of 500 and published, then
 * one-item changes (discard, stage, publish), pages and per-id lookups; experiment results stored one
 * at a time by several workers; scores on traces of the last 24 hours aggregated and purged in
 * rounds. Same target and caveats as {@link MongoStoreBenchmark} ({@code -Dbench.uri}).
 */
public final class MongoEvalPartsBenchmark {
  private static final long MS = 1_000_000L;
  private static final long HOUR = 3_600_000L * MS;
  private static final String TEXT = "The customer asks how to get a refund for a late delivery. ".repeat(8);

  private MongoEvalPartsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int items = Integer.getInteger("bench.items", 10_000);
    int results = Integer.getInteger("bench.results", 2_000);
    int scores = Integer.getInteger("bench.scores", 20_000);
    int queries = Integer.getInteger("bench.queries", 50);
    MongoStoreBenchmark.withStore((store, testServer) -> {
      System.out.printf(Locale.ROOT, "target: %s; %d items, %d results, %d scores%n",
          testServer ? "in-process mongo-java-server (ignores non-unique indexes)" : "MongoDB", items, results, scores);
      datasets(store.datasets().orElseThrow(), items, queries);
      experiments(store, results);
      scores(store.scores().orElseThrow(), scores, queries);
    });
  }

  private static DatasetItem item(int i, String input) {
    return new DatasetItem(String.format("item-%06d", i), input, TEXT.substring(0, 200), "a refund within 14 days",
        List.of(TEXT), Map.of("source", "import", "row", (long) i), null, null);
  }

  private static void datasets(DatasetStore ds, int items, int queries) {
    Instant now = Instant.now();
    ds.create(new Dataset("bench", "u1", "bench", "", 0, 0, now, now));
    long t0 = System.nanoTime();
    List<DatasetItem> batch = new ArrayList<>(500);
    for (int i = 0; i < items; i++) {
      batch.add(item(i, TEXT + i));
      if (batch.size() == 500 || i == items - 1) {
        ds.stageItems("bench", 1, batch);
        batch.clear();
      }
    }
    long t1 = System.nanoTime();
    ds.publish("bench", 1, "import", now);
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "dataset import: %,d items staged in %.1f s = %,.0f items/s; publish %.1f ms%n",
        items, (t1 - t0) / 1e9, items / ((t1 - t0) / 1e9), (t2 - t1) / 1e6);
    long[] version = {1};
    Random random = new Random(1);
    MongoStoreBenchmark.time("one-item change (discard, stage, publish)", queries, () -> {
      long v = ++version[0];
      ds.discard("bench", v);
      ds.stageItems("bench", v, List.of(item(random.nextInt(items), "edited " + v)));
      return ds.publish("bench", v, "edit", now);
    });
    long current = version[0];
    MongoStoreBenchmark.time("first page of 50 items", queries, () -> ds.items("bench", current, null, 50));
    String middle = String.format("item-%06d", items / 2);
    MongoStoreBenchmark.time("page of 50 items from the middle", queries, () -> ds.items("bench", current, middle, 50));
    MongoStoreBenchmark.time("page of 50 items of version 1", queries, () -> ds.items("bench", 1, middle, 50));
    MongoStoreBenchmark.time("one item by id", queries * 4, () -> ds.item("bench", current,
        String.format("item-%06d", random.nextInt(items))));
    MongoStoreBenchmark.time("count the items of a version", Math.max(3, queries / 10),
        () -> ds.countItems("bench", current));
    System.out.printf(Locale.ROOT, "dataset check: version %d, %,d items%n", current,
        ds.find("bench").orElseThrow().itemCount());
  }

  private static void experiments(MongoStore store, int results) throws Exception {
    Instant now = Instant.now();
    store.experiments().orElseThrow().create(new Experiment("bench", "u1", "p1", "bench", 1, "bench", "{}",
        Experiment.Status.RUNNING, results, 0, 0, null, now, now, null, null));
    int workers = 4;
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    long t0 = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      done.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < results; i = next.getAndIncrement()) {
          EvalScore judge = new EvalScore("correctness", 0.8, "pass", "The answer names the refund window.",
              new EvalScore.Usage("gpt-4o-mini", 400L, 60L, 0.0001), Map.of("confidence", 0.9));
          store.experiments().orElseThrow().putResults(List.of(new ExperimentResult("bench",
              String.format("item-%06d", i), TEXT.substring(0, 200), 900 * MS, 700L, 120L, 0.0004, null,
              List.of(judge, EvalScore.of("rouge_l", 0.42)), null)));
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "experiment results: %,d stored one at a time by %d workers in %.1f s = %,.0f/s%n",
        results, workers, seconds, results / seconds);
  }

  private static void scores(ScoreStore store, int scores, int queries) {
    long now = System.currentTimeMillis() * MS;
    long from = now - 24 * HOUR;
    Random random = new Random(2);
    Instant created = Instant.now();
    long t0 = System.nanoTime();
    for (int i = 0; i < scores; i++) {
      String name = i % 3 == 0 ? "thumbs" : i % 3 == 1 ? "correctness" : "toxicity";
      store.put(new TraceScore("s" + i, "bench", String.format("a%031x", i), from + (long) (random.nextDouble() * 24 * HOUR),
          null, name, i % 3 == 0 ? null : random.nextDouble(), i % 3 == 0 ? "true" : null, "", "api", "u1", created));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "scores: %,d stored one at a time in %.1f s = %,.0f/s%n", scores, seconds,
        scores / seconds);
    MongoStoreBenchmark.time("scores 24 h by hour", Math.max(3, queries / 10),
        () -> store.aggregate(new MetricsQuery("bench", from, now + 1, MetricsQuery.Bucket.HOUR)));
    MongoStoreBenchmark.time("scores 24 h by minute", Math.max(3, queries / 10),
        () -> store.aggregate(new MetricsQuery("bench", from, now + 1, MetricsQuery.Bucket.MINUTE)));
    long t1 = System.nanoTime();
    long purged = 0;
    for (long n = store.purge("bench", from + 12 * HOUR, 1000); n > 0; n = store.purge("bench", from + 12 * HOUR, 1000)) {
      purged += n;
    }
    System.out.printf(Locale.ROOT, "score purge: %,d scores of the older 12 h in rounds of 1,000 in %.1f s%n", purged,
        (System.nanoTime() - t1) / 1e9);
  }
}
