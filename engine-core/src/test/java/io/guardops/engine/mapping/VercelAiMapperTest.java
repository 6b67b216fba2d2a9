package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.MapperTesting.attrs;
import static io.guardops.engine.mapping.MapperTesting.map;
import static io.guardops.engine.mapping.MapperTesting.mapAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.LlmFields;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** generateText and its doGenerate child as the Vercel AI SDK (v4) records them. */
class VercelAiMapperTest {
  private final VercelAiMapper mapper = new VercelAiMapper();

  static Map<String, Object> outer() {
    return attrs(
        "operation.name", "ai.generateText holiday-fn",
        "ai.operationId", "ai.generateText",
        "ai.model.id", "gpt-4o-mini",
        "ai.model.provider", "openai.chat",
        "ai.telemetry.functionId", "holiday-fn",
        "ai.telemetry.metadata.sessionId", "s-1",
        "ai.telemetry.metadata.userId", "u-1",
        "ai.prompt", "{\"system\":\"Be brief.\",\"prompt\":\"Invent a new holiday.\"}",
        "ai.settings.maxRetries", 2L,
        "ai.response.finishReason", "stop",
        "ai.response.text", "Cloud Day: November 3.",
        "ai.usage.promptTokens", 20L,
        "ai.usage.completionTokens", 9L);
  }

  static Map<String, Object> doGenerate() {
    return attrs(
        "operation.name", "ai.generateText.doGenerate holiday-fn",
        "ai.operationId", "ai.generateText.doGenerate",
        "ai.model.id", "gpt-4o-mini",
        "ai.model.provider", "openai.chat",
        "ai.prompt.format", "prompt",
        "ai.prompt.messages", "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Invent a new holiday.\"}]}]",
        "ai.response.text", "Cloud Day: November 3.",
        "ai.response.model", "gpt-4o-mini-2024-07-18",
        "ai.usage.promptTokens", 20L,
        "ai.usage.completionTokens", 9L,
        "gen_ai.system", "openai.chat",
        "gen_ai.request.model", "gpt-4o-mini",
        "gen_ai.response.model", "gpt-4o-mini-2024-07-18",
        "gen_ai.usage.input_tokens", 20L,
        "gen_ai.usage.output_tokens", 9L);
  }

  @Test
  void outerGenerateTextIsAnAggregateWrapper() {
    LlmFields f = map(mapper, outer());
    assertThat(f.usageIsAggregate()).isTrue();
    assertThat(f.operation()).isEqualTo("ai.generateText");
    assertThat(f.provider()).isEqualTo("openai");
    assertThat(f.requestModel()).isEqualTo("gpt-4o-mini");
    assertThat(f.inputTokens()).isEqualTo(20L);
    assertThat(f.outputTokens()).isEqualTo(9L);
    assertThat(f.prompt()).isEqualTo("Be brief.\nInvent a new holiday.");
    assertThat(f.output()).isEqualTo("Cloud Day: November 3.");
    assertThat(f.sessionId()).isEqualTo("s-1");
    assertThat(f.userId()).isEqualTo("u-1");
  }

  @Test
  void doGenerateIsTheActualCall() {
    LlmFields f = map(mapper, doGenerate());
    assertThat(f.usageIsAggregate()).isFalse();
    assertThat(f.operation()).isEqualTo("chat");
    assertThat(f.responseModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(f.prompt()).isEqualTo("Be brief.\nInvent a new holiday.");
    LlmFields all = mapAll(doGenerate());
    assertThat(all.usageIsAggregate()).isFalse();
    assertThat(all.inputTokens()).isEqualTo(20L);
    assertThat(all.model()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(all.provider()).startsWith("openai");
  }

  @Test
  void streamAndEmbedVariants() {
    assertThat(map(mapper, attrs("ai.operationId", "ai.streamText")).usageIsAggregate()).isTrue();
    assertThat(map(mapper, attrs("ai.operationId", "ai.streamText.doStream")).usageIsAggregate()).isFalse();
    LlmFields embed = map(mapper, attrs("ai.operationId", "ai.embed.doEmbed", "ai.usage.tokens", 3L));
    assertThat(embed.operation()).isEqualTo("embeddings");
    LlmFields v5 = map(mapper, attrs("ai.operationId", "ai.generateText.doGenerate",
        "ai.usage.inputTokens", 4L, "ai.usage.outputTokens", 2L, "ai.usage.reasoningTokens", 1L,
        "ai.usage.cachedInputTokens", 3L));
    assertThat(v5.inputTokens()).isEqualTo(4L);
    assertThat(v5.outputTokens()).isEqualTo(2L);
    assertThat(v5.reasoningTokens()).isEqualTo(1L);
    assertThat(v5.cachedInputTokens()).isEqualTo(3L);
  }

  @Test
  void ignoresForeignSpans() {
    assertThat(map(mapper, attrs("ai.response.text", "x")).isEmpty()).isTrue();
  }
}
