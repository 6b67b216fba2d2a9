package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.CleanupRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link io.guardops.api.store.RetentionStore}: cleanup records and leases. */
public abstract class RetentionStoreContract extends StoreContractSupport {
  @Test
  void cleanupRecordsNewestFirstPerProjectAndAll() {
    CleanupRecord a = new CleanupRecord("r1", NOW, "p1", NOW.minus(Duration.ofDays(30)), 3, 30, Duration.ofMillis(12));
    CleanupRecord b = new CleanupRecord("r2", NOW.plusSeconds(60), "p2", NOW.minus(Duration.ofDays(7)), 0, 0,
        Duration.ofMillis(1));
    CleanupRecord c = new CleanupRecord("r3", NOW.plusSeconds(120), "p1", NOW.minus(Duration.ofDays(29)), 1, 5,
        Duration.ofNanos(123_456_789));
    store.retention().addCleanupRecord(b);
    store.retention().addCleanupRecord(c);
    store.retention().addCleanupRecord(a);
    assertThat(store.retention().listCleanupRecords("p1", 10)).containsExactly(c, a);
    assertThat(store.retention().listCleanupRecords("p2", 10)).containsExactly(b);
    assertThat(store.retention().listCleanupRecords(null, 10)).containsExactly(c, b, a);
    assertThat(store.retention().listCleanupRecords(null, 2)).containsExactly(c, b);
    assertThat(store.retention().listCleanupRecords("p3", 10)).isEmpty();
  }

  @Test
  void addingARecordAgainReplacesIt() {
    CleanupRecord a = new CleanupRecord("r1", NOW, "p1", NOW.minus(Duration.ofDays(30)), 3, 30, Duration.ofMillis(12));
    store.retention().addCleanupRecord(a);
    CleanupRecord a2 = new CleanupRecord("r1", NOW, "p1", NOW.minus(Duration.ofDays(30)), 5, 50, Duration.ofMillis(20));
    store.retention().addCleanupRecord(a2);
    assertThat(store.retention().listCleanupRecords("p1", 10)).containsExactly(a2);
  }

  @Test
  void leaseIsHeldRenewedAndExpires() {
    Duration ttl = Duration.ofMinutes(5);
    assertThat(store.retention().tryAcquireLease("retention", "host-a", NOW, ttl)).isTrue();
    assertThat(store.retention().tryAcquireLease("retention", "host-b", NOW.plusSeconds(60), ttl)).isFalse();
    assertThat(store.retention().tryAcquireLease("retention", "host-a", NOW.plusSeconds(120), ttl)).isTrue();
    // renewed: host-b is still blocked after the first term would have ended
    assertThat(store.retention().tryAcquireLease("retention", "host-b", NOW.plusSeconds(360), ttl)).isFalse();
    assertThat(store.retention().tryAcquireLease("retention", "host-b", NOW.plusSeconds(421), ttl)).isTrue();
    assertThat(store.retention().tryAcquireLease("retention", "host-a", NOW.plusSeconds(422), ttl)).isFalse();
    assertThat(store.retention().tryAcquireLease("other-lease", "host-a", NOW.plusSeconds(422), ttl)).isTrue();
  }

  @Test
  void leaseIsReleasedOnlyByItsHolder() {
    Duration ttl = Duration.ofMinutes(5);
    assertThat(store.retention().tryAcquireLease("retention", "host-a", NOW, ttl)).isTrue();
    store.retention().releaseLease("retention", "host-b");
    assertThat(store.retention().tryAcquireLease("retention", "host-b", NOW.plusSeconds(1), ttl)).isFalse();
    store.retention().releaseLease("retention", "host-a");
    assertThat(store.retention().tryAcquireLease("retention", "host-b", NOW.plusSeconds(2), ttl)).isTrue();
    store.retention().releaseLease("missing", "host-a");
  }

  @Test
  void concurrentAcquirersExactlyOneWins() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String holder = "host-" + i;
        Callable<Boolean> attempt = () -> {
          go.await();
          return store.retention().tryAcquireLease("retention", holder, NOW, Duration.ofMinutes(1));
        };
        results.add(pool.submit(attempt));
      }
      go.countDown();
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
