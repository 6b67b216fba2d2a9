package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.MapperTesting.attrs;
import static io.guardops.engine.mapping.MapperTesting.map;
import static io.guardops.engine.mapping.MapperTesting.mapAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.LlmFields;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An OpenAI chat call and its workflow as opentelemetry-instrumentation-openai (Traceloop) emits them. */
class OpenLlmetryMapperTest {
  private final OpenLlmetryMapper mapper = new OpenLlmetryMapper();

  static Map<String, Object> openAiChat() {
    return attrs(
        "llm.request.type", "chat",
        "gen_ai.system", "openai",
        "gen_ai.request.model", "gpt-4o-mini",
        "gen_ai.request.temperature", 0.7,
        "llm.is_streaming", false,
        "gen_ai.openai.api_base", "https://api.openai.com/v1/",
        "gen_ai.prompt.0.role", "system",
        "gen_ai.prompt.0.content", "You are a comedian.",
        "gen_ai.prompt.1.role", "user",
        "gen_ai.prompt.1.content", "Tell me a joke about OpenTelemetry",
        "gen_ai.response.model", "gpt-4o-mini-2024-07-18",
        "gen_ai.response.id", "chatcmpl-AbC",
        "llm.usage.total_tokens", 61L,
        "gen_ai.usage.completion_tokens", 35L,
        "gen_ai.usage.prompt_tokens", 26L,
        "gen_ai.usage.cache_read_input_tokens", 0L,
        "gen_ai.completion.0.finish_reason", "stop",
        "gen_ai.completion.0.role", "assistant",
        "gen_ai.completion.0.content", "Why did the span go to therapy?",
        "traceloop.association.properties.session_id", "sess-1",
        "traceloop.association.properties.user_id", "user-1",
        "traceloop.workflow.name", "joke_generator");
  }

  @Test
  void openAiChatCall() {
    LlmFields f = map(mapper, openAiChat());
    assertThat(f.operation()).isEqualTo("chat");
    assertThat(f.provider()).isEqualTo("openai");
    assertThat(f.requestModel()).isEqualTo("gpt-4o-mini");
    assertThat(f.responseModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(f.inputTokens()).isEqualTo(26L);
    assertThat(f.outputTokens()).isEqualTo(35L);
    assertThat(f.totalTokens()).isEqualTo(61L);
    assertThat(f.cachedInputTokens()).isEqualTo(0L);
    assertThat(f.prompt()).isEqualTo("You are a comedian.\nTell me a joke about OpenTelemetry");
    assertThat(f.output()).isEqualTo("Why did the span go to therapy?");
    assertThat(f.sessionId()).isEqualTo("sess-1");
    assertThat(f.userId()).isEqualTo("user-1");
    assertThat(f.usageIsAggregate()).isFalse();
  }

  @Test
  void sameResultThroughTheWholeChain() {
    LlmFields all = mapAll(openAiChat());
    assertThat(all.prompt()).isEqualTo("You are a comedian.\nTell me a joke about OpenTelemetry");
    assertThat(all.inputTokens()).isEqualTo(26L);
    assertThat(all.model()).isEqualTo("gpt-4o-mini-2024-07-18");
  }

  @Test
  void workflowAndTaskSpansAreAggregate() {
    LlmFields wf = map(mapper, attrs(
        "traceloop.span.kind", "workflow",
        "traceloop.entity.name", "joke_generator",
        "traceloop.entity.input", "{\"args\": [], \"kwargs\": {\"topic\": \"otel\"}}",
        "traceloop.entity.output", "\"Why did the span go to therapy?\""));
    assertThat(wf.usageIsAggregate()).isTrue();
    assertThat(wf.operation()).isEqualTo("workflow");
    assertThat(wf.prompt()).contains("topic");
    assertThat(wf.output()).contains("therapy");
    assertThat(map(mapper, attrs("traceloop.span.kind", "task")).usageIsAggregate()).isTrue();
    assertThat(map(mapper, attrs("traceloop.span.kind", "agent")).usageIsAggregate()).isTrue();
    assertThat(map(mapper, attrs("traceloop.span.kind", "tool")).usageIsAggregate()).isFalse();
  }

  @Test
  void embeddingRequestTypeAndLlmUsageCacheKey() {
    LlmFields f = map(mapper, attrs("llm.request.type", "embedding", "llm.usage.cache_read_input_tokens", 5L,
        "llm.response.model", "text-embedding-3-small"));
    assertThat(f.operation()).isEqualTo("embeddings");
    assertThat(f.cachedInputTokens()).isEqualTo(5L);
    assertThat(f.responseModel()).isEqualTo("text-embedding-3-small");
  }
}
