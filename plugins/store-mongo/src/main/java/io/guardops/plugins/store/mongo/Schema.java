package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Collection names, the indexes every query relies on, and the marker that tells this store's
 * databases from others. Preparing is idempotent, so every instance does it at start: creating an
 * index that exists with the same definition is a no-op in MongoDB.
 */
final class Schema {
  /** Layout version in the {@code Schema} marker; a newer one is refused. */
  static final int VERSION = 1;

  // the original backend's names where it had the collection, the same style elsewhere
  static final String USERS = "Users";
  static final String PROJECTS = "Projects";
  static final String GRANTS = "Grants";
  static final String SHARE_CODES = "ShareCodes";
  static final String API_KEYS = "ApiKeys";
  static final String SPANS = "Spans";
  static final String TRACES = "Traces";
  static final String CLEANUP = "Cleanup";
  static final String LEASES = "Leases";
  static final String META = "Meta";
  static final String DATASETS = "Datasets";
  static final String DATASET_ITEMS = "DatasetItems";
  static final String DATASET_VERSIONS = "DatasetVersions";
  static final String EVALUATIONS = "Evaluations";
  static final String EVALUATION_ENTRIES = "EvaluationEntries";
  static final String ONLINE_RULES = "OnlineRules";
  static final String EXPERIMENTS = "Experiments";
  static final String EXPERIMENT_RESULTS = "ExperimentResults";
  static final String TRACE_SCORES = "TraceScores";
  static final String RECORDS = "Records";
  static final String SCHEMA = "Schema";

  private static final String MARKER_ID = "guardops";

  private Schema() {}

  /** Every index, per collection (the README's query -> index table lists what uses each). */
  static Map<String, List<IndexModel>> indexes() {
    Map<String, List<IndexModel>> m = new LinkedHashMap<>();
    m.put(USERS, List.of(index("users_created", Indexes.ascending("created_ns", "_id"))));
    m.put(PROJECTS, List.of(
        index("projects_owner", Indexes.ascending("owner_id", "created_ns", "_id")),
        new IndexModel(Indexes.ascending("created_ns", "_id"), new IndexOptions().name("projects_retention")
            .partialFilterExpression(gt("retention", 0)))));
    m.put(GRANTS, List.of(
        new IndexModel(Indexes.ascending("kind", "resource_id", "user_id"), new IndexOptions().name("grants_key").unique(true)),
        index("grants_user", Indexes.ascending("user_id", "kind", "created_ns", "resource_id"))));
    m.put(SHARE_CODES, List.of(
        new IndexModel(Indexes.ascending("code_hash"), new IndexOptions().name("share_codes_hash").unique(true)),
        index("share_codes_resource", Indexes.ascending("kind", "resource_id", "created_ns", "_id"))));
    m.put(API_KEYS, List.of(
        new IndexModel(Indexes.ascending("hash_of_hash"), new IndexOptions().name("api_keys_hash").unique(true)),
        index("api_keys_owner", Indexes.ascending("owner_id", "created_ns", "_id"))));
    m.put(SPANS, List.of(
        // idempotent upserts, a trace's spans and facts, purges; prefixed by the shard key (README)
        new IndexModel(Indexes.ascending("project_id", "context.trace_id", "context.span_id"),
            new IndexOptions().name("spans_key").unique(true)),
        // metrics: only model calls are indexed, so ingest of other spans pays nothing for it
        new IndexModel(Indexes.ascending("project_id", "start_ns"), new IndexOptions().name("spans_calls")
            .partialFilterExpression(eq("call", true)))));
    m.put(TRACES, List.of(
        new IndexModel(Indexes.ascending("project_id", "trace_id"), new IndexOptions().name("traces_key").unique(true)),
        index("traces_start", Indexes.compoundIndex(Indexes.ascending("project_id"),
            Indexes.descending("start_ns", "trace_id"))),
        index("traces_model", Indexes.compoundIndex(Indexes.ascending("project_id", "model"),
            Indexes.descending("start_ns", "trace_id")))));
    m.put(CLEANUP, List.of(
        index("cleanup_project", Indexes.compoundIndex(Indexes.ascending("project_id"),
            Indexes.descending("executed_ns", "_id"))),
        index("cleanup_executed", Indexes.descending("executed_ns", "_id"))));
    m.put(DATASETS, List.of(index("datasets_owner", Indexes.ascending("owner_id", "created_ns", "_id"))));
    m.put(DATASET_ITEMS, List.of(
        // one row per (dataset, item, first version): idempotent staging, an item in a version, pages by id
        new IndexModel(Indexes.ascending("dataset_id", "item_id", "from"),
            new IndexOptions().name("dataset_items_key").unique(true)),
        // the rows a version added (discard, publish's count)
        index("dataset_items_from", Indexes.ascending("dataset_id", "from")),
        // the rows a version ended (discard, publish's count), and the rows of a version (count, covered)
        index("dataset_items_to", Indexes.ascending("dataset_id", "to", "from"))));
    m.put(DATASET_VERSIONS, List.of(new IndexModel(Indexes.ascending("dataset_id", "version"),
        new IndexOptions().name("dataset_versions_key").unique(true))));
    m.put(EVALUATIONS, List.of(index("evaluations_project", Indexes.ascending("project_id", "created_ns", "_id"))));
    m.put(EVALUATION_ENTRIES, List.of(
        index("evaluation_entries_evaluation", Indexes.ascending("evaluation_id", "created_ns", "_id")),
        index("evaluation_entries_project", Indexes.compoundIndex(Indexes.ascending("project_id"),
            Indexes.descending("created_ns", "_id")))));
    m.put(ONLINE_RULES, List.of(
        index("online_rules_project", Indexes.ascending("project_id", "created_ns", "_id")),
        // every instance reads the enabled rules every 30 s: only they are in this index
        new IndexModel(Indexes.ascending("created_ns", "_id"), new IndexOptions().name("online_rules_enabled")
            .partialFilterExpression(eq("enabled", true)))));
    m.put(EXPERIMENTS, List.of(index("experiments_dataset", Indexes.compoundIndex(Indexes.ascending("dataset_id"),
        Indexes.descending("created_ns", "_id")))));
    m.put(EXPERIMENT_RESULTS, List.of(new IndexModel(Indexes.ascending("experiment_id", "item_id"),
        new IndexOptions().name("experiment_results_key").unique(true))));
    m.put(TRACE_SCORES, List.of(
        index("trace_scores_trace", Indexes.ascending("project_id", "trace_id", "created_ns", "_id")),
        // aggregation and purges by trace start
        index("trace_scores_start", Indexes.ascending("project_id", "trace_start_ns"))));
    m.put(RECORDS, List.of(
        index("records_owner", Indexes.ascending("kind", "owner_id", "rid")),
        index("records_key", Indexes.ascending("kind", "owner_id", "key", "rid"))));
    return m;
  }

  private static IndexModel index(String name, org.bson.conversions.Bson keys) {
    return new IndexModel(keys, new IndexOptions().name(name));
  }

  /**
   * Checks that {@code db} is empty or this store's, marks it, and creates the indexes.
   *
   * @throws IllegalStateException with what to do, for a database this store must not write to
   */
  static void prepare(MongoDatabase db, String where) {
    Document marker = db.getCollection(SCHEMA).find(eq("_id", MARKER_ID)).first();
    if (marker == null) {
      List<String> foreign = new ArrayList<>();
      for (String name : List.of(USERS, TRACES, SPANS, CLEANUP)) {
        if (db.getCollection(name).find().limit(1).first() != null) {
          foreign.add(name);
        }
      }
      if (!foreign.isEmpty()) {
        throw new IllegalStateException("the database " + where + " already holds " + String.join(", ", foreign)
            + " documents that this store did not write (an original GuardOps database?). Point"
            + " guardops.store.mongo.database at a new database and copy the old data with 'guardops import-mongo'.");
      }
      db.getCollection(SCHEMA).updateOne(eq("_id", MARKER_ID), Updates.setOnInsert("version", VERSION),
          new UpdateOptions().upsert(true));
    } else {
      int version = marker.get("version") instanceof Number n ? n.intValue() : -1;
      if (version > VERSION || version < 1) {
        throw new IllegalStateException("the database " + where + " has GuardOps store schema v" + version
            + ", which this version (v" + VERSION + ") cannot use: run the GuardOps version that wrote it, or upgrade");
      }
    }
    for (Map.Entry<String, List<IndexModel>> e : indexes().entrySet()) {
      try {
        db.getCollection(e.getKey()).createIndexes(e.getValue());
      } catch (MongoCommandException ex) {
        if (ex.getErrorCode() == 85 || ex.getErrorCode() == 86) {
          throw new IllegalStateException("an index on " + where + "." + e.getKey() + " has the name or keys of one"
              + " GuardOps needs but another definition (" + ex.getErrorMessage() + "): drop that index and restart,"
              + " GuardOps recreates it", ex);
        }
        throw ex;
      }
    }
  }
}
