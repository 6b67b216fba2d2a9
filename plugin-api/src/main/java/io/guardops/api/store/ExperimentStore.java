package io.guardops.api.store;

import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import java.util.List;
import java.util.Optional;

/** Experiments and their per-item results. See {@link Store} for the rules every part follows. */
public interface ExperimentStore {
  /**
   * Adds an experiment.
   *
   * @throws IllegalArgumentException if one with that id exists
   */
  void create(Experiment experiment);

  Optional<Experiment> find(String experimentId);

  /** The experiments on a dataset, newest first. */
  List<Experiment> listForDataset(String datasetId, int limit);

  /**
   * Replaces an experiment's status, progress, cost, times and error.
   *
   * @return {@code false} if there is no such experiment
   */
  boolean update(Experiment experiment);

  /** Stores results; a result for an item already stored is replaced. */
  void putResults(List<ExperimentResult> results);

  /** Results with item ids greater than {@code afterItemId} (null: from the first), by item id. */
  List<ExperimentResult> results(String experimentId, String afterItemId, int limit);

  /**
   * Deletes an experiment with its results.
   *
   * @return {@code false} if there was none
   */
  boolean delete(String experimentId);
}
