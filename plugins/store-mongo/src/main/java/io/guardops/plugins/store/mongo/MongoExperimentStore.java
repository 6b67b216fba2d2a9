package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.store.ExperimentStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@code Experiments} ({@code {_id: experiment id, owner_id, project_id, dataset_id, dataset_version,
 * name, definition: the engine's JSON text, status, total, done, failed, cost, created_ns, started_ns,
 * finished_ns, error}}) and their {@code ExperimentResults} ({@code {_id: ObjectId, experiment_id,
 * item_id, output, latency_ns, input_tokens, output_tokens, cost, trace_id, scores: [{metric, value,
 * label, explanation, usage: {model, input_tokens, output_tokens, cost}, details: [{k, v}]}], error}},
 * unique on (experiment, item)). A run's workers store results one at a time from several threads and
 * instances: each is an upsert on that unique key, so they never conflict with each other.
 */
final class MongoExperimentStore implements ExperimentStore {
  private final MongoCollection<Document> experiments;
  private final MongoCollection<Document> results;

  MongoExperimentStore(MongoCollection<Document> experiments, MongoCollection<Document> results) {
    this.experiments = experiments;
    this.results = results;
  }

  @Override
  public void create(Experiment e) {
    Document d = new Document("_id", e.experimentId()).append("owner_id", e.ownerId())
        .append("project_id", e.projectId()).append("dataset_id", e.datasetId())
        .append("dataset_version", e.datasetVersion()).append("name", e.name()).append("definition", e.definition())
        .append("created_ns", Mongo.nanos(e.createdAt()));
    progress(e).forEach(d::append);
    if (!Mongo.call("experiment create", () -> Mongo.unlessDuplicate(() -> experiments.insertOne(d)))) {
      throw new IllegalArgumentException("an experiment with id '" + e.experimentId() + "' exists");
    }
  }

  /** The fields {@link #update} replaces. */
  private static Document progress(Experiment e) {
    return new Document("status", e.status().name()).append("total", e.total()).append("done", e.done())
        .append("failed", e.failed()).append("cost", e.cost()).append("started_ns", Mongo.nanosOrNull(e.startedAt()))
        .append("finished_ns", Mongo.nanosOrNull(e.finishedAt())).append("error", e.error());
  }

  @Override
  public Optional<Experiment> find(String experimentId) {
    return Mongo.call("experiment lookup", () -> Optional.ofNullable(experiments.find(eq("_id", experimentId)).first())
        .map(MongoExperimentStore::experiment));
  }

  @Override
  public List<Experiment> listForDataset(String datasetId, int limit) {
    if (Mongo.nothingWanted(limit)) {
      return List.of();
    }
    return Mongo.list("experiment list",
        experiments.find(eq("dataset_id", datasetId)).sort(Sorts.descending("created_ns", "_id")).limit(limit),
        MongoExperimentStore::experiment);
  }

  /** One {@code $set} of the progress fields by {@code _id}. */
  @Override
  public boolean update(Experiment e) {
    List<Bson> sets = new ArrayList<>();
    progress(e).forEach((k, v) -> sets.add(Updates.set(k, v)));
    return Mongo.call("experiment update",
        () -> experiments.updateOne(eq("_id", e.experimentId()), Updates.combine(sets)).getMatchedCount() == 1);
  }

  @Override
  public void putResults(List<ExperimentResult> batch) {
    if (batch.isEmpty()) {
      return;
    }
    // one result per item: the last of a batch wins, as the bulk would apply them in any order
    Map<List<String>, ExperimentResult> last = new LinkedHashMap<>();
    for (ExperimentResult r : batch) {
      last.put(List.of(r.experimentId(), r.itemId()), r);
    }
    List<ReplaceOneModel<Document>> ops = new ArrayList<>(last.size());
    for (ExperimentResult r : last.values()) {
      ops.add(new ReplaceOneModel<>(and(eq("experiment_id", r.experimentId()), eq("item_id", r.itemId())), result(r),
          new ReplaceOptions().upsert(true)));
    }
    Mongo.run("experiment result write", () -> Mongo.bulkUpsert(results, ops));
  }

  @Override
  public List<ExperimentResult> results(String experimentId, String afterItemId, int limit) {
    if (Mongo.nothingWanted(limit)) {
      return List.of();
    }
    Bson filter = afterItemId == null ? eq("experiment_id", experimentId)
        : and(eq("experiment_id", experimentId), gt("item_id", afterItemId));
    return Mongo.list("experiment result page", results.find(filter).sort(Sorts.ascending("item_id")).limit(limit),
        MongoExperimentStore::result);
  }

  /** Results first: a delete that stops half way leaves the experiment to delete again. */
  @Override
  public boolean delete(String experimentId) {
    return Mongo.call("experiment delete", () -> {
      results.deleteMany(eq("experiment_id", experimentId));
      return experiments.deleteOne(eq("_id", experimentId)).getDeletedCount() == 1;
    });
  }

  // ---------------------------------------------------------------- documents

  private static Experiment experiment(Document d) {
    return new Experiment(d.getString("_id"), d.getString("owner_id"), d.getString("project_id"),
        d.getString("dataset_id"), Mongo.longOf(d, "dataset_version"), d.getString("name"), d.getString("definition"),
        Experiment.Status.valueOf(d.getString("status")), Mongo.longOf(d, "total"), Mongo.longOf(d, "done"),
        Mongo.longOf(d, "failed"), Mongo.doubleOrNull(d, "cost"), Mongo.instant(Mongo.longOf(d, "created_ns")),
        Mongo.instantOrNull(d, "started_ns"), Mongo.instantOrNull(d, "finished_ns"), d.getString("error"));
  }

  private static Document result(ExperimentResult r) {
    List<Document> scores = new ArrayList<>(r.scores().size());
    for (EvalScore s : r.scores()) {
      EvalScore.Usage u = s.usage();
      scores.add(new Document("metric", s.metric()).append("value", s.value()).append("label", s.label())
          .append("explanation", s.explanation())
          .append("usage", u == null ? null : new Document("model", u.model()).append("input_tokens", u.inputTokens())
              .append("output_tokens", u.outputTokens()).append("cost", u.cost()))
          .append("details", AttributeCodec.encode(s.details())));
    }
    return new Document("experiment_id", r.experimentId()).append("item_id", r.itemId()).append("output", r.output())
        .append("latency_ns", r.latencyNanos()).append("input_tokens", r.inputTokens())
        .append("output_tokens", r.outputTokens()).append("cost", r.cost()).append("trace_id", r.traceId())
        .append("scores", scores).append("error", r.error());
  }

  private static ExperimentResult result(Document d) {
    List<EvalScore> scores = new ArrayList<>();
    for (Object o : (List<?>) d.get("scores")) {
      Document s = (Document) o;
      Document u = (Document) s.get("usage");
      scores.add(new EvalScore(s.getString("metric"), Mongo.doubleOrNull(s, "value"), s.getString("label"),
          s.getString("explanation"), u == null ? null : new EvalScore.Usage(u.getString("model"),
              Mongo.longOrNull(u, "input_tokens"), Mongo.longOrNull(u, "output_tokens"), Mongo.doubleOrNull(u, "cost")),
          AttributeCodec.decode(s.get("details"))));
    }
    return new ExperimentResult(d.getString("experiment_id"), d.getString("item_id"), d.getString("output"),
        Mongo.longOrNull(d, "latency_ns"), Mongo.longOrNull(d, "input_tokens"), Mongo.longOrNull(d, "output_tokens"),
        Mongo.doubleOrNull(d, "cost"), d.getString("trace_id"), scores, d.getString("error"));
  }
}
