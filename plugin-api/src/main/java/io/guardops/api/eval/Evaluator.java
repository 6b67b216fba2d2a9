package io.guardops.api.eval;

import java.util.Map;

/**
 * Scores one item: a heuristic (exact match, ROUGE, BLEU, JSON validity, ...) or an LLM acting as
 * a judge. Thread-safe and stateless between calls: an experiment calls it concurrently.
 */
public interface Evaluator {
  /** Name, needs and parameters. */
  EvaluatorInfo info();

  /**
   * Checks a run's parameters before any item is scored.
   *
   * @throws IllegalArgumentException naming the parameter and what is wrong
   */
  default void validate(Map<String, String> parameters) {
    for (EvaluatorInfo.Parameter p : info().parameters()) {
      if (p.required() && (parameters.get(p.name()) == null || parameters.get(p.name()).isBlank())) {
        throw new IllegalArgumentException(info().name() + " needs the parameter '" + p.name() + "': "
            + p.description());
      }
    }
  }

  /**
   * Scores one item.
   *
   * @param parameters the run's parameters (validated)
   * @param context the model client and judge defaults for this run
   * @throws IllegalArgumentException when the item lacks what the metric needs (an expected answer)
   * @throws io.guardops.api.model.ModelException when a judge call fails
   */
  EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context);
}
