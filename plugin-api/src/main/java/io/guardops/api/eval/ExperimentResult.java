package io.guardops.api.eval;

import io.guardops.api.Checks;
import java.util.List;

/**
 * What an experiment did with one item: the task's output (or the item's own), its cost and
 * latency, the trace of the task's model call, each evaluator's score, or the error that stopped it.
 */
public record ExperimentResult(String experimentId, String itemId, String output, Long latencyNanos,
    Long inputTokens, Long outputTokens, Double cost, String traceId, List<EvalScore> scores, String error) {
  public ExperimentResult {
    Checks.notBlank(experimentId, "experimentId");
    Checks.notBlank(itemId, "itemId");
    output = output == null ? "" : output;
    scores = List.copyOf(scores == null ? List.of() : scores);
  }

  /** Whether the item failed (task or evaluator). */
  public boolean failed() {
    return error != null;
  }
}
