package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.MapperTesting.attrs;
import static io.guardops.engine.mapping.MapperTesting.map;
import static io.guardops.engine.mapping.MapperTesting.mapAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.LlmFields;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spans as GuardOps_Library posts them: OpenLLMetry keys with dots turned into underscores. */
class GuardOpsLibraryMapperTest {
  private final GuardOpsLibraryMapper mapper = new GuardOpsLibraryMapper();

  static Map<String, Object> chat() {
    return attrs(
        "llm_request_type", "chat",
        "gen_ai_system", "OpenAI",
        "gen_ai_request_model", "gpt-3.5-turbo",
        "gen_ai_prompt_0_role", "user",
        "gen_ai_prompt_0_content", "Tell me a joke",
        "gen_ai_response_model", "gpt-3.5-turbo-0613",
        "llm_usage_total_tokens", 35L,
        "gen_ai_usage_completion_tokens", 23L,
        "gen_ai_usage_prompt_tokens", 12L,
        "gen_ai_completion_0_role", "assistant",
        "gen_ai_completion_0_content", "Why did the chicken...",
        "prompt", "Tell me a joke",
        "output", "Why did the chicken...",
        "model", "gpt-3.5-turbo-0613",
        "response", "{\"prompt\": \"not this one\", \"llm_usage_total_tokens\": 999}");
  }

  @Test
  void libraryChatSpan() {
    LlmFields f = map(mapper, chat());
    assertThat(f.operation()).isEqualTo("chat");
    assertThat(f.provider()).isEqualTo("OpenAI");
    assertThat(f.requestModel()).isEqualTo("gpt-3.5-turbo");
    assertThat(f.responseModel()).isEqualTo("gpt-3.5-turbo-0613");
    assertThat(f.inputTokens()).isEqualTo(12L);
    assertThat(f.outputTokens()).isEqualTo(23L);
    assertThat(f.totalTokens()).isEqualTo(35L);
    assertThat(f.prompt()).isEqualTo("Tell me a joke");
    assertThat(f.output()).isEqualTo("Why did the chicken...");
    assertThat(f.usageIsAggregate()).isFalse();
    assertThat(mapAll(chat())).isEqualTo(f);
  }

  @Test
  void withoutTheAddedAttributesJoinsTheFlattenedMessages() {
    LlmFields f = map(mapper, attrs(
        "gen_ai_prompt_0_role", "system", "gen_ai_prompt_0_content", "Be nice",
        "gen_ai_prompt_1_role", "user", "gen_ai_prompt_1_content", "Hi",
        "llm_completions_0_content", "Hello",
        "prompt", "", "gen_ai_usage_input_tokens", 3L, "gen_ai_usage_output_tokens", 1L,
        "llm_response_model", "gpt-4o-2024-05-13"));
    assertThat(f.prompt()).isEqualTo("Be nice\nHi");
    assertThat(f.output()).isEqualTo("Hello");
    assertThat(f.inputTokens()).isEqualTo(3L);
    assertThat(f.outputTokens()).isEqualTo(1L);
    assertThat(f.responseModel()).isEqualTo("gpt-4o-2024-05-13");
  }

  @Test
  void workflowSpansAreAggregate() {
    LlmFields f = map(mapper, attrs("traceloop_span_kind", "workflow", "traceloop_entity_name", "chat_flow",
        "traceloop_association_properties_session_id", "sess"));
    assertThat(f.usageIsAggregate()).isTrue();
    assertThat(f.sessionId()).isEqualTo("sess");
  }

  @Test
  void nonStringModelIsIgnored() {
    assertThat(map(mapper, attrs("model", 5L)).responseModel()).isNull();
  }
}
