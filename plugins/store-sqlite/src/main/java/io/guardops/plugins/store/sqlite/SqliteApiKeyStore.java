package io.guardops.plugins.store.sqlite;

import io.guardops.api.ApiKey;
import io.guardops.api.store.ApiKeyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** API keys (hashes only); listed through {@code api_keys_owner_created (owner_id, created_at, key_id)}. */
final class SqliteApiKeyStore implements ApiKeyStore {
  private static final String COLUMNS = "key_id, owner_id, hash_of_hash, hint, created_at, last_used_at";
  static final String LIST_OWNED = "SELECT " + COLUMNS + " FROM api_keys WHERE owner_id = ?"
      + " ORDER BY created_at, key_id";

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteApiKeyStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public void create(ApiKey key) {
    Objects.requireNonNull(key, "key");
    writer.call(c -> {
      if (Sql.exists(c, "SELECT 1 FROM api_keys WHERE key_id = ?", key.keyId())) {
        throw new IllegalArgumentException("an API key with id " + key.keyId() + " already exists");
      }
      if (Sql.exists(c, "SELECT 1 FROM api_keys WHERE hash_of_hash = ?", key.hashOfHash())) {
        throw new IllegalArgumentException("an API key with this hash already exists");
      }
      return Sql.update(c, "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)", key.keyId(),
          key.ownerId(), key.hashOfHash(), key.hint(), Sql.nanos(key.createdAt()), Sql.nanosOrNull(key.lastUsedAt()));
    });
  }

  @Override
  public Optional<ApiKey> findByHash(String hashOfHash) {
    Objects.requireNonNull(hashOfHash, "hashOfHash");
    return reads.read(c -> Sql.first(c, "SELECT " + COLUMNS + " FROM api_keys WHERE hash_of_hash = ?",
        SqliteApiKeyStore::read, hashOfHash));
  }

  @Override
  public List<ApiKey> listOwnedBy(String ownerId) {
    Objects.requireNonNull(ownerId, "ownerId");
    return reads.read(c -> Sql.query(c, LIST_OWNED, SqliteApiKeyStore::read, ownerId));
  }

  @Override
  public boolean delete(String ownerId, String keyId) {
    Objects.requireNonNull(ownerId, "ownerId");
    Objects.requireNonNull(keyId, "keyId");
    return writer.call(c -> Sql.update(c, "DELETE FROM api_keys WHERE key_id = ? AND owner_id = ?", keyId,
        ownerId) == 1);
  }

  @Override
  public void touch(String keyId, Instant when) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(when, "when");
    // never moves the time back: touches from several hosts may arrive out of order
    writer.call(c -> Sql.update(c, "UPDATE api_keys SET last_used_at = ? WHERE key_id = ?"
        + " AND (last_used_at IS NULL OR last_used_at < ?)", Sql.nanos(when), keyId, Sql.nanos(when)));
  }

  private static ApiKey read(ResultSet rs) throws SQLException {
    return new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Sql.instant(rs.getLong(5)),
        Sql.instantOrNull(rs, 6));
  }
}
