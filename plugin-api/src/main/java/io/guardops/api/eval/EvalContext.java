package io.guardops.api.eval;

import io.guardops.api.model.ModelClient;
import java.util.Optional;

/**
 * What the engine lends an evaluator for one run: the model client (which records each judge call
 * as a trace of the run's project and adds up its cost) and the default judge model.
 */
public interface EvalContext {
  /** The model client, if one is configured. */
  Optional<ModelClient> model();

  /** The judge model to use when the run's parameters name none ({@code guardops.eval.judge-model}). */
  String defaultJudgeModel();
}
