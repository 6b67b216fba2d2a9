package io.guardops.plugins.store.sqlite;

import io.guardops.api.StoredRecord;
import io.guardops.api.store.RecordStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Small feature documents (playgrounds, registered models, templates, ...) in one table keyed by
 * (kind, id). Creation is {@code INSERT OR IGNORE}, replacement an {@code UPDATE} guarded by the
 * expected version: both single statements on the writer, so they are atomic for every engine on the
 * file. Owner listings and key lookups read {@code records_owner} and {@code records_key}.
 */
final class SqliteRecordStore implements RecordStore {
  private static final String COLUMNS = "kind, record_id, owner_id, record_key, version, json, created_at, updated_at";
  static final String FIND = "SELECT " + COLUMNS + " FROM records WHERE kind = ? AND record_id = ?";
  static final String LIST = "SELECT " + COLUMNS + " FROM records WHERE kind = ? AND owner_id = ? AND record_id > ?"
      + " ORDER BY record_id LIMIT ?";
  static final String BY_KEY = "SELECT " + COLUMNS + " FROM records WHERE kind = ? AND owner_id = ? AND record_key = ?"
      + " ORDER BY record_id";

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteRecordStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public boolean create(StoredRecord r) {
    Objects.requireNonNull(r, "record");
    return writer.call(c -> Sql.update(c, "INSERT OR IGNORE INTO records (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        r.kind(), r.id(), r.ownerId(), r.key(), r.version(), r.json(), Sql.nanos(r.createdAt()),
        Sql.nanos(r.updatedAt())) == 1);
  }

  @Override
  public Optional<StoredRecord> find(String kind, String id) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    return reads.read(c -> Sql.first(c, FIND, SqliteRecordStore::read, kind, id));
  }

  @Override
  public List<StoredRecord> list(String kind, String ownerId, String afterId, int limit) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ownerId, "ownerId");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    if (limit == 0) {
      return List.of();
    }
    // every id is greater than the empty string
    return reads.read(c -> Sql.query(c, LIST, SqliteRecordStore::read, kind, ownerId, afterId == null ? "" : afterId,
        limit));
  }

  @Override
  public List<StoredRecord> findByKey(String kind, String ownerId, String key) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ownerId, "ownerId");
    Objects.requireNonNull(key, "key");
    return reads.read(c -> Sql.query(c, BY_KEY, SqliteRecordStore::read, kind, ownerId, key));
  }

  @Override
  public boolean replace(StoredRecord r) {
    Objects.requireNonNull(r, "record");
    return writer.call(c -> Sql.update(c, "UPDATE records SET record_key = ?, version = ?, json = ?, updated_at = ?"
        + " WHERE kind = ? AND record_id = ? AND version = ?", r.key(), r.version(), r.json(), Sql.nanos(r.updatedAt()),
        r.kind(), r.id(), r.version() - 1) == 1);
  }

  @Override
  public boolean delete(String kind, String id) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    return writer.call(c -> Sql.update(c, "DELETE FROM records WHERE kind = ? AND record_id = ?", kind, id) == 1);
  }

  private static StoredRecord read(ResultSet rs) throws SQLException {
    return new StoredRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
        rs.getString(6), Sql.instant(rs.getLong(7)), Sql.instant(rs.getLong(8)));
  }
}
