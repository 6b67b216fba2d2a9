package io.guardops.plugins.store.sqlite;

import io.guardops.api.ComponentConfig;
import io.guardops.api.Span;
import io.guardops.api.store.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The second host process of the two-process test: opens a store over the same file, says
 * {@code ready}, waits for {@code go} on stdin, then writes its share of the shuffled workload in
 * small batches and exits 0. Arguments: directory, seed, this writer's index, number of writers.
 */
public final class OtherProcessWriter {
  private OtherProcessWriter() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int index = Integer.parseInt(args[2]);
    int writers = Integer.parseInt(args[3]);
    try (Store store = new SqliteStoreProvider().create(ComponentConfig.empty(dir).with("synchronous", "NORMAL"),
        new TestContext())) {
      System.out.println("ready");
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"go".equals(in.readLine())) {
        throw new IllegalStateException("expected go on stdin");
      }
      writeShare(store, seed, index, writers);
    }
  }

  /** Writes this writer's share of the shuffled workload of {@code seed}, three spans per call. */
  static void writeShare(Store store, long seed, int index, int writers) {
    List<Span> all = Workloads.modelCallsWithResends("p1", 400, seed);
    Collections.shuffle(all, new Random(seed));
    for (int i = index * 3; i < all.size(); i += writers * 3) {
      store.spans().write(all.subList(i, Math.min(all.size(), i + 3)));
    }
  }
}
