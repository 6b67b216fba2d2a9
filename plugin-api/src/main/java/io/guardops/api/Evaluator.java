package io.guardops.api;

import java.util.Map;

/** Scores one model answer. Implementations must be thread-safe. */
public interface Evaluator {
  /**
   * Scores {@code output} for {@code input}.
   *
   * @param input    the prompt; never {@code null}
   * @param output   the model's answer; never {@code null}
   * @param expected the reference answer, or {@code null} when the metric needs none
   * @param context  extra data (retrieved documents, ...); never {@code null}, may be empty
   * @return the score; never {@code null}
   * @throws IllegalArgumentException when the metric needs {@code expected} and it is missing
   */
  Score evaluate(String input, String output, String expected, Map<String, Object> context);
}
