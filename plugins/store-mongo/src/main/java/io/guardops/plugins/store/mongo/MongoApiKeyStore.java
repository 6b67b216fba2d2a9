package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.guardops.api.ApiKey;
import io.guardops.api.store.ApiKeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/** {@code ApiKeys}: {@code {_id: key id, owner_id, hash_of_hash, hint, created_ns, last_used_ns}}; hashes only. */
final class MongoApiKeyStore implements ApiKeyStore {
  private final MongoCollection<Document> keys;

  MongoApiKeyStore(MongoCollection<Document> keys) {
    this.keys = keys;
  }

  @Override
  public void create(ApiKey key) {
    Document d = new Document("_id", key.keyId()).append("owner_id", key.ownerId())
        .append("hash_of_hash", key.hashOfHash()).append("hint", key.hint())
        .append("created_ns", Mongo.nanos(key.createdAt()))
        .append("last_used_ns", key.lastUsedAt() == null ? null : Mongo.nanos(key.lastUsedAt()));
    if (!Mongo.call("API key create", () -> Mongo.unlessDuplicate(() -> keys.insertOne(d)))) {
      // never echo the hash: it identifies a credential
      throw new IllegalArgumentException("an API key with id '" + key.keyId() + "' or the same hash exists");
    }
  }

  @Override
  public Optional<ApiKey> findByHash(String hashOfHash) {
    return Mongo.call("API key lookup",
        () -> Optional.ofNullable(keys.find(eq("hash_of_hash", hashOfHash)).first()).map(MongoApiKeyStore::key));
  }

  @Override
  public List<ApiKey> listOwnedBy(String ownerId) {
    return Mongo.call("API key list", () -> {
      List<ApiKey> out = new ArrayList<>();
      for (Document d : keys.find(eq("owner_id", ownerId)).sort(Sorts.ascending("created_ns", "_id"))) {
        out.add(key(d));
      }
      return out;
    });
  }

  @Override
  public boolean delete(String ownerId, String keyId) {
    return Mongo.call("API key delete",
        () -> keys.deleteOne(and(eq("_id", keyId), eq("owner_id", ownerId))).getDeletedCount() == 1);
  }

  @Override
  public void touch(String keyId, Instant when) {
    // $max: touches that arrive out of order (several instances) never move the time back
    Mongo.run("API key touch", () -> keys.updateOne(eq("_id", keyId), Updates.max("last_used_ns", Mongo.nanos(when))));
  }

  private static ApiKey key(Document d) {
    return new ApiKey(d.getString("_id"), d.getString("owner_id"), d.getString("hash_of_hash"), d.getString("hint"),
        Mongo.instant(Mongo.longOf(d, "created_ns")), Mongo.instantOrNull(d, "last_used_ns"));
  }
}
