package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.MapperTesting.attrs;
import static io.guardops.engine.mapping.MapperTesting.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.LlmFields;
import org.junit.jupiter.api.Test;

/** Attribute sets as openinference-instrumentation-langchain emits them for a small RAG chain. */
class OpenInferenceMapperTest {
  private final OpenInferenceMapper mapper = new OpenInferenceMapper();

  @Test
  void llmSpanOfALangChainTrace() {
    LlmFields f = map(mapper, attrs(
        "openinference.span.kind", "LLM",
        "llm.model_name", "gpt-4o-2024-08-06",
        "llm.provider", "openai",
        "llm.system", "openai",
        "llm.invocation_parameters", "{\"model_name\": \"gpt-4o\", \"temperature\": 0.0}",
        "llm.input_messages.0.message.role", "system",
        "llm.input_messages.0.message.content", "Answer from the context.",
        "llm.input_messages.1.message.role", "user",
        "llm.input_messages.1.message.content", "What is GuardOps?",
        "llm.output_messages.0.message.role", "assistant",
        "llm.output_messages.0.message.content", "An observability engine.",
        "llm.token_count.prompt", 120L,
        "llm.token_count.completion", 6L,
        "llm.token_count.total", 126L,
        "llm.token_count.prompt_details.cache_read", 64L,
        "llm.token_count.completion_details.reasoning", 0L,
        "input.value", "{\"messages\": [[{\"lc\": 1, \"type\": \"constructor\"}]]}",
        "input.mime_type", "application/json",
        "output.value", "{\"generations\": [[{\"text\": \"An observability engine.\"}]]}",
        "session.id", "thread-9",
        "user.id", "alice"));
    assertThat(f.operation()).isEqualTo("chat");
    assertThat(f.provider()).isEqualTo("openai");
    assertThat(f.requestModel()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(f.inputTokens()).isEqualTo(120L);
    assertThat(f.outputTokens()).isEqualTo(6L);
    assertThat(f.totalTokens()).isEqualTo(126L);
    assertThat(f.cachedInputTokens()).isEqualTo(64L);
    assertThat(f.reasoningTokens()).isEqualTo(0L);
    assertThat(f.prompt()).isEqualTo("Answer from the context.\nWhat is GuardOps?");
    assertThat(f.output()).isEqualTo("An observability engine.");
    assertThat(f.sessionId()).isEqualTo("thread-9");
    assertThat(f.userId()).isEqualTo("alice");
    assertThat(f.usageIsAggregate()).isFalse();
  }

  @Test
  void chainSpanIsAggregateAndUsesInputValue() {
    LlmFields f = map(mapper, attrs(
        "openinference.span.kind", "CHAIN",
        "input.value", "What is GuardOps?",
        "output.value", "An observability engine.",
        "llm.token_count.total", 126L));
    assertThat(f.usageIsAggregate()).isTrue();
    assertThat(f.operation()).isEqualTo("chain");
    assertThat(f.prompt()).isEqualTo("What is GuardOps?");
    assertThat(f.output()).isEqualTo("An observability engine.");
  }

  @Test
  void agentIsAggregateToolIsNot() {
    assertThat(map(mapper, attrs("openinference.span.kind", "AGENT")).usageIsAggregate()).isTrue();
    LlmFields tool = map(mapper, attrs("openinference.span.kind", "TOOL"));
    assertThat(tool.usageIsAggregate()).isFalse();
    assertThat(tool.operation()).isEqualTo("execute_tool");
  }

  @Test
  void inputValueIgnoredOnForeignSpans() {
    assertThat(map(mapper, attrs("input.value", "x")).prompt()).isNull();
  }

  @Test
  void messageWithRoleButNoContentDoesNotStopTheScan() {
    LlmFields f = map(mapper, attrs(
        "llm.model_name", "m",
        "llm.input_messages.0.message.role", "assistant",
        "llm.input_messages.0.message.tool_calls.0.tool_call.function.name", "search",
        "llm.input_messages.1.message.role", "tool",
        "llm.input_messages.1.message.content", "result"));
    assertThat(f.prompt()).isEqualTo("result");
  }
}
