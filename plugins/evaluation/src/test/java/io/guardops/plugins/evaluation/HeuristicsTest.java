package io.guardops.plugins.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.tck.EvaluatorContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeuristicsTest {
  private static Evaluator evaluator(String name) {
    return new BuiltinEvaluatorProvider().create(null, null).stream().filter(e -> e.info().name().equals(name))
        .findFirst().orElseThrow();
  }

  private static EvalScore score(String name, EvalItem item, Map<String, String> params) {
    Evaluator e = evaluator(name);
    e.validate(params);
    return e.evaluate(item, params, EvaluatorContract.withoutModel());
  }

  private static EvalScore score(String name, String output, String expected, Map<String, String> params) {
    return score(name, EvalItem.of("", output, expected), params);
  }

  @ParameterizedTest(name = "''{0}'' vs ''{1}'' normalize={2}: {3}")
  @CsvSource(delimiter = '|', value = {
      "Paris|Paris|none|1", "paris|Paris|none|0", "paris|Paris|case|1", "' Paris \t'|Paris|whitespace|1",
      "'  PARIS  city '|paris city|both|1", "The Paris!|paris|squad|1", "Paris, France|Paris|squad|0"})
  void exactMatch(String output, String expected, String normalize, double value) {
    EvalScore s = score("exact_match", output, expected, Map.of("normalize", normalize));
    assertThat(s.value()).isEqualTo(value);
    assertThat(s.label()).isEqualTo(value == 1 ? "pass" : "fail");
  }

  @Test
  void exactMatchRejectsAnUnknownNormalisation() {
    assertThatThrownBy(() -> evaluator("exact_match").validate(Map.of("normalize", "fuzzy")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("normalize").hasMessageContaining("fuzzy");
  }

  @Test
  void containsUsesTheValueElseTheExpectedAnswer() {
    assertThat(score("contains", "The capital is Paris.", null, Map.of("value", "Paris")).value()).isEqualTo(1.0);
    assertThat(score("contains", "The capital is Paris.", "paris", Map.of()).value()).isEqualTo(0.0);
    assertThat(score("contains", "The capital is Paris.", "paris", Map.of("ignore_case", "true")).value())
        .isEqualTo(1.0);
    assertThatThrownBy(() -> score("contains", "x", null, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected answer");
  }

  @Test
  void regexFindsOrMatchesWholeAndRefusesBadPatterns() {
    assertThat(score("regex", "order #12345 shipped", null, Map.of("pattern", "#\\d{5}")).value()).isEqualTo(1.0);
    assertThat(score("regex", "order #12345 shipped", null, Map.of("pattern", "#\\d{5}", "mode", "full")).value())
        .isEqualTo(0.0);
    assertThat(score("regex", "YES", null, Map.of("pattern", "^yes$", "ignore_case", "true", "mode", "full"))
        .details()).containsEntry("match_start", 0L).containsEntry("match_end", 3L);
    assertThatThrownBy(() -> evaluator("regex").validate(Map.of("pattern", "(unclosed")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pattern").hasMessageContaining("(unclosed");
    assertThatThrownBy(() -> evaluator("regex").validate(Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pattern");
  }

  @Test
  void aCatastrophicPatternIsStoppedInsteadOfHanging() {
    // a back-reference defeats the JDK's memoisation of nested quantifiers: exponential on this input
    String output = "a".repeat(30) + "!";
    long start = System.nanoTime();
    assertThatThrownBy(() -> score("regex", output, null, Map.of("pattern", "^((a+)\\2?)+$")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backtracking");
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(RegexMatch.TIME_LIMIT_NANOS / 1e9 + 2);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"a\": [1, 2.5, null, true]}|1", "42|1", "\"text\"|1", "  [ ]  |1",
      "{'a': 1}|0", "{\"a\": 1,}|0", "{\"a\": 1} extra|0", "{\"a\": 1, \"a\": 2}|0", "''|0", "NaN|0", "01|0"})
  void jsonValidity(String output, double value) {
    assertThat(score("json_valid", output, null, Map.of()).value()).isEqualTo(value);
  }

  @Test
  void jsonValidityByKindAndInsideFences() {
    assertThat(score("json_valid", "[1]", null, Map.of("type", "object")).value()).isEqualTo(0.0);
    assertThat(score("json_valid", "Here:\n```json\n{\"ok\": true}\n```", null, Map.of("extract", "true")).value())
        .isEqualTo(1.0);
    assertThat(score("json_valid", "Here:\n```json\n{\"ok\": true}\n```", null, Map.of()).value()).isEqualTo(0.0);
  }

  @Test
  void outputLengthInCharsOrWords() {
    assertThat(score("output_length", "héllo 🌍", null, Map.of("max", "7")).value()).isEqualTo(1.0);
    assertThat(score("output_length", "héllo 🌍", null, Map.of("max", "6")).value()).isEqualTo(0.0);
    assertThat(score("output_length", "one two  three", null, Map.of("min", "3", "max", "3", "unit", "words"))
        .details()).containsEntry("length", 3L);
    assertThatThrownBy(() -> evaluator("output_length").validate(Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'min' or 'max'");
    assertThatThrownBy(() -> evaluator("output_length").validate(Map.of("min", "5", "max", "2")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("greater than");
  }

  @Test
  void latencyAndCostThresholdsReadTheTrace() {
    EvalItem fast = new EvalItem("q", "a", null, List.of(), Map.of(),
        new EvalItem.TraceFacts(null, null, null, 250_000_000L, null, null, 0.002));
    assertThat(score("latency_threshold", fast, Map.of("max_ms", "250")).label()).isEqualTo("pass");
    assertThat(score("latency_threshold", fast, Map.of("max_ms", "249.9")).value()).isEqualTo(0.0);
    assertThat(score("cost_threshold", fast, Map.of("max_usd", "0.001")).label()).isEqualTo("fail");
    assertThat(score("cost_threshold", fast, Map.of("max_usd", "0.01")).details()).containsEntry("cost_usd", 0.002);
    assertThatThrownBy(() -> score("latency_threshold", EvalItem.of("q", "a", null), Map.of("max_ms", "1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trace latency");
    assertThatThrownBy(() -> evaluator("cost_threshold").validate(Map.of("max_usd", "cheap")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_usd");
  }
}
