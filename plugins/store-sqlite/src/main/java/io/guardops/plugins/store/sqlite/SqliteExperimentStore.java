package io.guardops.plugins.store.sqlite;

import io.guardops.api.Json;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.store.ExperimentStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Experiments and their per-item results. A run stores its results one at a time from several
 * threads, so {@link #putResults} is shared work: the results waiting at one moment (of any run)
 * are committed together by the writer. Results are keyed by (experiment, item), which is also the
 * order they are paged in; each result's scores are one JSON array (written with the plugin API's
 * {@link Json} codec).
 */
final class SqliteExperimentStore implements ExperimentStore {
  private static final String COLUMNS = "experiment_id, owner_id, project_id, dataset_id, dataset_version, name,"
      + " definition, status, total, done, failed, cost, created_at, started_at, finished_at, error";
  private static final String RESULT_COLUMNS = "experiment_id, item_id, output, latency_ns, input_tokens,"
      + " output_tokens, cost, trace_id, scores, error";
  static final String LIST_FOR_DATASET = "SELECT " + COLUMNS + " FROM experiments WHERE dataset_id = ?"
      + " ORDER BY created_at DESC, experiment_id DESC LIMIT ?";
  static final String RESULTS = "SELECT " + RESULT_COLUMNS + " FROM experiment_results WHERE experiment_id = ?"
      + " AND item_id > ? ORDER BY item_id LIMIT ?";
  static final String DELETE_RESULTS_CHUNK = "DELETE FROM experiment_results WHERE rowid IN (SELECT rowid FROM"
      + " experiment_results WHERE experiment_id = ? LIMIT " + SqliteDatasetStore.DELETE_CHUNK + ")";
  private static final String PUT_RESULT = Sql.upsert("experiment_results", RESULT_COLUMNS,
      "experiment_id, item_id");

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteExperimentStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public void create(Experiment x) {
    Objects.requireNonNull(x, "experiment");
    writer.call(c -> {
      if (Sql.exists(c, "SELECT 1 FROM experiments WHERE experiment_id = ?", x.experimentId())) {
        throw new IllegalArgumentException("an experiment with id " + x.experimentId() + " already exists");
      }
      return Sql.update(c, "INSERT INTO experiments (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?)", x.experimentId(), x.ownerId(), x.projectId(), x.datasetId(), x.datasetVersion(), x.name(),
          x.definition(), x.status().name(), x.total(), x.done(), x.failed(), x.cost(), Sql.nanos(x.createdAt()),
          Sql.nanosOrNull(x.startedAt()), Sql.nanosOrNull(x.finishedAt()), x.error());
    });
  }

  @Override
  public Optional<Experiment> find(String experimentId) {
    Objects.requireNonNull(experimentId, "experimentId");
    return reads.read(c -> Sql.first(c, "SELECT " + COLUMNS + " FROM experiments WHERE experiment_id = ?",
        SqliteExperimentStore::readExperiment, experimentId));
  }

  @Override
  public List<Experiment> listForDataset(String datasetId, int limit) {
    Objects.requireNonNull(datasetId, "datasetId");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    return reads.read(c -> Sql.query(c, LIST_FOR_DATASET, SqliteExperimentStore::readExperiment, datasetId, limit));
  }

  @Override
  public boolean update(Experiment x) {
    Objects.requireNonNull(x, "experiment");
    return writer.call(c -> Sql.update(c, "UPDATE experiments SET status = ?, total = ?, done = ?, failed = ?,"
        + " cost = ?, started_at = ?, finished_at = ?, error = ? WHERE experiment_id = ?", x.status().name(),
        x.total(), x.done(), x.failed(), x.cost(), Sql.nanosOrNull(x.startedAt()), Sql.nanosOrNull(x.finishedAt()),
        x.error(), x.experimentId()) == 1);
  }

  @Override
  public void putResults(List<ExperimentResult> results) {
    Objects.requireNonNull(results, "results");
    if (results.isEmpty()) {
      return;
    }
    List<ExperimentResult> batch = List.copyOf(results);
    List<String> scores = new ArrayList<>(batch.size());
    for (ExperimentResult r : batch) {
      scores.add(writeScores(r.scores()));
    }
    writer.callShared(c -> {
      try (PreparedStatement ps = c.prepareStatement(PUT_RESULT)) {
        for (int i = 0; i < batch.size(); i++) {
          ExperimentResult r = batch.get(i);
          Sql.bind(ps, r.experimentId(), r.itemId(), r.output(), r.latencyNanos(), r.inputTokens(), r.outputTokens(),
              r.cost(), r.traceId(), scores.get(i), r.error());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    }, batch.size());
  }

  @Override
  public List<ExperimentResult> results(String experimentId, String afterItemId, int limit) {
    Objects.requireNonNull(experimentId, "experimentId");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    // item ids are never empty, so '' is before the first
    return reads.read(c -> Sql.query(c, RESULTS, SqliteExperimentStore::readResult, experimentId,
        afterItemId == null ? "" : afterItemId, limit));
  }

  /** Deletes the results a chunk per transaction, then the experiment: a crash half way leaves it to delete again. */
  @Override
  public boolean delete(String experimentId) {
    Objects.requireNonNull(experimentId, "experimentId");
    while (writer.call(c -> Sql.update(c, DELETE_RESULTS_CHUNK, experimentId)) == SqliteDatasetStore.DELETE_CHUNK) {
      // the next chunk
    }
    return writer.call(c -> {
      Sql.update(c, "DELETE FROM experiment_results WHERE experiment_id = ?", experimentId);
      return Sql.update(c, "DELETE FROM experiments WHERE experiment_id = ?", experimentId) == 1;
    });
  }

  // ------------------------------------------------------------------------------- rows and JSON

  private static Experiment readExperiment(ResultSet rs) throws SQLException {
    return new Experiment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
        rs.getString(6), rs.getString(7), Experiment.Status.valueOf(rs.getString(8)), rs.getLong(9), rs.getLong(10),
        rs.getLong(11), Sql.getDouble(rs, 12), Sql.instant(rs.getLong(13)), Sql.instantOrNull(rs, 14),
        Sql.instantOrNull(rs, 15), rs.getString(16));
  }

  private static ExperimentResult readResult(ResultSet rs) throws SQLException {
    return new ExperimentResult(rs.getString(1), rs.getString(2), rs.getString(3), Sql.getLong(rs, 4),
        Sql.getLong(rs, 5), Sql.getLong(rs, 6), Sql.getDouble(rs, 7), rs.getString(8), readScores(rs.getString(9)),
        rs.getString(10));
  }

  static String writeScores(List<EvalScore> scores) {
    List<Object> out = new ArrayList<>(scores.size());
    for (EvalScore s : scores) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("metric", s.metric());
      m.put("value", s.value());
      m.put("label", s.label());
      m.put("explanation", s.explanation());
      if (s.usage() != null) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("model", s.usage().model());
        u.put("input_tokens", s.usage().inputTokens());
        u.put("output_tokens", s.usage().outputTokens());
        u.put("cost", s.usage().cost());
        m.put("usage", u);
      }
      m.put("details", s.details());
      out.add(m);
    }
    return Json.write(out);
  }

  @SuppressWarnings("unchecked")
  static List<EvalScore> readScores(String json) {
    List<EvalScore> out = new ArrayList<>();
    for (Object o : (List<Object>) Json.read(json)) {
      Map<String, Object> m = (Map<String, Object>) o;
      Map<String, Object> u = (Map<String, Object>) m.get("usage");
      EvalScore.Usage usage = u == null ? null : new EvalScore.Usage((String) u.get("model"),
          longOrNull(u.get("input_tokens")), longOrNull(u.get("output_tokens")), doubleOrNull(u.get("cost")));
      out.add(new EvalScore((String) m.get("metric"), doubleOrNull(m.get("value")), (String) m.get("label"),
          (String) m.get("explanation"), usage, (Map<String, Object>) m.get("details")));
    }
    return out;
  }

  // the codec reads whole numbers as Long and others as Double; a stored value is what was written
  private static Long longOrNull(Object v) {
    return v == null ? null : ((Number) v).longValue();
  }

  private static Double doubleOrNull(Object v) {
    return v == null ? null : ((Number) v).doubleValue();
  }
}
