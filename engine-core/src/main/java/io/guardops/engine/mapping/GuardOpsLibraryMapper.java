package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.Values.firstCount;
import static io.guardops.engine.mapping.Values.firstStr;
import static io.guardops.engine.mapping.Values.str;

import io.guardops.api.AttributeMapper;
import io.guardops.api.LlmFields;
import java.util.Map;

/**
 * The GuardOps Python library's spans: OpenLLMetry attributes whose dots became underscores
 * ({@code gen_ai_prompt_0_content}, {@code llm_usage_total_tokens}, ...) plus the attributes the
 * library adds, {@code prompt}, {@code output} and {@code model}. The added {@code response} (a
 * JSON dump of all attributes) is ignored. Token counts are derived from the {@code *_usage_*} keys
 * because the library does not normalise them.
 *
 * <p>Aggregate rule: as for OpenLLMetry, {@code traceloop_span_kind} {@code workflow}, {@code agent}
 * or {@code task}, and {@code gen_ai_operation_name} {@code invoke_agent}/{@code create_agent}.
 */
final class GuardOpsLibraryMapper implements AttributeMapper {
  static final String NAME = "guardops-library";
  private static final IndexedKeys PROMPTS = new IndexedKeys("gen_ai_prompt_", "_content", "_role");
  private static final IndexedKeys COMPLETIONS = new IndexedKeys("gen_ai_completion_", "_content", "_role");
  /** Older OpenLLMetry wrote llm.prompts.N / llm.completions.N. */
  private static final IndexedKeys OLD_PROMPTS = new IndexedKeys("llm_prompts_", "_content", "_role");
  private static final IndexedKeys OLD_COMPLETIONS = new IndexedKeys("llm_completions_", "_content", "_role");
  private static final String ASSOC = "traceloop_association_properties_";

  @Override
  public void map(String spanName, Map<String, Object> a, Map<String, Object> resource, LlmFields.Builder out) {
    String kind = str(a, "traceloop_span_kind");
    if (kind != null) {
      String k = Values.lower(kind);
      if (k.equals("workflow") || k.equals("agent") || k.equals("task")) {
        out.usageIsAggregate(true);
      }
      out.operationIfAbsent(k.equals("agent") ? "invoke_agent" : k.equals("tool") ? "execute_tool" : k);
    }
    String op = str(a, "gen_ai_operation_name");
    if (op != null) {
      out.operationIfAbsent(op);
      if (OtelGenAiMapper.isAggregateOperation(op)) {
        out.usageIsAggregate(true);
      }
    }
    String type = str(a, "llm_request_type");
    if (type != null) {
      out.operationIfAbsent(OpenLlmetryMapper.operation(Values.lower(type)));
    }
    out.providerIfAbsent(firstStr(a, "gen_ai_provider_name", "gen_ai_system", "llm_vendor"));
    out.requestModelIfAbsent(firstStr(a, "gen_ai_request_model", "llm_request_model"));
    out.responseModelIfAbsent(firstStr(a, "llm_response_model", "gen_ai_response_model"));
    Object model = a.get("model");
    if (model instanceof String m && !m.isBlank()) {
      out.responseModelIfAbsent(m);
    }
    out.inputTokensIfAbsent(firstCount(a, "gen_ai_usage_input_tokens", "gen_ai_usage_prompt_tokens",
        "llm_usage_prompt_tokens"));
    out.outputTokensIfAbsent(firstCount(a, "gen_ai_usage_output_tokens", "gen_ai_usage_completion_tokens",
        "llm_usage_completion_tokens"));
    out.totalTokensIfAbsent(firstCount(a, "llm_usage_total_tokens", "gen_ai_usage_total_tokens"));
    out.cachedInputTokensIfAbsent(firstCount(a, "gen_ai_usage_cache_read_input_tokens",
        "llm_usage_cache_read_input_tokens", "gen_ai_usage_cache_read_input_tokens"));
    out.reasoningTokensIfAbsent(firstCount(a, "gen_ai_usage_reasoning_tokens", "llm_usage_reasoning_tokens"));
    if (out.prompt() == null) {
      // the library's own joined text first, then the flattened messages it was built from
      Object p = a.get("prompt");
      if (p instanceof String s && !s.isBlank()) {
        out.prompt(s);
      } else {
        out.promptIfAbsent(PROMPTS.join(a));
        out.promptIfAbsent(OLD_PROMPTS.join(a));
      }
    }
    if (out.output() == null) {
      Object o = a.get("output");
      if (o instanceof String s && !s.isBlank()) {
        out.output(s);
      } else {
        out.outputIfAbsent(COMPLETIONS.join(a));
        out.outputIfAbsent(OLD_COMPLETIONS.join(a));
      }
    }
    out.sessionIdIfAbsent(firstStr(a, ASSOC + "session_id", ASSOC + "sessionId", "gen_ai_conversation_id",
        "session_id"));
    out.userIdIfAbsent(firstStr(a, ASSOC + "user_id", ASSOC + "userId", "user_id"));
  }

  @Override
  public int order() {
    return 50;
  }

  /** The provider of this mapper. */
  static final class Provider extends MapperProvider {
    Provider() {
      super(NAME, new GuardOpsLibraryMapper());
    }
  }
}
