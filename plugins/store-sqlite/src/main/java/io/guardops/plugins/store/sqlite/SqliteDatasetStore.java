package io.guardops.plugins.store.sqlite;

import io.guardops.api.Json;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.DatasetVersion;
import io.guardops.api.store.DatasetStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Datasets with versioned items. An item is stored as rows each valid over a range of versions,
 * {@code [from_version, to_version)}, {@link #OPEN} while current (see {@link Schema}'s v5). Staging
 * for version v ends the current row at v and adds one from v; readers of version v - 1 or older
 * never see it, and version v is readable only once {@link #publish} has moved the dataset to it.
 * Publishing is one write transaction that checks the current version (a compare-and-set, also
 * across processes), counts the version's items from what it added and ended, and records it.
 */
final class SqliteDatasetStore implements DatasetStore {
  /** {@code to_version} of a row that is still current (or staged). */
  static final long OPEN = Long.MAX_VALUE;
  /** Item rows deleted per transaction when a dataset goes, so a large one never holds the writer long. */
  static final int DELETE_CHUNK = 5_000;

  private static final String COLUMNS = "dataset_id, owner_id, name, description, version, item_count, created_at,"
      + " updated_at";
  private static final String ITEM_COLUMNS = "item_id, input, output, expected, context, metadata, source_trace_id,"
      + " source_span_id";
  static final String LIST_OWNED = "SELECT " + COLUMNS + " FROM datasets WHERE owner_id = ?"
      + " ORDER BY created_at, dataset_id";
  // '+' keeps the version bounds off the index choice: the page walks dataset_items_key in id order
  static final String ITEMS = "SELECT " + ITEM_COLUMNS + " FROM dataset_items WHERE dataset_id = ? AND item_id > ?"
      + " AND +from_version <= ? AND +to_version > ? ORDER BY item_id LIMIT ?";
  // '+': without it the planner would range over dataset_items_to, every current row of the dataset
  static final String ITEM = "SELECT " + ITEM_COLUMNS + " FROM dataset_items WHERE dataset_id = ? AND item_id = ?"
      + " AND from_version <= ? AND +to_version > ?";
  static final String VERSIONS = "SELECT version, published_at, item_count, note FROM dataset_versions"
      + " WHERE dataset_id = ? ORDER BY version";
  static final String COUNT_ADDED = "SELECT count(*) FROM dataset_items WHERE dataset_id = ? AND from_version = ?";
  static final String COUNT_ENDED = "SELECT count(*) FROM dataset_items WHERE dataset_id = ? AND to_version = ?";
  static final String COUNT_IN = "SELECT count(*) FROM dataset_items WHERE dataset_id = ? AND from_version <= ?"
      + " AND to_version > ?";
  /** Ends the row current before {@code version} at it (bound: version, dataset, item, version). */
  static final String END_CURRENT = "UPDATE dataset_items SET to_version = ? WHERE dataset_id = ? AND item_id = ?"
      + " AND from_version < ? AND to_version = " + OPEN;
  static final String UNSTAGE_ITEM = "DELETE FROM dataset_items WHERE dataset_id = ? AND item_id = ?"
      + " AND from_version = ?";
  static final String DISCARD_ADDED = "DELETE FROM dataset_items WHERE dataset_id = ? AND from_version = ?";
  static final String DISCARD_ENDED = "UPDATE dataset_items SET to_version = " + OPEN
      + " WHERE dataset_id = ? AND to_version = ?";
  static final String DELETE_ITEMS_CHUNK = "DELETE FROM dataset_items WHERE rowid IN (SELECT rowid FROM"
      + " dataset_items WHERE dataset_id = ? LIMIT " + DELETE_CHUNK + ")";
  /** Adds a staged row, or replaces the one staged for the same version (staging an item twice keeps the last). */
  private static final String STAGE = Sql.upsert("dataset_items", "dataset_id, item_id, from_version, to_version,"
      + " input, output, expected, context, metadata, source_trace_id, source_span_id",
      "dataset_id, item_id, from_version");
  private static final Comparator<Dataset> LIST_ORDER =
      Comparator.comparing(Dataset::createdAt).thenComparing(Dataset::datasetId);

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteDatasetStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public void create(Dataset d) {
    Objects.requireNonNull(d, "dataset");
    writer.call(c -> {
      if (Sql.exists(c, "SELECT 1 FROM datasets WHERE dataset_id = ?", d.datasetId())) {
        throw new IllegalArgumentException("a dataset with id " + d.datasetId() + " already exists");
      }
      return Sql.update(c, "INSERT INTO datasets (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", d.datasetId(),
          d.ownerId(), d.name(), d.description(), d.version(), d.itemCount(), Sql.nanos(d.createdAt()),
          Sql.nanos(d.updatedAt()));
    });
  }

  @Override
  public Optional<Dataset> find(String datasetId) {
    Objects.requireNonNull(datasetId, "datasetId");
    return reads.read(c -> Sql.first(c, "SELECT " + COLUMNS + " FROM datasets WHERE dataset_id = ?",
        SqliteDatasetStore::readDataset, datasetId));
  }

  @Override
  public List<Dataset> findAll(Collection<String> datasetIds) {
    Objects.requireNonNull(datasetIds, "datasetIds");
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(datasetIds));
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Dataset> out = reads.read(c -> Sql.queryIn(c,
        n -> "SELECT " + COLUMNS + " FROM datasets WHERE dataset_id IN (" + Sql.placeholders(n) + ")", ids, SqliteDatasetStore::readDataset));
    out.sort(LIST_ORDER);
    return out;
  }

  @Override
  public List<Dataset> listOwnedBy(String ownerId) {
    Objects.requireNonNull(ownerId, "ownerId");
    return reads.read(c -> Sql.query(c, LIST_OWNED, SqliteDatasetStore::readDataset, ownerId));
  }

  @Override
  public boolean update(Dataset d) {
    Objects.requireNonNull(d, "dataset");
    return writer.call(c -> Sql.update(c, "UPDATE datasets SET name = ?, description = ?, updated_at = ?"
        + " WHERE dataset_id = ?", d.name(), d.description(), Sql.nanos(d.updatedAt()), d.datasetId()) == 1);
  }

  /**
   * Deletes the items a chunk per transaction (a dataset may hold millions of rows; ingestion waits
   * for one chunk at most), then the versions and the dataset itself in one. A crash half way leaves
   * the dataset in place, so deleting it again finishes the job.
   */
  @Override
  public boolean delete(String datasetId) {
    Objects.requireNonNull(datasetId, "datasetId");
    while (writer.call(c -> Sql.update(c, DELETE_ITEMS_CHUNK, datasetId)) == DELETE_CHUNK) {
      // the next chunk
    }
    return writer.call(c -> {
      Sql.update(c, "DELETE FROM dataset_items WHERE dataset_id = ?", datasetId);
      Sql.update(c, "DELETE FROM dataset_versions WHERE dataset_id = ?", datasetId);
      return Sql.update(c, "DELETE FROM datasets WHERE dataset_id = ?", datasetId) == 1;
    });
  }

  // ------------------------------------------------------------------------------- staging

  @Override
  public void stageItems(String datasetId, long version, List<DatasetItem> items) {
    Objects.requireNonNull(datasetId, "datasetId");
    Objects.requireNonNull(items, "items");
    checkStaged(version);
    if (items.isEmpty()) {
      return;
    }
    List<DatasetItem> batch = List.copyOf(items);
    // one batched statement each: end the current rows, then add (or, staged twice, replace) the new ones
    writer.callShared(c -> {
      try (PreparedStatement end = c.prepareStatement(END_CURRENT);
          PreparedStatement stage = c.prepareStatement(STAGE)) {
        for (DatasetItem item : batch) {
          Sql.bind(end, version, datasetId, item.itemId(), version);
          end.addBatch();
          Sql.bind(stage, datasetId, item.itemId(), version, OPEN, item.input(), item.output(), item.expected(),
              Json.write(item.context()), Json.write(item.metadata()), item.sourceTraceId(), item.sourceSpanId());
          stage.addBatch();
        }
        end.executeBatch();
        stage.executeBatch();
      }
      return null;
    }, batch.size());
  }

  @Override
  public void stageRemovals(String datasetId, long version, Collection<String> itemIds) {
    Objects.requireNonNull(datasetId, "datasetId");
    Objects.requireNonNull(itemIds, "itemIds");
    checkStaged(version);
    if (itemIds.isEmpty()) {
      return;
    }
    List<String> ids = List.copyOf(itemIds);
    writer.callShared(c -> {
      try (PreparedStatement unstage = c.prepareStatement(UNSTAGE_ITEM);
          PreparedStatement end = c.prepareStatement(END_CURRENT)) {
        for (String id : ids) {
          Sql.bind(unstage, datasetId, id, version);
          unstage.addBatch();
          Sql.bind(end, version, datasetId, id, version);
          end.addBatch();
        }
        unstage.executeBatch();
        end.executeBatch();
      }
      return null;
    }, ids.size());
  }

  private static void checkStaged(long version) {
    if (version < 1) {
      throw new IllegalArgumentException("a staged version is at least 1, was " + version);
    }
  }

  @Override
  public boolean publish(String datasetId, long version, String note, Instant at) {
    Objects.requireNonNull(datasetId, "datasetId");
    Objects.requireNonNull(at, "at");
    checkStaged(version);
    String text = note == null ? "" : note;
    return writer.call(c -> {
      Optional<long[]> current = Sql.first(c, "SELECT version, item_count FROM datasets WHERE dataset_id = ?",
          rs -> new long[] {rs.getLong(1), rs.getLong(2)}, datasetId);
      if (current.isEmpty() || current.get()[0] != version - 1) {
        return false;
      }
      // every row ended at this version was in the previous one; every row added is in this one
      long count = current.get()[1] - count(c, COUNT_ENDED, datasetId, version)
          + count(c, COUNT_ADDED, datasetId, version);
      Sql.update(c, "UPDATE datasets SET version = ?, item_count = ?, updated_at = ? WHERE dataset_id = ?"
          + " AND version = ?", version, count, Sql.nanos(at), datasetId, version - 1);
      Sql.update(c, "INSERT INTO dataset_versions (dataset_id, version, published_at, item_count, note)"
          + " VALUES (?, ?, ?, ?, ?)", datasetId, version, Sql.nanos(at), count, text);
      return true;
    });
  }

  /**
   * Deletes the rows staged for {@code version} and makes those it ended current again. Does nothing
   * when {@code version} is already published: a change that lost the race to publish must not take
   * the winner's items with it.
   */
  @Override
  public void discard(String datasetId, long version) {
    Objects.requireNonNull(datasetId, "datasetId");
    writer.call(c -> {
      Optional<Long> current = Sql.first(c, "SELECT version FROM datasets WHERE dataset_id = ?",
          rs -> rs.getLong(1), datasetId);
      if (current.isPresent() && current.get() >= version) {
        return 0;
      }
      return Sql.update(c, DISCARD_ADDED, datasetId, version) + Sql.update(c, DISCARD_ENDED, datasetId, version);
    });
  }

  // ------------------------------------------------------------------------------- reading items

  @Override
  public List<DatasetItem> items(String datasetId, long version, String afterItemId, int limit) {
    Objects.requireNonNull(datasetId, "datasetId");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    if (limit == 0) {
      return List.of();
    }
    // item ids are never empty, so '' is before the first
    return reads.read(c -> Sql.query(c, ITEMS, SqliteDatasetStore::readItem, datasetId,
        afterItemId == null ? "" : afterItemId, version, version, limit));
  }

  @Override
  public Optional<DatasetItem> item(String datasetId, long version, String itemId) {
    Objects.requireNonNull(datasetId, "datasetId");
    Objects.requireNonNull(itemId, "itemId");
    // called once per id, up to thousands of times a request: the statement stays prepared
    return reads.read(c -> Sql.first(reads.prepared(c, ITEM), SqliteDatasetStore::readItem, datasetId, itemId, version,
        version));
  }

  /** A published version's count as recorded; any other version's counted through {@code dataset_items_from}. */
  @Override
  public long countItems(String datasetId, long version) {
    Objects.requireNonNull(datasetId, "datasetId");
    return reads.snapshot(c -> {
      Optional<Long> recorded = Sql.first(c, "SELECT item_count FROM dataset_versions WHERE dataset_id = ?"
          + " AND version = ?", rs -> rs.getLong(1), datasetId, version);
      return recorded.isPresent() ? recorded.get() : count(c, COUNT_IN, datasetId, version, version);
    });
  }

  @Override
  public List<DatasetVersion> versions(String datasetId) {
    Objects.requireNonNull(datasetId, "datasetId");
    return reads.read(c -> Sql.query(c, VERSIONS, rs -> new DatasetVersion(rs.getLong(1), Sql.instant(rs.getLong(2)),
        rs.getLong(3), rs.getString(4)), datasetId));
  }

  private static long count(Connection c, String sql, Object... params) throws SQLException {
    return Sql.first(c, sql, rs -> rs.getLong(1), params).orElse(0L);
  }

  private static Dataset readDataset(ResultSet rs) throws SQLException {
    return new Dataset(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
        rs.getLong(6), Sql.instant(rs.getLong(7)), Sql.instant(rs.getLong(8)));
  }

  private static DatasetItem readItem(ResultSet rs) throws SQLException {
    return new DatasetItem(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        Sql.strings(Json.read(rs.getString(5))), Json.readObject(rs.getString(6)), rs.getString(7), rs.getString(8));
  }
}
