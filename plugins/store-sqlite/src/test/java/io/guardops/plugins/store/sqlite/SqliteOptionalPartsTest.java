package io.guardops.plugins.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.DatasetVersion;
import io.guardops.api.eval.Evaluation;
import io.guardops.api.eval.EvaluationEntry;
import io.guardops.api.store.DatasetStore;
import io.guardops.api.store.EvaluationStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the conformance suites of the optional parts cannot see: dataset items as version ranges in
 * their rows, publish counting only what a version changed, discard and delete as stored, leases
 * that leave no rows behind, entries kept exactly as sent.
 */
class SqliteOptionalPartsTest {
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path dir;

  private SqliteStore store;
  private DatasetStore datasets;
  private Connection raw;

  @BeforeEach
  void open() throws Exception {
    store = (SqliteStore) new SqliteStoreProvider().create(ComponentConfig.empty(dir).with("synchronous", "NORMAL"),
        new TestContext());
    datasets = store.datasets().orElseThrow();
    raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStoreProvider.DEFAULT_FILE_NAME));
  }

  @AfterEach
  void close() throws Exception {
    raw.close();
    store.close();
  }

  private long count(String sql) throws Exception {
    try (Statement st = raw.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static DatasetItem item(String id, String input) {
    return new DatasetItem(id, input, "out", null, List.of("doc"), Map.of("n", 1L), null, null);
  }

  private static String id(int n) {
    return String.format("item-%05d", n);
  }

  /** Stages {@code n} items in the engine's batches of 500. */
  private void stageMany(String dataset, long version, int n) {
    List<DatasetItem> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(item(id(i), "in " + i));
      if (batch.size() == 500 || i == n - 1) {
        datasets.stageItems(dataset, version, batch);
        batch = new ArrayList<>();
      }
    }
  }

  @Test
  void itemsAreRowsOverVersionRangesAndPublishCountsOnlyWhatTheVersionChanged() throws Exception {
    datasets.create(new Dataset("d1", "u1", "Big", "", 0, 0, AT, AT));
    stageMany("d1", 1, 6_000);
    assertThat(datasets.publish("d1", 1, "import", AT)).isTrue();
    assertThat(count("SELECT count(*) FROM dataset_items WHERE from_version = 1 AND to_version = "
        + SqliteDatasetStore.OPEN)).isEqualTo(6_000);
    // version 2: ten edits, five removals, three new items
    List<DatasetItem> changes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      changes.add(item(id(i), "edited " + i));
    }
    for (int i = 0; i < 3; i++) {
      changes.add(item("new-" + i, "new"));
    }
    datasets.stageItems("d1", 2, changes);
    datasets.stageRemovals("d1", 2, List.of(id(100), id(101), id(102), id(103), id(104), "not-there"));
    assertThat(count("SELECT count(*) FROM dataset_items WHERE to_version = 2")).as("ended at v2").isEqualTo(15);
    assertThat(count("SELECT count(*) FROM dataset_items WHERE from_version = 2")).as("added by v2").isEqualTo(13);
    // readers of version 1 see none of it
    assertThat(datasets.item("d1", 1, id(0)).orElseThrow().input()).isEqualTo("in 0");
    assertThat(datasets.item("d1", 1, id(100))).isPresent();
    assertThat(datasets.item("d1", 1, "new-0")).isEmpty();

    // a failed change is discarded: what it ended is current again, what it added is gone
    datasets.discard("d1", 2);
    assertThat(count("SELECT count(*) FROM dataset_items WHERE to_version = 2 OR from_version = 2")).isZero();
    assertThat(count("SELECT count(*) FROM dataset_items")).isEqualTo(6_000);
    datasets.discard("d1", 2);
    assertThat(count("SELECT count(*) FROM dataset_items")).as("discard is idempotent").isEqualTo(6_000);

    datasets.stageItems("d1", 2, changes);
    datasets.stageRemovals("d1", 2, List.of(id(100), id(101), id(102), id(103), id(104)));
    assertThat(datasets.publish("d1", 2, "edit", AT.plusSeconds(1))).isTrue();
    assertThat(datasets.find("d1").orElseThrow().itemCount()).isEqualTo(6_000 - 5 + 3);
    assertThat(datasets.versions("d1")).containsExactly(new DatasetVersion(1, AT, 6_000, "import"),
        new DatasetVersion(2, AT.plusSeconds(1), 5_998, "edit"));
    assertThat(datasets.countItems("d1", 1)).isEqualTo(6_000);
    assertThat(datasets.countItems("d1", 2)).isEqualTo(5_998);
    // an unpublished version is counted from its rows: nothing staged for v3 yet, so v2's items
    assertThat(datasets.countItems("d1", 3)).isEqualTo(5_998);
    assertThat(datasets.countItems("d1", 0)).isZero();

    // a change that lost the race to publish v2 discards "its" v2: the published one must survive
    datasets.discard("d1", 2);
    assertThat(datasets.countItems("d1", 2)).isEqualTo(5_998);
    assertThat(datasets.item("d1", 2, "new-1")).isPresent();
    assertThat(datasets.item("d1", 2, id(3)).orElseThrow().input()).isEqualTo("edited 3");

    // both versions page completely by id
    for (long v : new long[] {1, 2}) {
      int seen = 0;
      String after = null;
      for (List<DatasetItem> page = datasets.items("d1", v, null, 700); !page.isEmpty();
          page = datasets.items("d1", v, after, 700)) {
        seen += page.size();
        after = page.get(page.size() - 1).itemId();
      }
      assertThat(seen).as("items of v%d", v).isEqualTo(datasets.countItems("d1", v));
    }
  }

  @Test
  void deletingALargeDatasetGoesInChunksAndLeavesOthers() throws Exception {
    datasets.create(new Dataset("big", "u1", "Big", "", 0, 0, AT, AT));
    datasets.create(new Dataset("small", "u1", "Small", "", 0, 0, AT, AT));
    stageMany("big", 1, SqliteDatasetStore.DELETE_CHUNK * 2 + 7);
    datasets.publish("big", 1, "v1", AT);
    datasets.stageItems("small", 1, List.of(item("a", "kept")));
    datasets.publish("small", 1, "v1", AT);
    long commits = store.commits();
    assertThat(datasets.delete("big")).isTrue();
    // three chunks (the last one short), then the dataset with its versions
    assertThat(store.commits() - commits).isEqualTo(4);
    assertThat(count("SELECT count(*) FROM dataset_items WHERE dataset_id = 'big'")).isZero();
    assertThat(count("SELECT count(*) FROM dataset_versions WHERE dataset_id = 'big'")).isZero();
    assertThat(datasets.find("big")).isEmpty();
    assertThat(datasets.items("small", 1, null, 10)).extracting(DatasetItem::input).containsExactly("kept");
  }

  @Test
  void releasedAndExpiredLeasesLeaveNoRows() throws Exception {
    var retention = store.retention();
    Duration ttl = Duration.ofMinutes(5);
    for (int i = 0; i < 20; i++) {
      assertThat(retention.tryAcquireLease("dataset:d" + i, "change-" + i, AT, ttl)).isTrue();
      retention.releaseLease("dataset:d" + i, "change-" + i);
    }
    assertThat(count("SELECT count(*) FROM leases")).as("released").isZero();
    // holders that crashed never release: their leases are cleared once expired
    for (int i = 0; i < 20; i++) {
      retention.tryAcquireLease("experiment:x" + i, "crashed", AT, ttl);
    }
    retention.tryAcquireLease("retention", "host-a", AT.plus(ttl).minusSeconds(1), ttl);
    assertThat(count("SELECT count(*) FROM leases")).as("not expired yet").isEqualTo(21);
    assertThat(retention.tryAcquireLease("retention", "host-a", AT.plus(ttl), ttl)).isTrue();
    assertThat(count("SELECT count(*) FROM leases")).isEqualTo(1);
    assertThat(retention.tryAcquireLease("retention", "host-b", AT.plus(ttl), ttl)).as("still held").isFalse();
  }

  @Test
  void entriesWithSlashesInTheirIdsKeepTheirDataByteForByte() {
    EvaluationStore evaluations = store.evaluations().orElseThrow();
    evaluations.createEvaluation(new Evaluation("ev/1", "p1", "u1", "t", "", AT, AT));
    // odd JSON on purpose: spacing, escapes, a supplementary character, a line separator, deep nesting
    String data = "{ \"a/b\" :[1 ,2.50, -0.0, 1e3],\n\t\"s\": \"\\u00e9\\\"\\\\ \ud83d\ude00 \u2028\","
        + " \"n\": {\"x\": {\"y\": [null, true, {}]}} }";
    EvaluationEntry entry = new EvaluationEntry("ev/1/deepeval/run-1", "ev/1", "p1", "run", "Deepeval", data, AT, AT);
    evaluations.putEntry(entry);
    evaluations.putEntry(new EvaluationEntry("ev/1/rouge", "ev/1", "p1", "run", "ROUGE", "{}", AT, AT));
    assertThat(evaluations.entries("ev/1")).extracting(EvaluationEntry::evalId)
        .containsExactly("ev/1/deepeval/run-1", "ev/1/rouge");
    assertThat(evaluations.entries("ev/1").get(0)).isEqualTo(entry);
    assertThat(evaluations.projectEntries("p1", 10).get(1).evalData()).isEqualTo(data);
    assertThat(evaluations.deleteEvaluation("ev/1")).isTrue();
    assertThat(evaluations.entries("ev/1")).isEmpty();
  }
}
