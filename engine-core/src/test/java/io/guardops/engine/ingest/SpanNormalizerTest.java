package io.guardops.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.guardops.api.AttributeMapper;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.engine.mapping.BuiltinMappers;
import io.guardops.engine.pricing.PriceTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpanNormalizerTest {
  static Span span(Map<String, Object> attributes) {
    return Span.builder().projectId("p").traceId("5b8efff798038103d269b633813fc60c")
        .spanId("eee19b7ec3c1b174").name("chat").startEpochNanos(1_000).endEpochNanos(2_000)
        .attributes(attributes).build();
  }

  @Test
  void mapsThenPrices() {
    SpanNormalizer n = new SpanNormalizer(BuiltinMappers.mappers(), PriceTable.bundled());
    Span out = n.normalize(span(Map.of(
        "gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
        "gen_ai.request.model", "gpt-4o", "gen_ai.response.model", "gpt-4o-2024-08-06",
        "gen_ai.usage.input_tokens", 1_000_000L, "gen_ai.usage.output_tokens", 100_000L)));
    LlmFields llm = out.llm();
    assertThat(llm.model()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(llm.cost()).isCloseTo(2.50 + 1.00, within(1e-9));
    assertThat(llm.currency()).isEqualTo("USD");
  }

  @Test
  void unknownModelHasNoCostAndSpanWithoutLlmDataIsUnchanged() {
    SpanNormalizer n = new SpanNormalizer(BuiltinMappers.mappers(), PriceTable.bundled());
    Span out = n.normalize(span(Map.of("gen_ai.request.model", "my-own-model", "gen_ai.usage.input_tokens", 5L)));
    assertThat(out.llm().inputTokens()).isEqualTo(5L);
    assertThat(out.llm().cost()).isNull();
    Span plain = span(Map.of("http.method", "GET"));
    assertThat(n.normalize(plain)).isSameAs(plain);
  }

  @Test
  void runsMappersInOrderAndSurvivesAThrowingOne() {
    List<String> calls = new ArrayList<>();
    AttributeMapper late = new AttributeMapper() {
      @Override
      public void map(String name, Map<String, Object> a, Map<String, Object> r, LlmFields.Builder out) {
        calls.add("late");
        out.requestModelIfAbsent("late-model");
      }

      @Override
      public int order() {
        return 90;
      }
    };
    AttributeMapper early = new AttributeMapper() {
      @Override
      public void map(String name, Map<String, Object> a, Map<String, Object> r, LlmFields.Builder out) {
        calls.add("early");
        out.requestModelIfAbsent("early-model");
      }

      @Override
      public int order() {
        return 1;
      }
    };
    AttributeMapper broken = (name, a, r, out) -> {
      calls.add("broken");
      throw new IllegalStateException("bug");
    };
    SpanNormalizer n = new SpanNormalizer(List.of(late, broken, early), null);
    Span out = n.normalize(span(Map.of()));
    assertThat(calls).containsExactly("early", "late", "broken");
    assertThat(out.llm().requestModel()).isEqualTo("early-model");
    assertThat(out.llm().cost()).isNull();
  }

  @Test
  void keepsACostAlreadySet() {
    SpanNormalizer n = new SpanNormalizer(BuiltinMappers.mappers(), PriceTable.bundled());
    Span in = span(Map.of("gen_ai.request.model", "gpt-4o", "gen_ai.usage.input_tokens", 10L))
        .withLlm(LlmFields.builder().cost(0.5).build());
    assertThat(n.normalize(in).llm().cost()).isEqualTo(0.5);
    assertThat(n.normalizeAll(List.of(in, in))).hasSize(2);
  }
}
