package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.MapperTesting.attrs;

import io.guardops.api.AttributeMapper;
import io.guardops.api.LlmFields;
import io.guardops.tck.AttributeMapperContract;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** Every built-in attribute mapper against the shared mapper contract, each with a realistic span. */
class BuiltinMapperContractsTest {
  @Nested
  class OtelGenAi extends AttributeMapperContract {
    @Override
    protected AttributeMapper newMapper() {
      return new OtelGenAiMapper();
    }

    @Override
    protected Map<String, Object> example() {
      return attrs("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
          "gen_ai.request.model", "gpt-4o", "gen_ai.response.model", "gpt-4o-2024-08-06",
          "gen_ai.usage.input_tokens", 1200L, "gen_ai.usage.output_tokens", 300L,
          "gen_ai.usage.cache_read.input_tokens", 1000L,
          "gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Hi there\"}]}]",
          "gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Hello!\"}]}]",
          "gen_ai.conversation.id", "conv-1", "user.id", "u-1");
    }

    @Override
    protected LlmFields expected() {
      return LlmFields.builder().operation("chat").provider("openai").requestModel("gpt-4o")
          .responseModel("gpt-4o-2024-08-06").inputTokens(1200L).outputTokens(300L).cachedInputTokens(1000L)
          .prompt("Hi there").output("Hello!").sessionId("conv-1").userId("u-1").build();
    }
  }

  @Nested
  class OpenInference extends AttributeMapperContract {
    @Override
    protected AttributeMapper newMapper() {
      return new OpenInferenceMapper();
    }

    @Override
    protected Map<String, Object> example() {
      return attrs("openinference.span.kind", "LLM", "llm.provider", "anthropic",
          "llm.model_name", "claude-3-5-sonnet-20241022", "llm.token_count.prompt", 55L,
          "llm.token_count.completion", 21L, "llm.token_count.total", 76L,
          "llm.input_messages.0.message.role", "user", "llm.input_messages.0.message.content", "Summarise this",
          "llm.output_messages.0.message.role", "assistant", "llm.output_messages.0.message.content", "A summary.",
          "input.value", "{\"messages\": []}", "session.id", "s-9", "user.id", "u-9");
    }

    @Override
    protected LlmFields expected() {
      return LlmFields.builder().operation("chat").provider("anthropic").requestModel("claude-3-5-sonnet-20241022")
          .inputTokens(55L).outputTokens(21L).totalTokens(76L).prompt("Summarise this").output("A summary.")
          .sessionId("s-9").userId("u-9").build();
    }
  }

  @Nested
  class OpenLlmetry extends AttributeMapperContract {
    @Override
    protected AttributeMapper newMapper() {
      return new OpenLlmetryMapper();
    }

    @Override
    protected String exampleSpanName() {
      return "openai.chat";
    }

    @Override
    protected Map<String, Object> example() {
      return attrs("llm.request.type", "chat", "gen_ai.system", "OpenAI", "gen_ai.request.model", "gpt-4o-mini",
          "gen_ai.response.model", "gpt-4o-mini-2024-07-18", "gen_ai.usage.prompt_tokens", 12L,
          "gen_ai.usage.completion_tokens", 8L, "llm.usage.total_tokens", 20L,
          "gen_ai.prompt.0.role", "system", "gen_ai.prompt.0.content", "Be brief.",
          "gen_ai.prompt.1.role", "user", "gen_ai.prompt.1.content", "Capital of France?",
          "gen_ai.completion.0.role", "assistant", "gen_ai.completion.0.content", "Paris.",
          "traceloop.association.properties.session_id", "s-2", "traceloop.association.properties.user_id", "u-2");
    }

    @Override
    protected LlmFields expected() {
      return LlmFields.builder().operation("chat").provider("OpenAI").requestModel("gpt-4o-mini")
          .responseModel("gpt-4o-mini-2024-07-18").inputTokens(12L).outputTokens(8L).totalTokens(20L)
          .prompt("Be brief.\nCapital of France?").output("Paris.").sessionId("s-2").userId("u-2").build();
    }
  }

  @Nested
  class VercelAi extends AttributeMapperContract {
    @Override
    protected AttributeMapper newMapper() {
      return new VercelAiMapper();
    }

    @Override
    protected String exampleSpanName() {
      return "ai.generateText.doGenerate";
    }

    @Override
    protected Map<String, Object> example() {
      return attrs("ai.operationId", "ai.generateText.doGenerate", "ai.model.id", "gpt-4.1",
          "ai.model.provider", "openai.chat", "ai.response.model", "gpt-4.1-2025-04-14",
          "ai.usage.promptTokens", 40L, "ai.usage.completionTokens", 10L,
          "ai.prompt.messages", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Name a colour.\"}]}]",
          "ai.response.text", "Blue.", "ai.telemetry.metadata.sessionId", "s-3",
          "ai.telemetry.metadata.userId", "u-3");
    }

    @Override
    protected LlmFields expected() {
      return LlmFields.builder().operation("chat").provider("openai").requestModel("gpt-4.1")
          .responseModel("gpt-4.1-2025-04-14").inputTokens(40L).outputTokens(10L).prompt("Name a colour.")
          .output("Blue.").sessionId("s-3").userId("u-3").build();
    }
  }

  @Nested
  class GuardOpsLibrary extends AttributeMapperContract {
    @Override
    protected AttributeMapper newMapper() {
      return new GuardOpsLibraryMapper();
    }

    @Override
    protected String exampleSpanName() {
      return "openai.chat";
    }

    @Override
    protected Map<String, Object> example() {
      return attrs("llm_request_type", "chat", "gen_ai_system", "OpenAI", "gen_ai_request_model", "gpt-3.5-turbo",
          "gen_ai_response_model", "gpt-3.5-turbo-0613", "gen_ai_usage_prompt_tokens", 12L,
          "gen_ai_usage_completion_tokens", 23L, "llm_usage_total_tokens", 35L,
          "gen_ai_prompt_0_role", "user", "gen_ai_prompt_0_content", "Tell me a joke",
          "gen_ai_completion_0_content", "Why did ...", "prompt", "Tell me a joke", "output", "Why did ...",
          "model", "gpt-3.5-turbo-0613", "response", "{}");
    }

    @Override
    protected LlmFields expected() {
      return LlmFields.builder().operation("chat").provider("OpenAI").requestModel("gpt-3.5-turbo")
          .responseModel("gpt-3.5-turbo-0613").inputTokens(12L).outputTokens(23L).totalTokens(35L)
          .prompt("Tell me a joke").output("Why did ...").build();
    }
  }
}
