package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.StoredRecord;
import io.guardops.api.store.RecordStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RecordStore}: small documents by kind, id, owner and key, with compare-and-set replacement. */
public abstract class RecordStoreContract extends StoreContractSupport {
  protected RecordStore records;

  @BeforeEach
  void recordPart() {
    Assumptions.assumeTrue(store.records().isPresent(), "this store keeps no records");
    records = store.records().get();
  }

  @Test
  void createFindListAndDelete() {
    String json = "{\"a.b\": [1, 2.5, \"\u00e9\"], \"$c\": {\"d\": null}}";
    StoredRecord a = StoredRecord.create("template", "t-2", "u1", "greeting", json, NOW);
    assertThat(records.create(a)).isTrue();
    assertThat(records.create(StoredRecord.create("template", "t-2", "u2", null, "{}", NOW))).isFalse();
    records.create(StoredRecord.create("template", "t-1", "u1", "greeting", "{}", NOW));
    records.create(StoredRecord.create("template", "t-3", "u1", "other", "{}", NOW));
    records.create(StoredRecord.create("template", "t-4", "u2", "greeting", "{}", NOW));
    records.create(StoredRecord.create("model", "t-5", "u1", "greeting", "{}", NOW));
    assertThat(records.find("template", "t-2")).contains(a);
    assertThat(records.find("model", "t-2")).isEmpty();
    assertThat(records.list("template", "u1", null, 10)).extracting(StoredRecord::id).containsExactly("t-1", "t-2", "t-3");
    assertThat(records.list("template", "u1", "t-1", 1)).extracting(StoredRecord::id).containsExactly("t-2");
    assertThat(records.findByKey("template", "u1", "greeting")).extracting(StoredRecord::id).containsExactly("t-1", "t-2");
    assertThat(records.findByKey("template", "u1", "none")).isEmpty();
    assertThat(records.delete("template", "t-2")).isTrue();
    assertThat(records.delete("template", "t-2")).isFalse();
    assertThat(records.find("template", "t-2")).isEmpty();
    assertThat(records.find("model", "t-5")).isPresent();
  }

  @Test
  void replaceIsACompareAndSetOnTheVersion() {
    StoredRecord v1 = StoredRecord.create("arena", "gpt-4o", "0", null, "{\"elo\": 1000}", NOW);
    records.create(v1);
    StoredRecord v2 = v1.next("k", "{\"elo\": 1016}", NOW.plusSeconds(1));
    assertThat(records.replace(v2)).isTrue();
    assertThat(records.replace(v1.next(null, "{\"elo\": 984}", NOW.plusSeconds(2)))).as("a stale write").isFalse();
    assertThat(records.find("arena", "gpt-4o")).contains(v2);
    assertThat(records.findByKey("arena", "0", "k")).containsExactly(v2);
    assertThat(records.replace(StoredRecord.create("arena", "missing", "0", null, "{}", NOW).next(null, "{}", NOW)))
        .isFalse();
  }

  @Test
  void concurrentReplacementsOfOneVersionExactlyOneWins() throws Exception {
    StoredRecord v1 = StoredRecord.create("arena", "m", "0", null, "{}", NOW);
    records.create(v1);
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int n = i;
        results.add(pool.submit(() -> {
          go.await();
          return records.replace(v1.next(null, "{\"by\": " + n + "}", NOW));
        }));
      }
      go.countDown();
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
      assertThat(records.find("arena", "m").orElseThrow().version()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }
}
