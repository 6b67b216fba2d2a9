package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.guardops.api.store.MetaStore;
import java.util.Optional;
import org.bson.Document;

/** {@code Meta}: {@code {_id: key, value}}. */
final class MongoMetaStore implements MetaStore {
  private final MongoCollection<Document> meta;

  MongoMetaStore(MongoCollection<Document> meta) {
    this.meta = meta;
  }

  @Override
  public Optional<String> get(String key) {
    check(key, "");
    return Mongo.call("metadata read", () -> Optional.ofNullable(meta.find(eq("_id", key)).first())
        .map(d -> d.getString("value")));
  }

  /** One upsert that sets the value only when it inserts, returning whatever is stored after it. */
  @Override
  public String putIfAbsent(String key, String value) {
    check(key, value);
    return Mongo.call("metadata write", () -> {
      try {
        return meta.findOneAndUpdate(eq("_id", key), Updates.setOnInsert("value", value),
            new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER)).getString("value");
      } catch (MongoCommandException e) {
        // two first writers raced on _id (MongoDB retries this itself; older servers may not)
        if (Mongo.isDuplicateKey(e)) {
          return meta.find(eq("_id", key)).first().getString("value");
        }
        throw e;
      }
    });
  }

  @Override
  public void put(String key, String value) {
    check(key, value);
    Mongo.run("metadata write", () -> meta.updateOne(eq("_id", key), Updates.set("value", value),
        new UpdateOptions().upsert(true)));
  }

  private static void check(String key, String value) {
    if (key == null || key.isEmpty() || key.length() > 200) {
      throw new IllegalArgumentException("metadata keys are 1 to 200 characters");
    }
    if (value == null || value.length() > 10_000) {
      throw new IllegalArgumentException("metadata values are at most 10000 characters");
    }
  }
}
