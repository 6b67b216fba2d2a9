package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.guardops.api.Project;
import io.guardops.api.store.ProjectStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@code Projects}: {@code {_id: project id, owner_id, name, description, tags, retention,
 * latency_warning_s, latency_critical_s, created_ns}} (the original kept projects inside each user's
 * document; here they are documents of their own, so a project is read and changed atomically and
 * listed by index).
 */
final class MongoProjectStore implements ProjectStore {
  private static final Bson ORDER = Sorts.ascending("created_ns", "_id");
  private final MongoCollection<Document> projects;

  MongoProjectStore(MongoCollection<Document> projects) {
    this.projects = projects;
  }

  @Override
  public void create(Project p) {
    Document d = new Document("_id", p.projectId()).append("owner_id", p.ownerId())
        .append("created_ns", Mongo.nanos(p.createdAt()));
    mutable(p).forEach(d::append);
    if (!Mongo.call("project create", () -> Mongo.unlessDuplicate(() -> projects.insertOne(d)))) {
      throw new IllegalArgumentException("a project with id '" + p.projectId() + "' exists");
    }
  }

  private static Document mutable(Project p) {
    return new Document("name", p.name()).append("description", p.description()).append("tags", p.tags())
        .append("retention", p.retentionDays()).append("latency_warning_s", p.latencyWarningSeconds())
        .append("latency_critical_s", p.latencyCriticalSeconds());
  }

  @Override
  public Optional<Project> find(String projectId) {
    return Mongo.call("project lookup",
        () -> Optional.ofNullable(projects.find(eq("_id", projectId)).first()).map(MongoProjectStore::project));
  }

  @Override
  public List<Project> findAll(Collection<String> projectIds) {
    if (projectIds.isEmpty()) {
      return List.of();
    }
    return list("project lookup", in("_id", new LinkedHashSet<>(projectIds)));
  }

  @Override
  public List<Project> listOwnedBy(String ownerId) {
    return list("project list", eq("owner_id", ownerId));
  }

  @Override
  public List<Project> listWithRetention() {
    // matches the partial index projects_retention (retention > 0)
    return list("project list", gt("retention", 0));
  }

  private List<Project> list(String what, Bson filter) {
    return Mongo.call(what, () -> {
      List<Project> out = new ArrayList<>();
      for (Document d : projects.find(filter).sort(ORDER)) {
        out.add(project(d));
      }
      return out;
    });
  }

  @Override
  public boolean update(Project p) {
    List<Bson> sets = new ArrayList<>();
    mutable(p).forEach((k, v) -> sets.add(Updates.set(k, v)));
    return Mongo.call("project update",
        () -> projects.updateOne(eq("_id", p.projectId()), Updates.combine(sets)).getMatchedCount() == 1);
  }

  @Override
  public boolean delete(String projectId) {
    return Mongo.call("project delete", () -> projects.deleteOne(eq("_id", projectId)).getDeletedCount() == 1);
  }

  @SuppressWarnings("unchecked")
  private static Project project(Document d) {
    return new Project(d.getString("_id"), d.getString("owner_id"), d.getString("name"), d.getString("description"),
        (List<String>) d.get("tags"), (int) Mongo.longOf(d, "retention"),
        ((Number) d.get("latency_warning_s")).doubleValue(), ((Number) d.get("latency_critical_s")).doubleValue(),
        Mongo.instant(Mongo.longOf(d, "created_ns")));
  }
}
