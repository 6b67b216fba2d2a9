package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ShareCode;
import io.guardops.api.SharedKind;
import io.guardops.api.Span;
import io.guardops.api.StatusCode;
import io.guardops.api.User;
import io.guardops.api.store.SharingStore.Redemption;
import io.guardops.api.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two store instances on one backend, as two host instances behind a load balancer: spans of the
 * same traces written through both at once, races for leases, users, share codes and metadata.
 * Every outcome must be as if one instance had done it all.
 */
public abstract class MultiInstanceContract extends StoreContractSupport {
  /** The second instance; {@link #store} is the first. */
  protected Store other;

  @BeforeEach
  void openSecond() throws Exception {
    other = backend.open();
  }

  @AfterEach
  void closeSecond() {
    if (other != null) {
      other.close();
    }
  }

  private static <T> List<T> race(int n, java.util.function.IntFunction<Callable<T>> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<T> c = task.apply(i);
        futures.add(pool.submit(() -> {
          go.await();
          return c.call();
        }));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void spansOfTheSameTracesWrittenThroughBothInstancesConverge() throws Exception {
    int traces = 40;
    Random random = new Random(42);
    List<Span> all = new ArrayList<>();
    for (int t = 0; t < traces; t++) {
      int spans = 2 + random.nextInt(9);
      for (int i = 0; i < spans; i++) {
        long start = random.nextInt(1000);
        all.add(span(t % 2 == 0 ? "p1" : "p2", traceId(t), spanId(t * 100 + i), i == 0 ? null : spanId(t * 100),
            "s" + i, start, start + 1 + random.nextInt(400))
            .status(random.nextInt(6) == 0 ? StatusCode.ERROR : StatusCode.UNSET)
            .llm(random.nextBoolean() ? llm("m" + random.nextInt(3), (long) random.nextInt(90), 3L,
                random.nextBoolean() ? 0.01 * random.nextInt(9) : null) : io.guardops.api.LlmFields.EMPTY)
            .build());
      }
    }
    Collections.shuffle(all, random);
    // four writers, two per instance, each sending its share in small batches; some spans twice
    int writers = 4;
    race(writers, w -> () -> {
      Store s = w % 2 == 0 ? store : other;
      List<Span> mine = new ArrayList<>();
      for (int i = w; i < all.size(); i += writers) {
        mine.add(all.get(i));
      }
      for (int i = 0; i < mine.size(); i += 3) {
        s.spans().write(mine.subList(i, Math.min(mine.size(), i + 3)));
      }
      // a retry of the first batch through the other instance
      (s == store ? other : store).spans().write(mine.subList(0, Math.min(3, mine.size())));
      return null;
    });
    for (int t = 0; t < traces; t++) {
      String project = t % 2 == 0 ? "p1" : "p2";
      String tid = traceId(t);
      long expectedSpans = all.stream().filter(x -> x.traceId().equals(tid)).distinct().count();
      for (Store s : List.of(store, other)) {
        assertThat(s.spans().findTrace(project, traceId(t)).orElseThrow())
            .as("trace %d through %s", t, s == store ? "the first" : "the second")
            .isEqualTo(expectedSummary(s, project, traceId(t)));
      }
      assertThat(summary(project, traceId(t)).spanCount()).isEqualTo((int) expectedSpans);
    }
    assertThat(store.spans().countTraces(List.of("p1", "p2")))
        .containsEntry("p1", (long) traces / 2).containsEntry("p2", (long) traces / 2);
  }

  @Test
  void oneInstanceHoldsTheLease() throws Exception {
    List<Boolean> wins = race(6, i -> () -> (i % 2 == 0 ? store : other).retention()
        .tryAcquireLease("retention-sweep", "host-" + i, NOW, Duration.ofMinutes(10)));
    assertThat(wins.stream().filter(b -> b).count()).isEqualTo(1);
  }

  @Test
  void aUserIsCreatedOnceAcrossInstances() throws Exception {
    List<Boolean> created = race(6, i -> () -> (i % 2 == 0 ? store : other).users()
        .create(new User("github|1", NOW)));
    assertThat(created.stream().filter(b -> b).count()).isEqualTo(1);
    assertThat(other.users().listIds()).containsExactly("github|1");
  }

  @Test
  void aShareCodeIsRedeemedOnceAcrossInstances() throws Exception {
    store.sharing().createCode(ShareCode.issued("c1", hash(1), "", SharedKind.PROJECT, "p1", "owner", NOW,
        NOW.plus(Duration.ofDays(1))));
    List<Redemption> results = race(6, i -> () -> (i % 2 == 0 ? store : other).sharing()
        .redeem(hash(1), "user-" + i, NOW.plusSeconds(1)));
    assertThat(results.stream().filter(r -> r == Redemption.REDEEMED).count()).isEqualTo(1);
    assertThat(results).containsOnly(Redemption.REDEEMED, Redemption.USED);
  }

  @Test
  void metadataKeepsOneFirstValue() throws Exception {
    List<String> seen = race(6, i -> () -> (i % 2 == 0 ? store : other).meta().putIfAbsent("auth.mode", "mode-" + i));
    assertThat(seen).containsOnly(seen.get(0));
    assertThat(store.meta().get("auth.mode")).contains(seen.get(0));
  }

  @Test
  void whatOneInstanceWritesTheOtherReads() {
    store.projects().create(project("p1", "u1", NOW));
    store.apiKeys().create(key("k1", "u1", 1, NOW));
    store.spans().write(List.of(root("p1", 1, 0, 10)));
    assertThat(other.projects().find("p1")).isPresent();
    assertThat(other.apiKeys().findByHash(hash(1))).isPresent();
    assertThat(other.spans().findTrace("p1", traceId(1))).isPresent();
    other.spans().purgeTraces("p1", Long.MAX_VALUE, 10);
    assertThat(store.spans().findTrace("p1", traceId(1))).isEmpty();
  }
}
