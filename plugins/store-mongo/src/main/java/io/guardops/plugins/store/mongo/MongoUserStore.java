package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.guardops.api.User;
import io.guardops.api.store.UserStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/** {@code Users}: {@code {_id: user id, created_ns}}. Created once across instances by the unique {@code _id}. */
final class MongoUserStore implements UserStore {
  private final MongoCollection<Document> users;

  MongoUserStore(MongoCollection<Document> users) {
    this.users = users;
  }

  @Override
  public boolean create(User user) {
    Document d = new Document("_id", user.userId()).append("created_ns", Mongo.nanos(user.createdAt()));
    return Mongo.call("user create", () -> Mongo.unlessDuplicate(() -> users.insertOne(d)));
  }

  @Override
  public Optional<User> find(String userId) {
    return Mongo.call("user lookup", () -> Optional.ofNullable(users.find(eq("_id", userId)).first())
        .map(d -> new User(d.getString("_id"), Mongo.instant(Mongo.longOf(d, "created_ns")))));
  }

  @Override
  public List<String> listIds() {
    return Mongo.call("user list", () -> {
      List<String> out = new ArrayList<>();
      for (Document d : users.find().sort(Sorts.ascending("created_ns", "_id")).projection(Projections.include("_id"))) {
        out.add(d.getString("_id"));
      }
      return out;
    });
  }
}
