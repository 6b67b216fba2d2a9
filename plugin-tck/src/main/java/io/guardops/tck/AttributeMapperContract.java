package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.guardops.api.AttributeMapper;
import io.guardops.api.Attributes;
import io.guardops.api.LlmFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link AttributeMapper} passes. An implementation's test gives one
 * realistic attribute set of its convention and the fields it must produce from it; the suite
 * checks the rules every mapper shares: no exception on the hot path whatever the values, fields an
 * earlier mapper set are kept, the aggregate flag is only ever set, and no state between calls.
 */
public abstract class AttributeMapperContract {
  protected AttributeMapper mapper;

  /** A fresh mapper. */
  protected abstract AttributeMapper newMapper() throws Exception;

  /** The span name of {@link #example()}. */
  protected String exampleSpanName() {
    return "chat";
  }

  /** A realistic attribute set of the mapper's convention. */
  protected abstract Map<String, Object> example();

  /** What mapping {@link #example()} into an empty builder must give (fields it leaves null stay null). */
  protected abstract LlmFields expected();

  @BeforeEach
  void openMapper() throws Exception {
    mapper = newMapper();
  }

  private LlmFields map(String name, Map<String, ?> attributes, LlmFields.Builder into) {
    mapper.map(name, Attributes.copyOf(attributes), Map.of("service.name", "svc"), into);
    return into.build();
  }

  @Test
  void theExampleMapsToTheExpectedFields() {
    assertThat(map(exampleSpanName(), example(), LlmFields.builder())).isEqualTo(expected());
  }

  @Test
  void nothingToMapChangesNothing() {
    assertThat(map("", Map.of(), LlmFields.builder())).isEqualTo(LlmFields.EMPTY);
  }

  /** Every key of every convention we know, with values of the wrong type or out of range. */
  static List<Map<String, Object>> hostile(Map<String, Object> example) {
    List<String> keys = new ArrayList<>(example.keySet());
    keys.addAll(List.of("gen_ai.request.model", "gen_ai.response.model", "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens", "gen_ai.usage.total_tokens", "gen_ai.prompt", "gen_ai.completion",
        "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.prompt.0.content", "gen_ai.completion.0.content",
        "gen_ai.operation.name", "llm.usage.total_tokens", "llm.usage.prompt_tokens", "llm.model_name",
        "llm.token_count.prompt", "llm.token_count.completion", "llm.input_messages.0.message.content",
        "input.value", "output.value", "openinference.span.kind", "ai.model.id", "ai.usage.promptTokens",
        "ai.usage.completionTokens", "ai.prompt", "ai.prompt.messages", "ai.response.text", "ai.operationId",
        "gen_ai_usage_prompt_tokens", "gen_ai_prompt_0_content", "llm_usage_total_tokens", "prompt", "output",
        "model", "session.id", "user.id", "traceloop.span.kind"));
    Object[] bad = {"", "NaN", "-5", "1e400", -5L, Long.MIN_VALUE, Double.NaN, Double.NEGATIVE_INFINITY, -0.5, true,
        List.of(), List.of(-1L, "x"), Map.of("k", List.of()), "x".repeat(100_000), "[{\"role\": ", "{}"};
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object v : bad) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String k : keys) {
        m.put(k, v);
      }
      out.add(m);
    }
    return out;
  }

  @Test
  void hostileValuesAreSkippedNotThrownAndNeverGiveNegativeCounts() {
    for (Map<String, Object> attributes : hostile(example())) {
      LlmFields[] out = new LlmFields[1];
      String value = String.valueOf(attributes.values().iterator().next());
      assertThatCode(() -> out[0] = map(exampleSpanName(), attributes, LlmFields.builder()))
          .as("every value %s", value.length() > 40 ? value.substring(0, 40) + "..." : value)
          .doesNotThrowAnyException();
      assertThat(out[0]).isNotNull();
    }
  }

  @Test
  void fieldsAnEarlierMapperSetAreKept() {
    LlmFields.Builder earlier = LlmFields.builder().operation("earlier-op").provider("earlier-provider")
        .requestModel("earlier-model").responseModel("earlier-served").inputTokens(1L).outputTokens(2L)
        .cachedInputTokens(0L).reasoningTokens(0L).totalTokens(3L).prompt("earlier prompt")
        .output("earlier output").sessionId("earlier-session").userId("earlier-user");
    LlmFields before = earlier.build();
    LlmFields after = map(exampleSpanName(), example(), earlier);
    assertThat(after.operation()).isEqualTo(before.operation());
    assertThat(after.provider()).isEqualTo(before.provider());
    assertThat(after.requestModel()).isEqualTo(before.requestModel());
    assertThat(after.responseModel()).isEqualTo(before.responseModel());
    assertThat(after.inputTokens()).isEqualTo(before.inputTokens());
    assertThat(after.outputTokens()).isEqualTo(before.outputTokens());
    assertThat(after.totalTokens()).isEqualTo(before.totalTokens());
    assertThat(after.prompt()).isEqualTo(before.prompt());
    assertThat(after.output()).isEqualTo(before.output());
    assertThat(after.sessionId()).isEqualTo(before.sessionId());
    assertThat(after.userId()).isEqualTo(before.userId());
  }

  @Test
  void theAggregateFlagIsOnlyEverSet() {
    LlmFields after = map(exampleSpanName(), example(), LlmFields.builder().usageIsAggregate(true));
    assertThat(after.usageIsAggregate()).isTrue();
  }

  @Test
  void itKeepsNoStateBetweenCallsAndIsThreadSafe() throws Exception {
    LlmFields expected = map(exampleSpanName(), example(), LlmFields.builder());
    Map<String, Object> other = hostile(example()).get(4);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<LlmFields>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> {
          LlmFields last = null;
          for (int i = 0; i < 300; i++) {
            map("other", other, LlmFields.builder());
            last = map(exampleSpanName(), example(), LlmFields.builder());
          }
          return last;
        }));
      }
      for (Future<LlmFields> f : runs) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
