package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import io.guardops.api.StoredRecord;
import io.guardops.api.store.RecordStore;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@code Records}: {@code {_id: "<kind>/<id>", kind, rid: id, owner_id, key, version, json: the
 * feature's JSON text, created_ns, updated_ns}}. The JSON is kept as text (it may hold keys with
 * {@code .} or {@code $}). {@link #replace} is one conditional update on (_id, version), so of
 * concurrent replacements of one version exactly one wins, without transactions.
 */
final class MongoRecordStore implements RecordStore {
  private final MongoCollection<Document> records;

  MongoRecordStore(MongoCollection<Document> records) {
    this.records = records;
  }

  private static String docId(String kind, String id) {
    return kind + "/" + id;
  }

  private static Document write(StoredRecord r) {
    return new Document("_id", docId(r.kind(), r.id())).append("kind", r.kind()).append("rid", r.id())
        .append("owner_id", r.ownerId()).append("key", r.key()).append("version", r.version())
        .append("json", r.json()).append("created_ns", Mongo.nanos(r.createdAt()))
        .append("updated_ns", Mongo.nanos(r.updatedAt()));
  }

  private static StoredRecord read(Document d) {
    return new StoredRecord(d.getString("kind"), d.getString("rid"), d.getString("owner_id"), d.getString("key"),
        ((Number) d.get("version")).longValue(), d.getString("json"),
        Mongo.instant(((Number) d.get("created_ns")).longValue()),
        Mongo.instant(((Number) d.get("updated_ns")).longValue()));
  }

  @Override
  public boolean create(StoredRecord record) {
    return Mongo.call("record write", () -> {
      try {
        records.insertOne(write(record));
        return true;
      } catch (MongoWriteException e) {
        if (Mongo.isDuplicateKey(e)) {
          return false;
        }
        throw e;
      }
    });
  }

  @Override
  public Optional<StoredRecord> find(String kind, String id) {
    return Mongo.call("record read", () -> Optional.ofNullable(records.find(eq("_id", docId(kind, id))).first())
        .map(MongoRecordStore::read));
  }

  @Override
  public List<StoredRecord> list(String kind, String ownerId, String afterId, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    Bson filter = afterId == null ? and(eq("kind", kind), eq("owner_id", ownerId))
        : and(eq("kind", kind), eq("owner_id", ownerId), gt("rid", afterId));
    return Mongo.list("record list", records.find(filter).sort(Sorts.ascending("rid")).limit(limit),
        MongoRecordStore::read);
  }

  @Override
  public List<StoredRecord> findByKey(String kind, String ownerId, String key) {
    return Mongo.list("record lookup", records.find(and(eq("kind", kind), eq("owner_id", ownerId), eq("key", key)))
        .sort(Sorts.ascending("rid")), MongoRecordStore::read);
  }

  @Override
  public boolean replace(StoredRecord record) {
    return Mongo.call("record write", () -> records.replaceOne(
        and(eq("_id", docId(record.kind(), record.id())), eq("version", record.version() - 1)), write(record))
        .getModifiedCount() == 1);
  }

  @Override
  public boolean delete(String kind, String id) {
    return Mongo.call("record delete", () -> records.deleteOne(eq("_id", docId(kind, id))).getDeletedCount() == 1);
  }
}
