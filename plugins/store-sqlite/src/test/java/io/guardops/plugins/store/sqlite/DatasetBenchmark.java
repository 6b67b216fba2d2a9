package io.guardops.plugins.store.sqlite;

import io.guardops.api.ComponentConfig;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.store.DatasetStore;
import io.guardops.api.store.ExperimentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The dataset and experiment paths as the engine drives them (a {@code main}, not a unit test; see
 * the README for the command): an import staged in batches of 500 items with random ids, published;
 * a second version editing 1% of the items; item lookups one id at a time (the engine's per-id checks);
 * paging a version by id; experiment results stored one at a time from several threads; deleting the
 * dataset.
 */
public final class DatasetBenchmark {
  private DatasetBenchmark() {}

  private static DatasetItem item(String id, Random random) {
    char[] text = new char[300];
    Arrays.fill(text, 'x');
    return new DatasetItem(id, "question " + random.nextInt() + " " + new String(text), "answer " + random.nextInt(),
        "expected " + random.nextInt(), List.of("document one", "document two"),
        Map.of("source", "import", "difficulty", (long) random.nextInt(5)), null, null);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  public static void main(String[] args) throws Exception {
    int items = Integer.getInteger("bench.items", 200_000);
    int lookups = Integer.getInteger("bench.lookups", 10_000);
    int results = Integer.getInteger("bench.results", 20_000);
    int resultThreads = Integer.getInteger("bench.resultThreads", 8);
    String synchronous = System.getProperty("bench.synchronous", "FULL");
    Path dir = System.getProperty("bench.dir") == null ? Files.createTempDirectory("guardops-dataset-bench")
        : Files.createDirectories(Path.of(System.getProperty("bench.dir")));
    System.out.printf("dataset benchmark: %,d items (~400 characters each) in batches of 500, synchronous=%s,"
        + " dir=%s%n", items, synchronous, dir);
    Random random = new Random(1);
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    try (SqliteStore store = (SqliteStore) new SqliteStoreProvider().create(
        ComponentConfig.empty(dir).with("synchronous", synchronous), new TestContext())) {
      DatasetStore datasets = store.datasets().orElseThrow();
      datasets.create(new Dataset("bench", "u1", "Benchmark", "", 0, 0, at, at));
      List<String> ids = new ArrayList<>(items);

      long t = System.nanoTime();
      datasets.discard("bench", 1);
      List<DatasetItem> batch = new ArrayList<>(500);
      for (int i = 0; i < items; i++) {
        String id = UUID.randomUUID().toString();
        ids.add(id);
        batch.add(item(id, random));
        if (batch.size() == 500 || i == items - 1) {
          datasets.stageItems("bench", 1, batch);
          batch = new ArrayList<>(500);
        }
      }
      long staged = System.nanoTime() - t;
      long p = System.nanoTime();
      datasets.publish("bench", 1, "import", at);
      long published = System.nanoTime() - p;
      System.out.printf("import: staged %,d items in %.1f s = %,.0f items/s (items built in the loop included);"
          + " publish %.1f ms%n", items, staged / 1e9, items / (staged / 1e9), ms(published));
      System.out.printf("store: %s; %,d bytes per item%n", store.check().detail(),
          (Files.size(store.path()) + Files.size(Path.of(store.path() + "-wal"))) / items);

      t = System.nanoTime();
      datasets.discard("bench", 2);
      List<DatasetItem> edits = new ArrayList<>();
      for (int i = 0; i < items / 100; i++) {
        edits.add(item(ids.get(random.nextInt(items)), random));
      }
      for (int i = 0; i < edits.size(); i += 500) {
        datasets.stageItems("bench", 2, edits.subList(i, Math.min(edits.size(), i + 500)));
      }
      p = System.nanoTime();
      datasets.publish("bench", 2, "edit 1%", at);
      System.out.printf("version 2 (%,d edits): discard + stage + publish %.1f ms, of which publish %.1f ms;"
          + " %,d items%n", edits.size(), ms(System.nanoTime() - t), ms(System.nanoTime() - p),
          datasets.countItems("bench", 2));

      for (long version : new long[] {1, 2}) {
        t = System.nanoTime();
        for (int i = 0; i < lookups; i++) {
          datasets.item("bench", version, ids.get(random.nextInt(items))).orElseThrow();
        }
        System.out.printf("item lookups, version %d: %,d in %.1f ms = %.1f us each%n", version, lookups,
            ms(System.nanoTime() - t), (System.nanoTime() - t) / 1e3 / lookups);
      }
      for (long version : new long[] {1, 2}) {
        t = System.nanoTime();
        long seen = 0;
        String after = null;
        for (List<DatasetItem> page = datasets.items("bench", version, null, 500); !page.isEmpty();
            page = datasets.items("bench", version, after, 500)) {
          seen += page.size();
          after = page.get(page.size() - 1).itemId();
        }
        System.out.printf("paging version %d by 500: %,d items in %.1f ms%n", version, seen,
            ms(System.nanoTime() - t));
      }

      ExperimentStore experiments = store.experiments().orElseThrow();
      ExecutorService pool = Executors.newFixedThreadPool(resultThreads);
      long commits = store.commits();
      t = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < resultThreads; w++) {
        int worker = w;
        done.add(pool.submit(() -> {
          for (int i = worker; i < results; i += resultThreads) {
            experiments.putResults(List.of(new ExperimentResult("x1", ids.get(i % items), "output", 1_000_000L, 10L,
                5L, 0.001, null, List.of(EvalScore.of("rouge_l", 0.5), EvalScore.of("exact_match", 1)), null)));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      long took = System.nanoTime() - t;
      System.out.printf("experiment results, one per call from %d threads: %,d in %.1f s = %,.0f/s in %,d commits%n",
          resultThreads, results, took / 1e9, results / (took / 1e9), store.commits() - commits);

      t = System.nanoTime();
      datasets.delete("bench");
      System.out.printf("delete of the dataset (~%,d item rows): %.1f s%n", items + edits.size(),
          (System.nanoTime() - t) / 1e9);
    }
  }
}
