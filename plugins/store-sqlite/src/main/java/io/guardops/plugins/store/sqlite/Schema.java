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

  private static final List<List<String>> STEPS = List.of(V1, V2);

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
          for (String sql : STEPS.get(v - 1)) {
            st.execute(sql);
          }
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
