package io.guardops.plugins.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.DatasetVersion;
import io.guardops.api.store.DatasetStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dataset versions on MongoDB beyond the contract suite: random changes through two store instances
 * checked against a plain model of every published version, a publish that stopped between its
 * commit and its version document, racing publishers, and the stored rows.
 */
class DatasetVersionsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<String> POOL = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l");
  @RegisterExtension
  static final TestMongo.PerClass MONGO = new TestMongo.PerClass();
  private MongoStore one;
  private MongoStore two;

  @BeforeEach
  void open() {
    MONGO.get().dropDatabase();
    one = MONGO.get().open();
    two = MONGO.get().open();
  }

  @AfterEach
  void close() {
    one.close();
    two.close();
  }

  private DatasetStore ds(Random random) {
    return (random.nextBoolean() ? one : two).datasets().orElseThrow();
  }

  private static Dataset dataset(String id) {
    return new Dataset(id, "u1", "Dataset " + id, "", 0, 0, NOW, NOW);
  }

  private static DatasetItem item(String id, String input) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("gen_ai.request.model", "gpt-4o");
    metadata.put("$step", input);
    return new DatasetItem(id, input, "out " + input, null, List.of("ctx " + input), metadata, null, null);
  }

  @Test
  void randomChangesThroughTwoInstancesMatchAModelOfEveryVersion() {
    for (long seed = 1; seed <= 3; seed++) {
      Random random = new Random(seed);
      String id = "d" + seed;
      one.datasets().orElseThrow().create(dataset(id));
      // the model: the items of every published version
      List<TreeMap<String, DatasetItem>> published = new ArrayList<>();
      published.add(new TreeMap<>());
      List<String> notes = new ArrayList<>();
      for (int change = 0; change < 14; change++) {
        long version = published.size();
        ds(random).discard(id, version);
        TreeMap<String, DatasetItem> working = new TreeMap<>(published.get(published.size() - 1));
        int steps = 1 + random.nextInt(4);
        for (int s = 0; s < steps; s++) {
          if (random.nextInt(3) < 2) {
            List<DatasetItem> batch = new ArrayList<>();
            for (int n = random.nextInt(5); n >= 0; n--) {
              batch.add(item(POOL.get(random.nextInt(POOL.size())), seed + "/" + change + "/" + s + "/" + n));
            }
            ds(random).stageItems(id, version, batch);
            batch.forEach(i -> working.put(i.itemId(), i));
          } else {
            List<String> gone = new ArrayList<>(List.of("unknown"));
            for (int n = random.nextInt(4); n >= 0; n--) {
              gone.add(POOL.get(random.nextInt(POOL.size())));
            }
            ds(random).stageRemovals(id, version, gone);
            gone.forEach(working::remove);
          }
        }
        int end = random.nextInt(10);
        if (end < 7) {
          String note = "change " + change;
          assertThat(ds(random).publish(id, version, note, NOW.plusSeconds(change))).isTrue();
          published.add(working);
          notes.add(note);
        } else if (end < 9) {
          ds(random).discard(id, version);
        }
        // else: the change stops without discarding; the next one discards it first, as the engine does
        check(id, published, notes, random);
      }
    }
  }

  private void check(String id, List<TreeMap<String, DatasetItem>> published, List<String> notes, Random random) {
    long current = published.size() - 1;
    Dataset d = ds(random).find(id).orElseThrow();
    assertThat(d.version()).isEqualTo(current);
    assertThat(d.itemCount()).isEqualTo(published.get((int) current).size());
    for (int v = 1; v <= current; v++) {
      TreeMap<String, DatasetItem> want = published.get(v);
      List<DatasetItem> got = new ArrayList<>();
      String after = null;
      int page = 1 + random.nextInt(5);
      while (true) {
        List<DatasetItem> p = ds(random).items(id, v, after, page);
        got.addAll(p);
        if (p.size() < page) {
          break;
        }
        after = p.get(p.size() - 1).itemId();
      }
      assertThat(got).as("version %d", v).containsExactlyElementsOf(want.values());
      assertThat(ds(random).countItems(id, v)).as("count of version %d", v).isEqualTo(want.size());
      for (String itemId : POOL) {
        assertThat(ds(random).item(id, v, itemId)).as("%s in version %d", itemId, v)
            .isEqualTo(java.util.Optional.ofNullable(want.get(itemId)));
      }
    }
    List<DatasetVersion> versions = ds(random).versions(id);
    assertThat(versions).extracting(DatasetVersion::version)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, current).boxed().toList());
    for (DatasetVersion v : versions) {
      assertThat(v.itemCount()).isEqualTo(published.get((int) v.version()).size());
      assertThat(v.note()).isEqualTo(notes.get((int) v.version() - 1));
    }
  }

  @Test
  void aPublishThatStoppedBeforeItsVersionDocumentIsStillListedAndRecordedByTheNext() {
    DatasetStore ds = one.datasets().orElseThrow();
    ds.create(dataset("d1"));
    ds.stageItems("d1", 1, List.of(item("a", "1"), item("b", "2")));
    assertThat(ds.publish("d1", 1, "first", NOW)).isTrue();
    MongoCollection<Document> versions = MONGO.get().database().getCollection(Schema.DATASET_VERSIONS);
    // as if the instance stopped right after the compare-and-set
    versions.deleteMany(new Document("dataset_id", "d1"));
    assertThat(two.datasets().orElseThrow().versions("d1")).containsExactly(new DatasetVersion(1, NOW, 2, "first"));
    ds.stageRemovals("d1", 2, List.of("a"));
    assertThat(two.datasets().orElseThrow().publish("d1", 2, "second", NOW.plusSeconds(1))).isTrue();
    List<Long> stored = new ArrayList<>();
    for (Document d : versions.find(new Document("dataset_id", "d1")).sort(new Document("version", 1))) {
      stored.add(d.getLong("version"));
    }
    assertThat(stored).containsExactly(1L, 2L);
    assertThat(ds.versions("d1")).containsExactly(new DatasetVersion(1, NOW, 2, "first"),
        new DatasetVersion(2, NOW.plusSeconds(1), 1, "second"));
  }

  @Test
  void ofPublishersRacingOnTwoInstancesExactlyOneWins() throws Exception {
    one.datasets().orElseThrow().create(dataset("d1"));
    one.datasets().orElseThrow().stageItems("d1", 1, List.of(item("a", "1")));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 1; round <= 5; round++) {
        long version = round;
        if (round > 1) {
          one.datasets().orElseThrow().stageItems("d1", version, List.of(item("x" + round, "r" + round)));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          DatasetStore ds = (t % 2 == 0 ? one : two).datasets().orElseThrow();
          String note = "publisher " + t;
          attempts.add(pool.submit(() -> {
            go.await();
            return ds.publish("d1", version, note, NOW.plusSeconds(version));
          }));
        }
        go.countDown();
        int wins = 0;
        for (Future<Boolean> f : attempts) {
          wins += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(wins).as("round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
    Dataset d = two.datasets().orElseThrow().find("d1").orElseThrow();
    assertThat(d.version()).isEqualTo(5);
    assertThat(d.itemCount()).isEqualTo(5);
    assertThat(one.datasets().orElseThrow().versions("d1")).extracting(DatasetVersion::version)
        .containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void discardingAPublishedVersionChangesNothing() {
    DatasetStore ds = one.datasets().orElseThrow();
    ds.create(dataset("d1"));
    ds.stageItems("d1", 1, List.of(item("a", "1")));
    ds.publish("d1", 1, "v1", NOW);
    ds.stageItems("d1", 2, List.of(item("a", "2"), item("b", "2")));
    ds.publish("d1", 2, "v2", NOW);
    ds.discard("d1", 2);
    ds.discard("d1", 1);
    assertThat(ds.items("d1", 2, null, 10)).extracting(DatasetItem::input).containsExactly("2", "2");
    assertThat(ds.items("d1", 1, null, 10)).extracting(DatasetItem::input).containsExactly("1");
  }

  @Test
  void itemRowsAreValidOverVersionRangesAndKeepMetadataKeysAsValues() {
    DatasetStore ds = one.datasets().orElseThrow();
    ds.create(dataset("d1"));
    ds.stageItems("d1", 1, List.of(item("a", "1"), item("b", "1")));
    ds.publish("d1", 1, "v1", NOW);
    ds.stageItems("d1", 2, List.of(item("a", "2")));
    ds.stageRemovals("d1", 2, List.of("b"));
    // staged, not published: the rows show the change, readers of version 1 do not
    Map<String, long[]> ranges = new TreeMap<>();
    Set<String> names = new TreeSet<>();
    for (Document row : MONGO.get().database().getCollection(Schema.DATASET_ITEMS).find()) {
      ranges.put(row.getString("item_id") + "@" + row.getLong("from"), new long[] {row.getLong("from"), row.getLong("to")});
      TestMongo.fieldNames(row, names);
    }
    assertThat(ranges).containsOnlyKeys("a@1", "a@2", "b@1");
    assertThat(ranges.get("a@1")).containsExactly(1, 2);
    assertThat(ranges.get("a@2")).containsExactly(2, MongoDatasetStore.OPEN);
    assertThat(ranges.get("b@1")).containsExactly(1, 2);
    assertThat(names).noneMatch(n -> n.contains(".") || n.startsWith("$"));
    assertThat(ds.items("d1", 1, null, 10)).extracting(DatasetItem::input).containsExactly("1", "1");
    assertThat(ds.item("d1", 1, "a").orElseThrow().metadata()).containsEntry("$step", "1")
        .containsEntry("gen_ai.request.model", "gpt-4o");
    ds.discard("d1", 2);
    for (Document row : MONGO.get().database().getCollection(Schema.DATASET_ITEMS).find()) {
      assertThat(row.getLong("from")).isEqualTo(1);
      assertThat(row.getLong("to")).isEqualTo(MongoDatasetStore.OPEN);
    }
  }
}
