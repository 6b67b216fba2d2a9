package io.guardops.api.eval;

import io.guardops.api.Attributes;
import java.util.List;
import java.util.Map;

/**
 * What an evaluator scores: the input, the model's output, the expected answer and grounding
 * context when known, free metadata, and facts of the trace it came from (latency, cost, tokens).
 * Any field but {@code input} and {@code output} may be {@code null} or empty.
 */
public record EvalItem(String input, String output, String expected, List<String> context,
    Map<String, Object> metadata, TraceFacts trace) {
  public EvalItem {
    input = input == null ? "" : input;
    output = output == null ? "" : output;
    context = List.copyOf(context == null ? List.of() : context);
    metadata = Attributes.copyOf(metadata);
  }

  /** An item with only input, output and expected answer. */
  public static EvalItem of(String input, String output, String expected) {
    return new EvalItem(input, output, expected, List.of(), Map.of(), null);
  }

  /**
   * Facts of the trace or model call that produced the output. Every field may be {@code null}.
   */
  public record TraceFacts(String traceId, String spanId, String model, Long latencyNanos, Long inputTokens,
      Long outputTokens, Double cost) {}
}
