package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.Values.firstCount;
import static io.guardops.engine.mapping.Values.firstStr;
import static io.guardops.engine.mapping.Values.str;

import io.guardops.api.AttributeMapper;
import io.guardops.api.LlmFields;
import java.util.Map;

/**
 * OpenLLMetry (Traceloop): flattened {@code gen_ai.prompt.N.role/content} and
 * {@code gen_ai.completion.N.role/content}, {@code llm.usage.*}, {@code llm.request.type},
 * {@code llm.response.model}, {@code traceloop.span.kind},
 * {@code traceloop.association.properties.*} (session and user ids), and
 * {@code traceloop.entity.input/output} as the text of workflow and task spans.
 *
 * <p>Aggregate rule: {@code traceloop.span.kind} {@code workflow}, {@code agent} or {@code task}
 * marks a wrapper whose usage repeats its children's ({@code tool} does not).
 */
final class OpenLlmetryMapper implements AttributeMapper {
  static final String NAME = "openllmetry";
  private static final IndexedKeys PROMPTS = new IndexedKeys("gen_ai.prompt.", ".content", ".role");
  private static final IndexedKeys COMPLETIONS = new IndexedKeys("gen_ai.completion.", ".content", ".role");
  /** Older OpenLLMetry versions wrote llm.prompts.N / llm.completions.N. */
  private static final IndexedKeys OLD_PROMPTS = new IndexedKeys("llm.prompts.", ".content", ".role");
  private static final IndexedKeys OLD_COMPLETIONS = new IndexedKeys("llm.completions.", ".content", ".role");
  private static final String ASSOC = "traceloop.association.properties.";

  @Override
  public void map(String spanName, Map<String, Object> a, Map<String, Object> resource, LlmFields.Builder out) {
    String kind = str(a, "traceloop.span.kind");
    if (kind != null) {
      String k = Values.lower(kind);
      if (k.equals("workflow") || k.equals("agent") || k.equals("task")) {
        out.usageIsAggregate(true);
      }
      out.operationIfAbsent(k.equals("agent") ? "invoke_agent" : k.equals("tool") ? "execute_tool" : k);
    }
    String type = str(a, "llm.request.type");
    if (type != null) {
      out.operationIfAbsent(operation(Values.lower(type)));
    }
    out.providerIfAbsent(firstStr(a, "gen_ai.system", "llm.vendor"));
    out.requestModelIfAbsent(firstStr(a, "gen_ai.request.model", "llm.request.model"));
    out.responseModelIfAbsent(firstStr(a, "gen_ai.response.model", "llm.response.model"));
    out.inputTokensIfAbsent(firstCount(a, "gen_ai.usage.prompt_tokens", "gen_ai.usage.input_tokens",
        "llm.usage.prompt_tokens"));
    out.outputTokensIfAbsent(firstCount(a, "gen_ai.usage.completion_tokens", "gen_ai.usage.output_tokens",
        "llm.usage.completion_tokens"));
    out.totalTokensIfAbsent(firstCount(a, "llm.usage.total_tokens", "gen_ai.usage.total_tokens"));
    out.cachedInputTokensIfAbsent(firstCount(a, "gen_ai.usage.cache_read_input_tokens",
        "llm.usage.cache_read_input_tokens"));
    out.reasoningTokensIfAbsent(firstCount(a, "gen_ai.usage.reasoning_tokens", "llm.usage.reasoning_tokens"));
    if (out.prompt() == null) {
      out.promptIfAbsent(PROMPTS.join(a));
      out.promptIfAbsent(OLD_PROMPTS.join(a));
    }
    if (out.output() == null) {
      out.outputIfAbsent(COMPLETIONS.join(a));
      out.outputIfAbsent(OLD_COMPLETIONS.join(a));
    }
    if (kind != null) {
      out.promptIfAbsent(text(a.get("traceloop.entity.input")));
      out.outputIfAbsent(text(a.get("traceloop.entity.output")));
    }
    out.sessionIdIfAbsent(firstStr(a, ASSOC + "session_id", ASSOC + "sessionId", ASSOC + "session.id"));
    out.userIdIfAbsent(firstStr(a, ASSOC + "user_id", ASSOC + "userId", ASSOC + "user.id"));
  }

  /** OpenLLMetry's request types in GenAI operation names. */
  static String operation(String type) {
    switch (type) {
      case "chat": return "chat";
      case "completion": return "text_completion";
      case "embedding": return "embeddings";
      default: return type;
    }
  }

  private static String text(Object v) {
    if (v == null) {
      return null;
    }
    String t = Messages.text(v);
    return t == null || t.isBlank() ? null : t;
  }

  @Override
  public int order() {
    return 30;
  }

  /** The provider of this mapper. */
  static final class Provider extends MapperProvider {
    Provider() {
      super(NAME, new OpenLlmetryMapper());
    }
  }
}
