package io.guardops.plugins.store.sqlite;

import io.guardops.api.Json;
import io.guardops.api.eval.Evaluation;
import io.guardops.api.eval.EvaluationEntry;
import io.guardops.api.eval.OnlineRule;
import io.guardops.api.store.EvaluationStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Evaluations of the wire contract with their entries, and online evaluation rules. An entry's
 * {@code eval_data} is kept as the text it arrived as (never parsed and rendered again), so it comes
 * back byte for byte. Every list is read in the order of an index ending in the id; the enabled
 * rules, which every instance reloads every 30 seconds, have a partial index of their own.
 */
final class SqliteEvaluationStore implements EvaluationStore {
  private static final String COLUMNS = "evaluation_id, project_id, owner_id, title, description, date, created_at";
  private static final String ENTRY_COLUMNS = "eval_id, evaluation_id, project_id, name, framework, eval_data, date,"
      + " created_at";
  private static final String RULE_COLUMNS = "rule_id, project_id, evaluator, parameters, sample_rate, enabled,"
      + " created_by, created_at";
  static final String LIST = "SELECT " + COLUMNS + " FROM evaluations WHERE project_id = ?"
      + " ORDER BY created_at, evaluation_id";
  static final String ENTRIES = "SELECT " + ENTRY_COLUMNS + " FROM evaluation_entries WHERE evaluation_id = ?"
      + " ORDER BY created_at, eval_id";
  static final String PROJECT_ENTRIES = "SELECT " + ENTRY_COLUMNS + " FROM evaluation_entries WHERE project_id = ?"
      + " ORDER BY created_at DESC, eval_id DESC LIMIT ?";
  static final String RULES = "SELECT " + RULE_COLUMNS + " FROM online_rules WHERE project_id = ?"
      + " ORDER BY created_at, rule_id";
  static final String ENABLED_RULES = "SELECT " + RULE_COLUMNS + " FROM online_rules WHERE enabled = 1"
      + " ORDER BY created_at, rule_id";
  static final String DELETE_ENTRIES = "DELETE FROM evaluation_entries WHERE evaluation_id = ?";
  private static final String PUT_ENTRY = Sql.upsert("evaluation_entries", ENTRY_COLUMNS, "eval_id");
  private static final String PUT_RULE = Sql.upsert("online_rules", RULE_COLUMNS, "rule_id");

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteEvaluationStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public boolean createEvaluation(Evaluation e) {
    Objects.requireNonNull(e, "evaluation");
    return writer.call(c -> Sql.update(c, "INSERT INTO evaluations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (evaluation_id) DO NOTHING", e.evaluationId(), e.projectId(), e.ownerId(), e.title(),
        e.description(), Sql.nanos(e.date()), Sql.nanos(e.createdAt())) == 1);
  }

  @Override
  public Optional<Evaluation> findEvaluation(String evaluationId) {
    Objects.requireNonNull(evaluationId, "evaluationId");
    return reads.read(c -> Sql.first(c, "SELECT " + COLUMNS + " FROM evaluations WHERE evaluation_id = ?",
        SqliteEvaluationStore::readEvaluation, evaluationId));
  }

  @Override
  public List<Evaluation> listEvaluations(String projectId) {
    Objects.requireNonNull(projectId, "projectId");
    return reads.read(c -> Sql.query(c, LIST, SqliteEvaluationStore::readEvaluation, projectId));
  }

  @Override
  public boolean updateEvaluation(Evaluation e) {
    Objects.requireNonNull(e, "evaluation");
    return writer.call(c -> Sql.update(c, "UPDATE evaluations SET title = ?, description = ?, date = ?"
        + " WHERE evaluation_id = ?", e.title(), e.description(), Sql.nanos(e.date()), e.evaluationId()) == 1);
  }

  @Override
  public boolean deleteEvaluation(String evaluationId) {
    Objects.requireNonNull(evaluationId, "evaluationId");
    return writer.call(c -> {
      Sql.update(c, DELETE_ENTRIES, evaluationId);
      return Sql.update(c, "DELETE FROM evaluations WHERE evaluation_id = ?", evaluationId) == 1;
    });
  }

  @Override
  public void putEntry(EvaluationEntry e) {
    Objects.requireNonNull(e, "entry");
    writer.callShared(c -> Sql.update(c, PUT_ENTRY, e.evalId(), e.evaluationId(), e.projectId(), e.name(),
        e.framework(), e.evalData(), Sql.nanos(e.date()), Sql.nanos(e.createdAt())), 1);
  }

  @Override
  public List<EvaluationEntry> entries(String evaluationId) {
    Objects.requireNonNull(evaluationId, "evaluationId");
    return reads.read(c -> Sql.query(c, ENTRIES, SqliteEvaluationStore::readEntry, evaluationId));
  }

  @Override
  public List<EvaluationEntry> projectEntries(String projectId, int limit) {
    Objects.requireNonNull(projectId, "projectId");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    return reads.read(c -> Sql.query(c, PROJECT_ENTRIES, SqliteEvaluationStore::readEntry, projectId, limit));
  }

  @Override
  public void putRule(OnlineRule r) {
    Objects.requireNonNull(r, "rule");
    writer.call(c -> Sql.update(c, PUT_RULE, r.ruleId(), r.projectId(), r.evaluator(), Json.write(r.parameters()),
        r.sampleRate(), r.enabled() ? 1 : 0, r.createdBy(), Sql.nanos(r.createdAt())));
  }

  @Override
  public List<OnlineRule> rules(String projectId) {
    Objects.requireNonNull(projectId, "projectId");
    return reads.read(c -> Sql.query(c, RULES, SqliteEvaluationStore::readRule, projectId));
  }

  @Override
  public List<OnlineRule> enabledRules() {
    return reads.read(c -> Sql.query(c, ENABLED_RULES, SqliteEvaluationStore::readRule));
  }

  @Override
  public boolean deleteRule(String projectId, String ruleId) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(ruleId, "ruleId");
    return writer.call(c -> Sql.update(c, "DELETE FROM online_rules WHERE rule_id = ? AND project_id = ?", ruleId,
        projectId) == 1);
  }

  private static Evaluation readEvaluation(ResultSet rs) throws SQLException {
    return new Evaluation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        Sql.instant(rs.getLong(6)), Sql.instant(rs.getLong(7)));
  }

  private static EvaluationEntry readEntry(ResultSet rs) throws SQLException {
    return new EvaluationEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), Sql.instant(rs.getLong(7)), Sql.instant(rs.getLong(8)));
  }

  private static OnlineRule readRule(ResultSet rs) throws SQLException {
    Map<String, String> parameters = new LinkedHashMap<>();
    Json.readObject(rs.getString(4)).forEach((k, v) -> parameters.put(k, String.valueOf(v)));
    return new OnlineRule(rs.getString(1), rs.getString(2), rs.getString(3), parameters, rs.getDouble(5),
        rs.getInt(6) == 1, rs.getString(7), Sql.instant(rs.getLong(8)));
  }
}
