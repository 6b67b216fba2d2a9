package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.MapperTesting.attrs;
import static io.guardops.engine.mapping.MapperTesting.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.LlmFields;
import org.junit.jupiter.api.Test;

class OtelGenAiMapperTest {
  private final OtelGenAiMapper mapper = new OtelGenAiMapper();

  @Test
  void currentConventionWithCachedAndReasoningTokens() {
    LlmFields f = map(mapper, attrs(
        "gen_ai.operation.name", "chat",
        "gen_ai.provider.name", "openai",
        "gen_ai.request.model", "o4-mini",
        "gen_ai.response.model", "o4-mini-2025-04-16",
        "gen_ai.usage.input_tokens", 1200L,
        "gen_ai.usage.output_tokens", 800L,
        "gen_ai.usage.cache_read.input_tokens", 1000L,
        "gen_ai.usage.reasoning.output_tokens", 600L,
        "gen_ai.input.messages", "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"You are a helpful bot\"}]},"
            + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Weather in Paris?\"}]}]",
        "gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"c1\","
            + "\"name\":\"get_weather\",\"arguments\":{\"location\":\"Paris\"}},{\"type\":\"text\",\"content\":\"Checking.\"}],"
            + "\"finish_reason\":\"tool_call\"}]",
        "gen_ai.conversation.id", "conv_5j66UpCpwteGg4YSxUnt7lPY",
        "user.id", "u-42"));
    assertThat(f.operation()).isEqualTo("chat");
    assertThat(f.provider()).isEqualTo("openai");
    assertThat(f.requestModel()).isEqualTo("o4-mini");
    assertThat(f.responseModel()).isEqualTo("o4-mini-2025-04-16");
    assertThat(f.inputTokens()).isEqualTo(1200L);
    assertThat(f.outputTokens()).isEqualTo(800L);
    assertThat(f.cachedInputTokens()).isEqualTo(1000L);
    assertThat(f.reasoningTokens()).isEqualTo(600L);
    assertThat(f.prompt()).isEqualTo("You are a helpful bot\nWeather in Paris?");
    assertThat(f.output()).isEqualTo("Checking.");
    assertThat(f.sessionId()).isEqualTo("conv_5j66UpCpwteGg4YSxUnt7lPY");
    assertThat(f.userId()).isEqualTo("u-42");
    assertThat(f.usageIsAggregate()).isFalse();
  }

  @Test
  void structuredMessagesAlsoAsAttributeLists() {
    LlmFields f = map(mapper, attrs("gen_ai.input.messages",
        java.util.List.of(java.util.Map.of("role", "user", "parts",
            java.util.List.of(java.util.Map.of("type", "text", "content", "Hi"))))));
    assertThat(f.prompt()).isEqualTo("Hi");
  }

  @Test
  void deprecatedForms() {
    LlmFields f = map(mapper, attrs(
        "gen_ai.system", "anthropic",
        "gen_ai.request.model", "claude-3-5-sonnet-20241022",
        "gen_ai.usage.prompt_tokens", "15",
        "gen_ai.usage.completion_tokens", 7L,
        "gen_ai.prompt", "Hello",
        "gen_ai.completion", "[{\"role\":\"assistant\",\"content\":\"Hi there\"}]"));
    assertThat(f.provider()).isEqualTo("anthropic");
    assertThat(f.inputTokens()).isEqualTo(15L);
    assertThat(f.outputTokens()).isEqualTo(7L);
    assertThat(f.prompt()).isEqualTo("Hello");
    assertThat(f.output()).isEqualTo("Hi there");
  }

  @Test
  void newFormWinsOverDeprecated() {
    LlmFields f = map(mapper, attrs("gen_ai.provider.name", "aws.bedrock", "gen_ai.system", "old",
        "gen_ai.usage.input_tokens", 3L, "gen_ai.usage.prompt_tokens", 99L));
    assertThat(f.provider()).isEqualTo("aws.bedrock");
    assertThat(f.inputTokens()).isEqualTo(3L);
  }

  @Test
  void agentOperationsAreAggregate() {
    for (String op : new String[] {"invoke_agent", "create_agent", "workflow", "invoke_workflow"}) {
      assertThat(map(mapper, attrs("gen_ai.operation.name", op, "gen_ai.usage.input_tokens", 5L)).usageIsAggregate())
          .as(op).isTrue();
    }
    assertThat(map(mapper, attrs("gen_ai.operation.name", "execute_tool")).usageIsAggregate()).isFalse();
  }

  @Test
  void oddValuesAreSkippedNotThrown() {
    LlmFields f = map(mapper, attrs("gen_ai.usage.input_tokens", "lots", "gen_ai.usage.output_tokens", -4L,
        "gen_ai.input.messages", "[{broken json", "gen_ai.request.model", "  "));
    assertThat(f.inputTokens()).isNull();
    assertThat(f.outputTokens()).isNull();
    assertThat(f.requestModel()).isNull();
    assertThat(f.prompt()).isEqualTo("[{broken json");
  }

  @Test
  void earlierValuesAreKept() {
    LlmFields.Builder b = LlmFields.builder().requestModel("set-before");
    mapper.map("s", attrs("gen_ai.request.model", "gpt-4o"), java.util.Map.of(), b);
    assertThat(b.build().requestModel()).isEqualTo("set-before");
  }
}
