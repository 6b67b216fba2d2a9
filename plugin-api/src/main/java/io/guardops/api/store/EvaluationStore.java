package io.guardops.api.store;

import io.guardops.api.eval.Evaluation;
import io.guardops.api.eval.EvaluationEntry;
import io.guardops.api.eval.OnlineRule;
import java.util.List;
import java.util.Optional;

/**
 * Evaluations of the wire contract (titled groups of framework results, as the original web app
 * and client-side frameworks export them) and the online evaluation rules of projects. See
 * {@link Store} for the rules every part follows.
 */
public interface EvaluationStore {
  /**
   * Adds an evaluation.
   *
   * @return {@code false} if one with that id exists (then nothing changes)
   */
  boolean createEvaluation(Evaluation evaluation);

  Optional<Evaluation> findEvaluation(String evaluationId);

  /** A project's evaluations, by (creation time, id). */
  List<Evaluation> listEvaluations(String projectId);

  /**
   * Replaces an evaluation's title, description and date.
   *
   * @return {@code false} if there is no such evaluation
   */
  boolean updateEvaluation(Evaluation evaluation);

  /**
   * Deletes an evaluation with its entries.
   *
   * @return {@code false} if there was none
   */
  boolean deleteEvaluation(String evaluationId);

  /** Stores an entry; one with the same {@code evalId} is replaced. */
  void putEntry(EvaluationEntry entry);

  /** An evaluation's entries, by (creation time, eval id). */
  List<EvaluationEntry> entries(String evaluationId);

  /** A project's entries, newest first, at most {@code limit}. */
  List<EvaluationEntry> projectEntries(String projectId, int limit);

  /** Adds or replaces an online evaluation rule. */
  void putRule(OnlineRule rule);

  /** A project's rules, by (creation time, id). */
  List<OnlineRule> rules(String projectId);

  /** Every enabled rule of every project (the online evaluator loads them). */
  List<OnlineRule> enabledRules();

  /**
   * Deletes a rule of a project.
   *
   * @return {@code false} if there was none
   */
  boolean deleteRule(String projectId, String ruleId);
}
