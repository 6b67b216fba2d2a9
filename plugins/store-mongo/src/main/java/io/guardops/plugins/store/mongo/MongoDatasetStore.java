package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.DatasetVersion;
import io.guardops.api.store.DatasetStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@code Datasets}, their items as {@code DatasetItems} rows valid over a range of versions, and
 * {@code DatasetVersions}. A row {@code {item_id, from, to}} is the item as it is in versions {@code
 * from <= v < to}; a current row has {@code to = }{@link #OPEN}. Staging version {@code v} adds rows
 * from {@code v} and ends current rows at {@code v}, which changes nothing a reader of {@code v - 1}
 * (or earlier) sees; publishing is one conditional update of the dataset document ({@code version: v
 * - 1} to {@code v}), so exactly one of several instances wins and readers switch to {@code v} at that
 * single write; discarding deletes the rows from {@code v} and reopens those ended at {@code v}. No
 * transaction is needed (README, "Datasets"; RATIONALE, "Dataset versions").
 */
final class MongoDatasetStore implements DatasetStore {
  /** The {@code to} of a row that is still current: its range {@code [from, to)} has no end. */
  static final long OPEN = Long.MAX_VALUE;
  private static final Bson ORDER = Sorts.ascending("created_ns", "_id");

  private final MongoCollection<Document> datasets;
  private final MongoCollection<Document> items;
  private final MongoCollection<Document> versions;

  MongoDatasetStore(MongoCollection<Document> datasets, MongoCollection<Document> items,
      MongoCollection<Document> versions) {
    this.datasets = datasets;
    this.items = items;
    this.versions = versions;
  }

  // ---------------------------------------------------------------- datasets

  @Override
  public void create(Dataset d) {
    Document doc = new Document("_id", d.datasetId()).append("owner_id", d.ownerId()).append("name", d.name())
        .append("description", d.description()).append("version", d.version()).append("item_count", d.itemCount())
        .append("created_ns", Mongo.nanos(d.createdAt())).append("updated_ns", Mongo.nanos(d.updatedAt()));
    if (!Mongo.call("dataset create", () -> Mongo.unlessDuplicate(() -> datasets.insertOne(doc)))) {
      throw new IllegalArgumentException("a dataset with id '" + d.datasetId() + "' exists");
    }
  }

  @Override
  public Optional<Dataset> find(String datasetId) {
    return Mongo.call("dataset lookup",
        () -> Optional.ofNullable(datasets.find(eq("_id", datasetId)).first()).map(MongoDatasetStore::dataset));
  }

  @Override
  public List<Dataset> findAll(Collection<String> datasetIds) {
    if (datasetIds.isEmpty()) {
      return List.of();
    }
    return list("dataset lookup", in("_id", new LinkedHashSet<>(datasetIds)));
  }

  @Override
  public List<Dataset> listOwnedBy(String ownerId) {
    return list("dataset list", eq("owner_id", ownerId));
  }

  private List<Dataset> list(String what, Bson filter) {
    return Mongo.list(what, datasets.find(filter).sort(ORDER), MongoDatasetStore::dataset);
  }

  @Override
  public boolean update(Dataset d) {
    return Mongo.call("dataset update", () -> datasets.updateOne(eq("_id", d.datasetId()),
        Updates.combine(Updates.set("name", d.name()), Updates.set("description", d.description()),
            Updates.set("updated_ns", Mongo.nanos(d.updatedAt())))).getMatchedCount() == 1);
  }

  /** Items, then versions, then the dataset: a delete that stops half way leaves the dataset to delete again. */
  @Override
  public boolean delete(String datasetId) {
    return Mongo.call("dataset delete", () -> {
      items.deleteMany(eq("dataset_id", datasetId));
      versions.deleteMany(eq("dataset_id", datasetId));
      return datasets.deleteOne(eq("_id", datasetId)).getDeletedCount() == 1;
    });
  }

  // ---------------------------------------------------------------- staging and publishing

  /**
   * One unordered bulk: the current rows of these ids end at {@code version}, and each item's row from
   * {@code version} is upserted (unique {@code dataset_items_key}), so staging the same item again
   * replaces it. The two touch disjoint rows ({@code from < version} and {@code from = version}).
   */
  @Override
  public void stageItems(String datasetId, long version, List<DatasetItem> staged) {
    checkVersion(version);
    if (staged.isEmpty()) {
      return;
    }
    Map<String, DatasetItem> last = new LinkedHashMap<>(staged.size() * 2);
    for (DatasetItem i : staged) {
      last.put(i.itemId(), i);
    }
    List<WriteModel<Document>> ops = new ArrayList<>(last.size() + 1);
    ops.add(new UpdateManyModel<>(currentBefore(datasetId, version, last.keySet()), Updates.set("to", version)));
    for (DatasetItem i : last.values()) {
      ops.add(new ReplaceOneModel<>(and(eq("dataset_id", datasetId), eq("item_id", i.itemId()), eq("from", version)),
          row(datasetId, version, i), new ReplaceOptions().upsert(true)));
    }
    Mongo.run("dataset staging", () -> Mongo.bulkUpsert(items, ops));
  }

  @Override
  public void stageRemovals(String datasetId, long version, Collection<String> itemIds) {
    checkVersion(version);
    if (itemIds.isEmpty()) {
      return;
    }
    LinkedHashSet<String> ids = new LinkedHashSet<>(itemIds);
    List<WriteModel<Document>> ops = List.of(
        new DeleteManyModel<>(and(eq("dataset_id", datasetId), in("item_id", ids), eq("from", version))),
        new UpdateManyModel<>(currentBefore(datasetId, version, ids), Updates.set("to", version)));
    Mongo.run("dataset staging", () -> items.bulkWrite(ops, new BulkWriteOptions().ordered(false)));
  }

  /** The rows of these ids current before {@code version} ({@code dataset_items_key}). */
  private static Bson currentBefore(String datasetId, long version, Collection<String> ids) {
    return and(eq("dataset_id", datasetId), in("item_id", ids), lt("from", version), eq("to", OPEN));
  }

  /**
   * The compare-and-set {@code version: v - 1 -> v} on the dataset document is the publication: it
   * carries the item count and the version's record ({@code latest}), so it is complete in one
   * atomic write. The {@code DatasetVersions} document follows it; one missing because an instance
   * stopped in between is written by the next publish (from {@code latest}), and {@link #versions}
   * reads {@code latest} too, so no version is ever missing from the list.
   *
   * <p>The count is the previous version's plus the rows this version adds minus those it ends
   * ({@code dataset_items_from}, {@code dataset_items_to}): each item has at most one row in a
   * version, every added row is current in it and every ended row was current in the previous one,
   * so this equals counting the version's rows, at the cost of the change rather than of the dataset.
   */
  @Override
  public boolean publish(String datasetId, long version, String note, Instant at) {
    long atNanos = Mongo.nanos(at);
    return Mongo.call("dataset publish", () -> {
      Document d = datasets.find(eq("_id", datasetId)).first();
      if (d == null || Mongo.longOf(d, "version") != version - 1) {
        return false;
      }
      record(datasetId, (Document) d.get("latest"));
      long count = Mongo.longOf(d, "item_count")
          + items.countDocuments(and(eq("dataset_id", datasetId), eq("from", version)))
          - items.countDocuments(and(eq("dataset_id", datasetId), eq("to", version)));
      Document latest = new Document("version", version).append("published_ns", atNanos).append("item_count", count)
          .append("note", note == null ? "" : note);
      boolean won = datasets.updateOne(and(eq("_id", datasetId), eq("version", version - 1)),
          Updates.combine(Updates.set("version", version), Updates.set("item_count", count),
              Updates.set("updated_ns", atNanos), Updates.set("latest", latest))).getMatchedCount() == 1;
      if (won) {
        record(datasetId, latest);
      }
      return won;
    });
  }

  /** Writes a published version's document unless it is there (idempotent; any instance may). */
  private void record(String datasetId, Document latest) {
    if (latest == null) {
      return;
    }
    Mongo.unlessDuplicate(() -> versions.updateOne(
        and(eq("dataset_id", datasetId), eq("version", Mongo.longOf(latest, "version"))),
        Updates.setOnInsert(new Document("published_ns", Mongo.longOf(latest, "published_ns"))
            .append("item_count", Mongo.longOf(latest, "item_count")).append("note", latest.getString("note"))),
        new UpdateOptions().upsert(true)));
  }

  /**
   * Deletes the rows from {@code version} and reopens those ended at it, in one ordered bulk
   * ({@code dataset_items_from}, {@code dataset_items_to}): idempotent, and two cheap index lookups
   * when nothing is staged (the engine calls it before every change). A version already published is
   * never undone.
   */
  @Override
  public void discard(String datasetId, long version) {
    Mongo.run("dataset discard", () -> {
      Document d = datasets.find(eq("_id", datasetId)).projection(Projections.include("version")).first();
      if (d != null && Mongo.longOf(d, "version") >= version) {
        return;
      }
      items.bulkWrite(List.of(
          new DeleteManyModel<>(and(eq("dataset_id", datasetId), eq("from", version))),
          new UpdateManyModel<>(and(eq("dataset_id", datasetId), eq("to", version)), Updates.set("to", OPEN))));
    });
  }

  // ---------------------------------------------------------------- reading

  /** The rows of {@code version}: {@code from <= version < to}. */
  private static Bson inVersion(String datasetId, long version) {
    return and(eq("dataset_id", datasetId), lte("from", version), gt("to", version));
  }

  /**
   * A page by item id from {@code dataset_items_key} (equality on the dataset, a range on the id, the
   * version's bounds on {@code from} checked in the index; each id has one row per change of it).
   */
  @Override
  public List<DatasetItem> items(String datasetId, long version, String afterItemId, int limit) {
    if (Mongo.nothingWanted(limit)) {
      return List.of();
    }
    Bson filter = afterItemId == null ? inVersion(datasetId, version) : and(inVersion(datasetId, version), gt("item_id", afterItemId));
    return Mongo.list("dataset item page", items.find(filter).sort(Sorts.ascending("item_id")).limit(limit),
        MongoDatasetStore::item);
  }

  @Override
  public Optional<DatasetItem> item(String datasetId, long version, String itemId) {
    return Mongo.call("dataset item lookup", () -> Optional.ofNullable(
        items.find(and(inVersion(datasetId, version), eq("item_id", itemId))).first()).map(MongoDatasetStore::item));
  }

  /** A count over {@code dataset_items_to} ({@code to > version}, then {@code from <= version}), covered by it. */
  @Override
  public long countItems(String datasetId, long version) {
    return Mongo.call("dataset item count", () -> items.countDocuments(
        and(eq("dataset_id", datasetId), gt("to", version), lte("from", version))));
  }

  /**
   * The {@code DatasetVersions} documents, with the dataset's {@code latest} added when its document
   * is not written yet. The dataset is read first: every version before its current one has a
   * document by then (each publish writes its predecessor's first), so the list has no gap.
   */
  @Override
  public List<DatasetVersion> versions(String datasetId) {
    return Mongo.call("dataset versions", () -> {
      Document d = datasets.find(eq("_id", datasetId)).projection(Projections.include("latest")).first();
      List<DatasetVersion> out = new ArrayList<>();
      for (Document v : versions.find(eq("dataset_id", datasetId)).sort(Sorts.ascending("version"))) {
        out.add(new DatasetVersion(Mongo.longOf(v, "version"), Mongo.instant(Mongo.longOf(v, "published_ns")),
            Mongo.longOf(v, "item_count"), v.getString("note")));
      }
      Document latest = d == null ? null : (Document) d.get("latest");
      if (latest != null) {
        long n = Mongo.longOf(latest, "version");
        if (out.stream().noneMatch(v -> v.version() == n)) {
          out.add(new DatasetVersion(n, Mongo.instant(Mongo.longOf(latest, "published_ns")),
              Mongo.longOf(latest, "item_count"), latest.getString("note")));
          out.sort(Comparator.comparingLong(DatasetVersion::version));
        }
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- documents

  private static void checkVersion(long version) {
    if (version < 1) {
      throw new IllegalArgumentException("items are staged for a version of at least 1, was " + version);
    }
  }

  private static Document row(String datasetId, long version, DatasetItem i) {
    return new Document("dataset_id", datasetId).append("item_id", i.itemId()).append("from", version)
        .append("to", OPEN).append("input", i.input()).append("output", i.output()).append("expected", i.expected())
        .append("context", i.context()).append("metadata", AttributeCodec.encode(i.metadata()))
        .append("source_trace_id", i.sourceTraceId()).append("source_span_id", i.sourceSpanId());
  }

  @SuppressWarnings("unchecked")
  private static DatasetItem item(Document d) {
    return new DatasetItem(d.getString("item_id"), d.getString("input"), d.getString("output"),
        d.getString("expected"), (List<String>) d.get("context"), AttributeCodec.decode(d.get("metadata")),
        d.getString("source_trace_id"), d.getString("source_span_id"));
  }

  private static Dataset dataset(Document d) {
    return new Dataset(d.getString("_id"), d.getString("owner_id"), d.getString("name"), d.getString("description"),
        Mongo.longOf(d, "version"), Mongo.longOf(d, "item_count"), Mongo.instant(Mongo.longOf(d, "created_ns")),
        Mongo.instant(Mongo.longOf(d, "updated_ns")));
  }
}
