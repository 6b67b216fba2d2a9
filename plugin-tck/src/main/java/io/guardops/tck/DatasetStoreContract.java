package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.DatasetVersion;
import io.guardops.api.store.DatasetStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DatasetStore}: datasets, staged versions published atomically, items paged by id. */
public abstract class DatasetStoreContract extends StoreContractSupport {
  protected DatasetStore datasets;

  @BeforeEach
  void datasetPart() {
    Assumptions.assumeTrue(store.datasets().isPresent(), "this store keeps no datasets");
    datasets = store.datasets().get();
  }

  protected static Dataset dataset(String id, String owner) {
    return new Dataset(id, owner, "Dataset " + id, "about " + id, 0, 0, NOW, NOW);
  }

  protected static DatasetItem item(String id, String input) {
    return new DatasetItem(id, input, "out-" + input, "exp-" + input, List.of("ctx"),
        Map.of("k", "v", "n", 3L), traceId(7), spanId(7));
  }

  @Test
  void createFindListUpdateDelete() {
    datasets.create(dataset("d2", "u1"));
    datasets.create(new Dataset("d1", "u1", "First", "", 0, 0, NOW.minusSeconds(5), NOW.minusSeconds(5)));
    datasets.create(dataset("d3", "u2"));
    assertThatThrownBy(() -> datasets.create(dataset("d1", "u2"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(datasets.find("d2")).contains(dataset("d2", "u1"));
    assertThat(datasets.find("nope")).isEmpty();
    assertThat(datasets.listOwnedBy("u1")).extracting(Dataset::datasetId).containsExactly("d1", "d2");
    assertThat(datasets.findAll(List.of("d3", "d1", "zz"))).extracting(Dataset::datasetId).containsExactly("d1", "d3");
    Dataset renamed = dataset("d2", "intruder").withText("Renamed", "new text", NOW.plusSeconds(9));
    assertThat(datasets.update(renamed)).isTrue();
    Dataset stored = datasets.find("d2").orElseThrow();
    assertThat(stored.name()).isEqualTo("Renamed");
    assertThat(stored.description()).isEqualTo("new text");
    assertThat(stored.ownerId()).isEqualTo("u1");
    assertThat(stored.updatedAt()).isEqualTo(NOW.plusSeconds(9));
    assertThat(datasets.update(dataset("missing", "u1"))).isFalse();
    assertThat(datasets.delete("d2")).isTrue();
    assertThat(datasets.delete("d2")).isFalse();
    assertThat(datasets.find("d2")).isEmpty();
  }

  @Test
  void stagedItemsAreInvisibleUntilPublished() {
    datasets.create(dataset("d1", "u1"));
    datasets.stageItems("d1", 1, List.of(item("a", "1"), item("b", "2")));
    assertThat(datasets.items("d1", 0, null, 10)).isEmpty();
    assertThat(datasets.find("d1").orElseThrow().version()).isZero();
    assertThat(datasets.publish("d1", 1, "two items", NOW.plusSeconds(1))).isTrue();
    Dataset d = datasets.find("d1").orElseThrow();
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.itemCount()).isEqualTo(2);
    assertThat(datasets.items("d1", 1, null, 10)).containsExactly(item("a", "1"), item("b", "2"));
    assertThat(datasets.item("d1", 1, "b")).contains(item("b", "2"));
    assertThat(datasets.versions("d1")).containsExactly(new DatasetVersion(1, NOW.plusSeconds(1), 2, "two items"));
  }

  @Test
  void everyChangeMakesAVersionAndOldVersionsStayReadable() {
    datasets.create(dataset("d1", "u1"));
    datasets.stageItems("d1", 1, List.of(item("a", "1"), item("b", "2"), item("c", "3")));
    datasets.publish("d1", 1, "v1", NOW);
    // v2: edit b, remove c, add d
    datasets.stageItems("d1", 2, List.of(item("b", "2-edited"), item("d", "4")));
    datasets.stageRemovals("d1", 2, List.of("c", "unknown"));
    assertThat(datasets.items("d1", 1, null, 10)).extracting(DatasetItem::input).containsExactly("1", "2", "3");
    assertThat(datasets.publish("d1", 2, "v2", NOW.plusSeconds(1))).isTrue();
    assertThat(datasets.items("d1", 2, null, 10)).extracting(DatasetItem::input).containsExactly("1", "2-edited", "4");
    assertThat(datasets.items("d1", 1, null, 10)).extracting(DatasetItem::input).containsExactly("1", "2", "3");
    assertThat(datasets.countItems("d1", 1)).isEqualTo(3);
    assertThat(datasets.countItems("d1", 2)).isEqualTo(3);
    assertThat(datasets.find("d1").orElseThrow().itemCount()).isEqualTo(3);
    assertThat(datasets.item("d1", 2, "c")).isEmpty();
    assertThat(datasets.item("d1", 1, "c")).isPresent();
    assertThat(datasets.versions("d1")).extracting(DatasetVersion::version).containsExactly(1L, 2L);
  }

  @Test
  void publishIsAtomicAndOnlyFromTheCurrentVersion() {
    datasets.create(dataset("d1", "u1"));
    datasets.stageItems("d1", 1, List.of(item("a", "1")));
    assertThat(datasets.publish("d1", 2, "skips a version", NOW)).isFalse();
    assertThat(datasets.publish("d1", 1, "v1", NOW)).isTrue();
    assertThat(datasets.publish("d1", 1, "again", NOW)).isFalse();
    assertThat(datasets.publish("missing", 1, "x", NOW)).isFalse();
    assertThat(datasets.find("d1").orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void discardUndoesWhatWasStaged() {
    datasets.create(dataset("d1", "u1"));
    datasets.stageItems("d1", 1, List.of(item("a", "1"), item("b", "2")));
    datasets.publish("d1", 1, "v1", NOW);
    datasets.stageItems("d1", 2, List.of(item("a", "changed"), item("z", "new")));
    datasets.stageRemovals("d1", 2, List.of("b"));
    datasets.discard("d1", 2);
    assertThat(datasets.items("d1", 1, null, 10)).containsExactly(item("a", "1"), item("b", "2"));
    // the next change starts cleanly at version 2
    datasets.stageItems("d1", 2, List.of(item("c", "3")));
    assertThat(datasets.publish("d1", 2, "v2", NOW)).isTrue();
    assertThat(datasets.items("d1", 2, null, 10)).extracting(DatasetItem::itemId).containsExactly("a", "b", "c");
    assertThat(datasets.items("d1", 2, null, 10).get(0).input()).isEqualTo("1");
  }

  @Test
  void itemsArePagedByIdAndRoundTripEveryField() {
    datasets.create(dataset("d1", "u1"));
    List<DatasetItem> many = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      many.add(item(String.format("item-%03d", i), "in " + i));
    }
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("$weird.key", List.of("x", Map.of("a.b", 1.5)));
    nested.put("flag", true);
    DatasetItem odd = new DatasetItem("zz-odd", "line1\nline2 \u00e9 \"q\" , ok", null, null, List.of(),
        nested, null, null);
    many.add(odd);
    datasets.stageItems("d1", 1, many);
    datasets.publish("d1", 1, "v1", NOW);
    List<String> seen = new ArrayList<>();
    String after = null;
    while (true) {
      List<DatasetItem> page = datasets.items("d1", 1, after, 10);
      if (page.isEmpty()) {
        break;
      }
      page.forEach(i -> seen.add(i.itemId()));
      after = page.get(page.size() - 1).itemId();
    }
    assertThat(seen).hasSize(26).isSorted();
    assertThat(datasets.item("d1", 1, "zz-odd")).contains(odd);
  }

  @Test
  void deletingADatasetRemovesItsItemsAndLeavesOthers() {
    datasets.create(dataset("d1", "u1"));
    datasets.create(dataset("d2", "u1"));
    datasets.stageItems("d1", 1, List.of(item("a", "1")));
    datasets.publish("d1", 1, "v1", NOW);
    datasets.stageItems("d2", 1, List.of(item("a", "other")));
    datasets.publish("d2", 1, "v1", NOW);
    datasets.delete("d1");
    assertThat(datasets.items("d1", 1, null, 10)).isEmpty();
    assertThat(datasets.versions("d1")).isEmpty();
    assertThat(datasets.items("d2", 1, null, 10)).extracting(DatasetItem::input).containsExactly("other");
  }

  @Test
  void itemsAreSnapshotsThatOutliveTheirTraces() {
    datasets.create(dataset("d1", "u1"));
    store.spans().write(List.of(root("p1", 7, 0, 10)));
    datasets.stageItems("d1", 1, List.of(item("a", "from a trace")));
    datasets.publish("d1", 1, "v1", NOW);
    store.spans().purgeTraces("p1", Long.MAX_VALUE, 10);
    assertThat(datasets.item("d1", 1, "a").orElseThrow().sourceTraceId()).isEqualTo(traceId(7));
    assertThat(datasets.item("d1", 1, "a").orElseThrow().input()).isEqualTo("from a trace");
  }
}
