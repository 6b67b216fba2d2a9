package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.guardops.api.eval.Evaluation;
import io.guardops.api.eval.EvaluationEntry;
import io.guardops.api.eval.OnlineRule;
import io.guardops.api.store.EvaluationStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@code Evaluations} ({@code {_id: evaluation id, project_id, owner_id, title, description, date_ns,
 * created_ns}}), their {@code EvaluationEntries} ({@code {_id: eval id, evaluation_id, project_id,
 * name, framework, eval_data_json: the exact text, eval_data: a readable copy when faithful
 * ({@link EvalData}), date_ns, created_ns}}) and {@code OnlineRules} ({@code {_id: rule id, project_id,
 * evaluator, parameters: [{k, v}], sample_rate, enabled, created_by, created_ns}}).
 */
final class MongoEvaluationStore implements EvaluationStore {
  private static final Bson ORDER = Sorts.ascending("created_ns", "_id");

  private final MongoCollection<Document> evaluations;
  private final MongoCollection<Document> entries;
  private final MongoCollection<Document> rules;

  MongoEvaluationStore(MongoCollection<Document> evaluations, MongoCollection<Document> entries,
      MongoCollection<Document> rules) {
    this.evaluations = evaluations;
    this.entries = entries;
    this.rules = rules;
  }

  // ---------------------------------------------------------------- evaluations

  @Override
  public boolean createEvaluation(Evaluation e) {
    Document d = new Document("_id", e.evaluationId()).append("project_id", e.projectId())
        .append("owner_id", e.ownerId()).append("title", e.title()).append("description", e.description())
        .append("date_ns", Mongo.nanos(e.date())).append("created_ns", Mongo.nanos(e.createdAt()));
    return Mongo.call("evaluation create", () -> Mongo.unlessDuplicate(() -> evaluations.insertOne(d)));
  }

  @Override
  public Optional<Evaluation> findEvaluation(String evaluationId) {
    return Mongo.call("evaluation lookup", () -> Optional.ofNullable(evaluations.find(eq("_id", evaluationId)).first())
        .map(MongoEvaluationStore::evaluation));
  }

  @Override
  public List<Evaluation> listEvaluations(String projectId) {
    return Mongo.list("evaluation list", evaluations.find(eq("project_id", projectId)).sort(ORDER),
        MongoEvaluationStore::evaluation);
  }

  @Override
  public boolean updateEvaluation(Evaluation e) {
    return Mongo.call("evaluation update", () -> evaluations.updateOne(eq("_id", e.evaluationId()),
        Updates.combine(Updates.set("title", e.title()), Updates.set("description", e.description()),
            Updates.set("date_ns", Mongo.nanos(e.date())))).getMatchedCount() == 1);
  }

  /** Entries first: a delete that stops half way leaves the evaluation to delete again. */
  @Override
  public boolean deleteEvaluation(String evaluationId) {
    return Mongo.call("evaluation delete", () -> {
      entries.deleteMany(eq("evaluation_id", evaluationId));
      return evaluations.deleteOne(eq("_id", evaluationId)).getDeletedCount() == 1;
    });
  }

  // ---------------------------------------------------------------- entries

  @Override
  public void putEntry(EvaluationEntry e) {
    Document d = new Document("_id", e.evalId()).append("evaluation_id", e.evaluationId())
        .append("project_id", e.projectId()).append("name", e.name()).append("framework", e.framework())
        .append("eval_data_json", e.evalData());
    Document copy = EvalData.readableCopy(e.evalData());
    if (copy != null) {
      d.append("eval_data", copy);
    }
    d.append("date_ns", Mongo.nanos(e.date())).append("created_ns", Mongo.nanos(e.createdAt()));
    Mongo.run("evaluation entry write",
        () -> entries.replaceOne(eq("_id", e.evalId()), d, new ReplaceOptions().upsert(true)));
  }

  @Override
  public List<EvaluationEntry> entries(String evaluationId) {
    return entryList("evaluation entries", eq("evaluation_id", evaluationId), ORDER, 0);
  }

  @Override
  public List<EvaluationEntry> projectEntries(String projectId, int limit) {
    if (Mongo.nothingWanted(limit)) {
      return List.of();
    }
    return entryList("evaluation entries", eq("project_id", projectId), Sorts.descending("created_ns", "_id"), limit);
  }

  /** Entries in {@code sort} order; {@code limitOrAll} 0 means all (MongoDB's meaning of a 0 limit). */
  private List<EvaluationEntry> entryList(String what, Bson filter, Bson sort, int limitOrAll) {
    // the copy is for people and queries; the text is the entry
    return Mongo.list(what, entries.find(filter).sort(sort).limit(limitOrAll).projection(new Document("eval_data", 0)),
        d -> new EvaluationEntry(d.getString("_id"), d.getString("evaluation_id"), d.getString("project_id"),
            d.getString("name"), d.getString("framework"), d.getString("eval_data_json"),
            Mongo.instant(Mongo.longOf(d, "date_ns")), Mongo.instant(Mongo.longOf(d, "created_ns"))));
  }

  // ---------------------------------------------------------------- online rules

  @Override
  public void putRule(OnlineRule r) {
    Document d = new Document("_id", r.ruleId()).append("project_id", r.projectId()).append("evaluator", r.evaluator())
        .append("parameters", AttributeCodec.encode(r.parameters())).append("sample_rate", r.sampleRate())
        .append("enabled", r.enabled()).append("created_by", r.createdBy())
        .append("created_ns", Mongo.nanos(r.createdAt()));
    Mongo.run("online rule write", () -> rules.replaceOne(eq("_id", r.ruleId()), d, new ReplaceOptions().upsert(true)));
  }

  @Override
  public List<OnlineRule> rules(String projectId) {
    return ruleList(eq("project_id", projectId));
  }

  /** Served by the partial index {@code online_rules_enabled}, which holds the enabled rules only. */
  @Override
  public List<OnlineRule> enabledRules() {
    return ruleList(eq("enabled", true));
  }

  private List<OnlineRule> ruleList(Bson filter) {
    return Mongo.list("online rule list", rules.find(filter).sort(ORDER), MongoEvaluationStore::rule);
  }

  @Override
  public boolean deleteRule(String projectId, String ruleId) {
    return Mongo.call("online rule delete",
        () -> rules.deleteOne(and(eq("_id", ruleId), eq("project_id", projectId))).getDeletedCount() == 1);
  }

  // ---------------------------------------------------------------- documents

  private static Evaluation evaluation(Document d) {
    return new Evaluation(d.getString("_id"), d.getString("project_id"), d.getString("owner_id"), d.getString("title"),
        d.getString("description"), Mongo.instant(Mongo.longOf(d, "date_ns")),
        Mongo.instant(Mongo.longOf(d, "created_ns")));
  }

  private static OnlineRule rule(Document d) {
    Map<String, String> parameters = new LinkedHashMap<>();
    AttributeCodec.decode(d.get("parameters")).forEach((k, v) -> parameters.put(k, String.valueOf(v)));
    return new OnlineRule(d.getString("_id"), d.getString("project_id"), d.getString("evaluator"), parameters,
        ((Number) d.get("sample_rate")).doubleValue(), Boolean.TRUE.equals(d.getBoolean("enabled")),
        d.getString("created_by"), Mongo.instant(Mongo.longOf(d, "created_ns")));
  }
}
