package io.guardops.plugins.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned schema. The version lives in {@code PRAGMA user_version}; each step runs in its
 * own {@code BEGIN IMMEDIATE} transaction together with the version bump, so a crash mid-way
 * leaves the previous version intact and two processes opening one file never both apply a step.
 * Steps are append-only: a released step is never edited, a change is a new step.
 */
final class Schema {
  private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

  /** v1: the base tables and the indexes every v1 query needs. */
  private static final List<String> V1 = List.of(
      "CREATE TABLE users ("
          + " user_id TEXT PRIMARY KEY,"
          + " created_at INTEGER NOT NULL)",
      "CREATE TABLE projects ("
          + " project_id TEXT PRIMARY KEY,"
          + " owner_id TEXT NOT NULL,"
          + " name TEXT NOT NULL,"
          + " description TEXT NOT NULL,"
          + " tags TEXT NOT NULL,"
          + " retention_days INTEGER NOT NULL,"
          + " latency_warning REAL NOT NULL,"
          + " latency_critical REAL NOT NULL,"
          + " created_at INTEGER NOT NULL)",
      "CREATE INDEX projects_owner ON projects (owner_id, created_at)",
      "CREATE INDEX projects_retention ON projects (retention_days) WHERE retention_days > 0",
      "CREATE TABLE api_keys ("
          + " key_id TEXT PRIMARY KEY,"
          + " owner_id TEXT NOT NULL,"
          + " hash_of_hash TEXT NOT NULL UNIQUE,"
          + " hint TEXT NOT NULL,"
          + " created_at INTEGER NOT NULL,"
          + " last_used_at INTEGER)",
      "CREATE INDEX api_keys_owner ON api_keys (owner_id, created_at)",
      // the primary key doubles as the (project_id, trace_id) index of trace detail and summaries
      "CREATE TABLE spans ("
          + " project_id TEXT NOT NULL,"
          + " trace_id TEXT NOT NULL,"
          + " span_id TEXT NOT NULL,"
          + " parent_span_id TEXT,"
          + " name TEXT NOT NULL,"
          + " kind INTEGER NOT NULL,"
          + " start_ns INTEGER NOT NULL,"
          + " end_ns INTEGER NOT NULL,"
          + " status INTEGER NOT NULL,"
          + " status_message TEXT NOT NULL,"
          + " attributes TEXT NOT NULL,"
          + " events TEXT NOT NULL,"
          + " resource TEXT NOT NULL,"
          + " operation TEXT,"
          + " provider TEXT,"
          + " request_model TEXT,"
          + " response_model TEXT,"
          + " model TEXT,"
          + " input_tokens INTEGER,"
          + " output_tokens INTEGER,"
          + " cached_input_tokens INTEGER,"
          + " reasoning_tokens INTEGER,"
          + " total_tokens INTEGER,"
          + " cost REAL,"
          + " currency TEXT,"
          + " prompt TEXT,"
          + " output TEXT,"
          + " session_id TEXT,"
          + " user_id TEXT,"
          + " usage_is_aggregate INTEGER NOT NULL,"
          + " PRIMARY KEY (project_id, trace_id, span_id))",
      "CREATE TABLE trace_summaries ("
          + " project_id TEXT NOT NULL,"
          + " trace_id TEXT NOT NULL,"
          + " root_span_id TEXT,"
          + " root_name TEXT NOT NULL,"
          + " start_ns INTEGER NOT NULL,"
          + " end_ns INTEGER NOT NULL,"
          + " span_count INTEGER NOT NULL,"
          + " error_count INTEGER NOT NULL,"
          + " input_tokens INTEGER NOT NULL,"
          + " output_tokens INTEGER NOT NULL,"
          + " total_tokens INTEGER NOT NULL,"
          + " cost REAL,"
          + " model TEXT,"
          + " PRIMARY KEY (project_id, trace_id))",
      // trace listing, newest first, with a deterministic tie-break; also the purge's index
      "CREATE INDEX trace_summaries_start ON trace_summaries (project_id, start_ns DESC, trace_id DESC)",
      "CREATE TABLE cleanup_records ("
          + " record_id TEXT PRIMARY KEY,"
          + " executed_at INTEGER NOT NULL,"
          + " project_id TEXT NOT NULL,"
          + " cutoff INTEGER NOT NULL,"
          + " deleted_traces INTEGER NOT NULL,"
          + " deleted_spans INTEGER NOT NULL,"
          + " duration_ns INTEGER NOT NULL)",
      "CREATE INDEX cleanup_records_project ON cleanup_records (project_id, executed_at DESC)",
      "CREATE INDEX cleanup_records_executed ON cleanup_records (executed_at DESC)");

  /**
   * v2: leases (retention sweep coordination), the (project, start) span index behind spanStats,
   * and a (project, model, start) summary index so the model filter does not walk every trace.
   */
  private static final List<String> V2 = List.of(
      "CREATE TABLE leases ("
          + " name TEXT PRIMARY KEY,"
          + " holder TEXT NOT NULL,"
          + " expires_at INTEGER NOT NULL)",
      "CREATE INDEX spans_start ON spans (project_id, start_ns)",
      "CREATE INDEX trace_summaries_model ON trace_summaries (project_id, model, start_ns DESC, trace_id DESC)");

  private static final String SUMMARY_DATA = "project_id, trace_id, root_span_id, root_name, start_ns, end_ns,"
      + " span_count, error_count, input_tokens, output_tokens, total_tokens, cost, model";
  private static final String SPAN_DATA = "project_id, trace_id, span_id, parent_span_id, name, kind, start_ns,"
      + " end_ns, status, status_message, attributes, events, resource, operation, provider, request_model,"
      + " response_model, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, total_tokens,"
      + " cost, currency, prompt, output, session_id, user_id, usage_is_aggregate";

  /**
   * v3: spans are keyed by their trace's integer {@code trace_ref} (assigned in arrival order)
   * instead of the random hex trace id. Trace ids are random, so with them every span insert landed
   * on a random page of the primary-key index (one 4 KB page written per span per commit); with
   * {@code trace_ref} new spans append, and only the summary's (project, trace id) index stays
   * random, once per trace rather than per span. The old tables are copied over in trace start
   * order and dropped.
   */
  private static final List<String> V3 = List.of(
      "DROP INDEX spans_start",
      "DROP INDEX trace_summaries_start",
      "DROP INDEX trace_summaries_model",
      "ALTER TABLE spans RENAME TO spans_v2",
      "ALTER TABLE trace_summaries RENAME TO trace_summaries_v2",
      "CREATE TABLE trace_summaries ("
          + " trace_ref INTEGER PRIMARY KEY,"
          + " project_id TEXT NOT NULL,"
          + " trace_id TEXT NOT NULL,"
          + " root_span_id TEXT,"
          + " root_name TEXT NOT NULL,"
          + " start_ns INTEGER NOT NULL,"
          + " end_ns INTEGER NOT NULL,"
          + " span_count INTEGER NOT NULL,"
          + " error_count INTEGER NOT NULL,"
          + " input_tokens INTEGER NOT NULL,"
          + " output_tokens INTEGER NOT NULL,"
          + " total_tokens INTEGER NOT NULL,"
          + " cost REAL,"
          + " model TEXT)",
      "INSERT INTO trace_summaries (" + SUMMARY_DATA + ") SELECT " + SUMMARY_DATA
          + " FROM trace_summaries_v2 ORDER BY start_ns, trace_id",
      // spans whose trace had no summary cannot exist (both were always written in one transaction);
      // should one, it gets a provisional summary rather than being lost, fixed by its next write
      "INSERT INTO trace_summaries (" + SUMMARY_DATA + ")"
          + " SELECT s.project_id, s.trace_id, NULL, min(s.name), min(s.start_ns), max(s.end_ns), count(*),"
          + " sum(s.status = 2), 0, 0, 0, NULL, NULL FROM spans_v2 s WHERE NOT EXISTS (SELECT 1 FROM"
          + " trace_summaries_v2 t WHERE t.project_id = s.project_id AND t.trace_id = s.trace_id)"
          + " GROUP BY s.project_id, s.trace_id",
      "CREATE UNIQUE INDEX trace_summaries_id ON trace_summaries (project_id, trace_id)",
      "CREATE TABLE spans ("
          + " trace_ref INTEGER NOT NULL,"
          + " project_id TEXT NOT NULL,"
          + " trace_id TEXT NOT NULL,"
          + " span_id TEXT NOT NULL,"
          + " parent_span_id TEXT,"
          + " name TEXT NOT NULL,"
          + " kind INTEGER NOT NULL,"
          + " start_ns INTEGER NOT NULL,"
          + " end_ns INTEGER NOT NULL,"
          + " status INTEGER NOT NULL,"
          + " status_message TEXT NOT NULL,"
          + " attributes TEXT NOT NULL,"
          + " events TEXT NOT NULL,"
          + " resource TEXT NOT NULL,"
          + " operation TEXT,"
          + " provider TEXT,"
          + " request_model TEXT,"
          + " response_model TEXT,"
          + " model TEXT,"
          + " input_tokens INTEGER,"
          + " output_tokens INTEGER,"
          + " cached_input_tokens INTEGER,"
          + " reasoning_tokens INTEGER,"
          + " total_tokens INTEGER,"
          + " cost REAL,"
          + " currency TEXT,"
          + " prompt TEXT,"
          + " output TEXT,"
          + " session_id TEXT,"
          + " user_id TEXT,"
          + " usage_is_aggregate INTEGER NOT NULL,"
          + " PRIMARY KEY (trace_ref, span_id))",
      "INSERT INTO spans (trace_ref, " + SPAN_DATA + ") SELECT t.trace_ref, s." + SPAN_DATA.replace(", ", ", s.")
          + " FROM spans_v2 s JOIN trace_summaries t ON t.project_id = s.project_id AND t.trace_id = s.trace_id"
          + " ORDER BY t.trace_ref, s.span_id",
      "DROP TABLE spans_v2",
      "DROP TABLE trace_summaries_v2",
      "CREATE INDEX spans_start ON spans (project_id, start_ns)",
      // trace listing, newest first, with a deterministic tie-break; also the purge's index
      "CREATE INDEX trace_summaries_start ON trace_summaries (project_id, start_ns DESC, trace_id DESC)",
      "CREATE INDEX trace_summaries_model ON trace_summaries (project_id, model, start_ns DESC, trace_id DESC)");

  /**
   * v4 (core v2 API): share codes, grants, deployment metadata, metric rollups, and list indexes that
   * end in the id, so every list ordered by (creation time, id) is read in index order without a
   * sort. Rollups hold per (project, minute, model) the counts, tokens, cost and a {@code
   * LatencySketch} of the model calls that started in that minute; they are built here for the
   * spans already stored ({@link MetricRollups#rebuild}) and maintained by every write and purge.
   */
  private static final List<String> V4 = List.of(
      "CREATE TABLE share_codes ("
          + " code_id TEXT PRIMARY KEY,"
          + " code_hash TEXT NOT NULL UNIQUE,"
          + " hint TEXT NOT NULL,"
          + " kind TEXT NOT NULL,"
          + " resource_id TEXT NOT NULL,"
          + " created_by TEXT NOT NULL,"
          + " created_at INTEGER NOT NULL,"
          + " expires_at INTEGER NOT NULL,"
          + " used_by TEXT,"
          + " used_at INTEGER,"
          + " revoked_at INTEGER)",
      "CREATE INDEX share_codes_resource ON share_codes (kind, resource_id, created_at, code_id)",
      "CREATE TABLE grants ("
          + " kind TEXT NOT NULL,"
          + " resource_id TEXT NOT NULL,"
          + " user_id TEXT NOT NULL,"
          + " granted_by TEXT NOT NULL,"
          + " code_id TEXT NOT NULL,"
          + " created_at INTEGER NOT NULL,"
          + " UNIQUE (kind, resource_id, user_id))",
      "CREATE INDEX grants_resource ON grants (kind, resource_id, created_at, user_id)",
      "CREATE INDEX grants_user ON grants (user_id, kind, created_at, resource_id)",
      "CREATE TABLE meta ("
          + " key TEXT PRIMARY KEY,"
          + " value TEXT NOT NULL)",
      // clustered by (project, minute): a day of one project is one contiguous range of rows
      "CREATE TABLE metric_rollups ("
          + " project_id TEXT NOT NULL,"
          + " minute INTEGER NOT NULL,"
          + " model TEXT NOT NULL,"
          + " requests INTEGER NOT NULL,"
          + " errors INTEGER NOT NULL,"
          + " input_tokens INTEGER NOT NULL,"
          + " output_tokens INTEGER NOT NULL,"
          + " cost REAL NOT NULL,"
          + " cost_count INTEGER NOT NULL,"
          + " latency BLOB NOT NULL,"
          + " PRIMARY KEY (project_id, minute, model)) WITHOUT ROWID",
      "CREATE INDEX users_created ON users (created_at, user_id)",
      "DROP INDEX projects_owner",
      "CREATE INDEX projects_owner_created ON projects (owner_id, created_at, project_id)",
      "DROP INDEX projects_retention",
      "CREATE INDEX projects_retention_created ON projects (created_at, project_id) WHERE retention_days > 0",
      "DROP INDEX api_keys_owner",
      "CREATE INDEX api_keys_owner_created ON api_keys (owner_id, created_at, key_id)",
      "DROP INDEX cleanup_records_project",
      "CREATE INDEX cleanup_records_project_recent ON cleanup_records (project_id, executed_at DESC, record_id DESC)",
      "DROP INDEX cleanup_records_executed",
      "CREATE INDEX cleanup_records_recent ON cleanup_records (executed_at DESC, record_id DESC)");

  /**
   * v5: the optional parts (datasets, evaluations, experiments, scores), none of them on the span
   * write path, and an index that lets a lease acquisition clear expired leases.
   *
   * <p>Dataset items are rows valid over a range of versions: {@code from_version} (the version that
   * added or changed the item) up to {@code to_version} exclusive ({@link SqliteDatasetStore#OPEN}
   * while the row is current). Staging ends the current row at the staged version and adds the new
   * one from it, so readers of published versions never see staged rows; discarding deletes the
   * rows from the staged version and reopens those ended at it. {@code dataset_items_key} serves
   * item lookups and pages by id; {@code dataset_items_from} and {@code dataset_items_to} find what
   * a version added and ended (discard, and the item count at publish), covering, without reading
   * the rows.
   */
  private static final List<String> V5 = List.of(
      "CREATE TABLE datasets ("
          + " dataset_id TEXT PRIMARY KEY,"
          + " owner_id TEXT NOT NULL,"
          + " name TEXT NOT NULL,"
          + " description TEXT NOT NULL,"
          + " version INTEGER NOT NULL,"
          + " item_count INTEGER NOT NULL,"
          + " created_at INTEGER NOT NULL,"
          + " updated_at INTEGER NOT NULL)",
      "CREATE INDEX datasets_owner_created ON datasets (owner_id, created_at, dataset_id)",
      "CREATE TABLE dataset_versions ("
          + " dataset_id TEXT NOT NULL,"
          + " version INTEGER NOT NULL,"
          + " published_at INTEGER NOT NULL,"
          + " item_count INTEGER NOT NULL,"
          + " note TEXT NOT NULL,"
          + " PRIMARY KEY (dataset_id, version)) WITHOUT ROWID",
      // a rowid table: items carry texts up to 1 MB, too large for the rows of a WITHOUT ROWID b-tree
      "CREATE TABLE dataset_items ("
          + " dataset_id TEXT NOT NULL,"
          + " item_id TEXT NOT NULL,"
          + " from_version INTEGER NOT NULL,"
          + " to_version INTEGER NOT NULL,"
          + " input TEXT NOT NULL,"
          + " output TEXT,"
          + " expected TEXT,"
          + " context TEXT NOT NULL,"
          + " metadata TEXT NOT NULL,"
          + " source_trace_id TEXT,"
          + " source_span_id TEXT)",
      "CREATE UNIQUE INDEX dataset_items_key ON dataset_items (dataset_id, item_id, from_version)",
      "CREATE INDEX dataset_items_from ON dataset_items (dataset_id, from_version, to_version)",
      "CREATE INDEX dataset_items_to ON dataset_items (dataset_id, to_version)",
      "CREATE TABLE evaluations ("
          + " evaluation_id TEXT PRIMARY KEY,"
          + " project_id TEXT NOT NULL,"
          + " owner_id TEXT NOT NULL,"
          + " title TEXT NOT NULL,"
          + " description TEXT NOT NULL,"
          + " date INTEGER NOT NULL,"
          + " created_at INTEGER NOT NULL)",
      "CREATE INDEX evaluations_project_created ON evaluations (project_id, created_at, evaluation_id)",
      // eval_data is the framework's JSON exactly as sent: stored as text, never parsed
      "CREATE TABLE evaluation_entries ("
          + " eval_id TEXT PRIMARY KEY,"
          + " evaluation_id TEXT NOT NULL,"
          + " project_id TEXT NOT NULL,"
          + " name TEXT NOT NULL,"
          + " framework TEXT NOT NULL,"
          + " eval_data TEXT NOT NULL,"
          + " date INTEGER NOT NULL,"
          + " created_at INTEGER NOT NULL)",
      "CREATE INDEX evaluation_entries_evaluation ON evaluation_entries (evaluation_id, created_at, eval_id)",
      "CREATE INDEX evaluation_entries_project_recent ON evaluation_entries"
          + " (project_id, created_at DESC, eval_id DESC)",
      "CREATE TABLE online_rules ("
          + " rule_id TEXT PRIMARY KEY,"
          + " project_id TEXT NOT NULL,"
          + " evaluator TEXT NOT NULL,"
          + " parameters TEXT NOT NULL,"
          + " sample_rate REAL NOT NULL,"
          + " enabled INTEGER NOT NULL,"
          + " created_by TEXT NOT NULL,"
          + " created_at INTEGER NOT NULL)",
      "CREATE INDEX online_rules_project ON online_rules (project_id, created_at, rule_id)",
      // read by every instance every 30 s: only the enabled rules are in it
      "CREATE INDEX online_rules_enabled ON online_rules (created_at, rule_id) WHERE enabled = 1",
      "CREATE TABLE experiments ("
          + " experiment_id TEXT PRIMARY KEY,"
          + " owner_id TEXT NOT NULL,"
          + " project_id TEXT NOT NULL,"
          + " dataset_id TEXT NOT NULL,"
          + " dataset_version INTEGER NOT NULL,"
          + " name TEXT NOT NULL,"
          + " definition TEXT NOT NULL,"
          + " status TEXT NOT NULL,"
          + " total INTEGER NOT NULL,"
          + " done INTEGER NOT NULL,"
          + " failed INTEGER NOT NULL,"
          + " cost REAL,"
          + " created_at INTEGER NOT NULL,"
          + " started_at INTEGER,"
          + " finished_at INTEGER,"
          + " error TEXT)",
      "CREATE INDEX experiments_dataset_recent ON experiments (dataset_id, created_at DESC, experiment_id DESC)",
      "CREATE TABLE experiment_results ("
          + " experiment_id TEXT NOT NULL,"
          + " item_id TEXT NOT NULL,"
          + " output TEXT NOT NULL,"
          + " latency_ns INTEGER,"
          + " input_tokens INTEGER,"
          + " output_tokens INTEGER,"
          + " cost REAL,"
          + " trace_id TEXT,"
          + " scores TEXT NOT NULL,"
          + " error TEXT,"
          + " PRIMARY KEY (experiment_id, item_id))",
      "CREATE TABLE trace_scores ("
          + " score_id TEXT PRIMARY KEY,"
          + " project_id TEXT NOT NULL,"
          + " trace_id TEXT NOT NULL,"
          + " trace_start_ns INTEGER NOT NULL,"
          + " span_id TEXT,"
          + " name TEXT NOT NULL,"
          + " value REAL,"
          + " label TEXT,"
          + " comment TEXT NOT NULL,"
          + " source TEXT NOT NULL,"
          + " author TEXT NOT NULL,"
          + " created_at INTEGER NOT NULL)",
      "CREATE INDEX trace_scores_trace ON trace_scores (project_id, trace_id, created_at, score_id)",
      // covering for aggregate (by trace start, then name and value); also the purge's range
      "CREATE INDEX trace_scores_start ON trace_scores (project_id, trace_start_ns, name, value)",
      "CREATE INDEX leases_expires ON leases (expires_at)");

  /** One migration step, run inside the step's transaction. */
  @FunctionalInterface
  private interface Step {
    void apply(Connection c) throws SQLException;
  }

  /**
   * v6: small feature documents ({@link SqliteRecordStore}): playgrounds, registered models, prompt
   * templates, arena ratings. The primary key serves lookups by id; {@code records_owner} an owner's
   * listing by id; {@code records_key} lookups by key (a template's name).
   */
  private static final List<String> V6 = List.of(
      "CREATE TABLE records ("
          + " kind TEXT NOT NULL,"
          + " record_id TEXT NOT NULL,"
          + " owner_id TEXT NOT NULL,"
          + " record_key TEXT,"
          + " version INTEGER NOT NULL,"
          + " json TEXT NOT NULL,"
          + " created_at INTEGER NOT NULL,"
          + " updated_at INTEGER NOT NULL,"
          + " PRIMARY KEY (kind, record_id))",
      "CREATE INDEX records_owner ON records (kind, owner_id, record_id)",
      "CREATE INDEX records_key ON records (kind, owner_id, record_key, record_id) WHERE record_key IS NOT NULL");

  private static Step sql(List<String> statements) {
    return c -> {
      try (Statement st = c.createStatement()) {
        for (String sql : statements) {
          st.execute(sql);
        }
      }
    };
  }

  private static final List<Step> STEPS = List.of(sql(V1), sql(V2), sql(V3), c -> {
    sql(V4).apply(c);
    MetricRollups.rebuild(c);
  }, sql(V5), sql(V6));

  /** The version this code writes. */
  static final int LATEST = STEPS.size();

  private Schema() {}

  /** The database's schema version. */
  static int version(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /**
   * Brings the database (auto-commit connection) up to {@code target}.
   *
   * @return the version before migrating
   * @throws SQLException if a step fails, or if the file was written by a newer schema
   */
  static int migrate(Connection c, int target) throws SQLException {
    int before = version(c);
    if (before > LATEST) {
      throw new SQLException("the database has schema version " + before + " but this GuardOps knows only up to "
          + LATEST + "; it was written by a newer GuardOps: upgrade, or point guardops.store.sqlite.path elsewhere");
    }
    for (int v = before + 1; v <= target; v++) {
      try (Statement st = c.createStatement()) {
        st.execute("BEGIN IMMEDIATE");
        try {
          // another process may have migrated while we waited for the write lock
          if (version(c) >= v) {
            st.execute("COMMIT");
            continue;
          }
          STEPS.get(v - 1).apply(c);
          st.execute("PRAGMA user_version = " + v);
          st.execute("COMMIT");
          LOG.info("SQLite schema migrated to version {}", v);
        } catch (SQLException e) {
          try {
            st.execute("ROLLBACK");
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw e;
        }
      }
    }
    return before;
  }
}
