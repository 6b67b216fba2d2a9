package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.Values.firstCount;
import static io.guardops.engine.mapping.Values.firstStr;
import static io.guardops.engine.mapping.Values.str;

import io.guardops.api.AttributeMapper;
import io.guardops.api.LlmFields;
import java.util.Map;

/**
 * OpenInference (Arize Phoenix; LangChain, LlamaIndex, ... instrumentations): {@code llm.*} keys,
 * flattened {@code llm.input_messages.N.message.*} / {@code llm.output_messages.N.message.*},
 * {@code input.value} / {@code output.value} as fallbacks, {@code session.id}, {@code user.id}.
 *
 * <p>Aggregate rule: {@code openinference.span.kind} {@code AGENT} or {@code CHAIN} marks a wrapper
 * whose token counts (when an instrumentation rolls them up) repeat its LLM children's.
 */
final class OpenInferenceMapper implements AttributeMapper {
  static final String NAME = "openinference";
  private static final IndexedKeys INPUT = new IndexedKeys("llm.input_messages.", ".message.content", ".message.role");
  private static final IndexedKeys OUTPUT = new IndexedKeys("llm.output_messages.", ".message.content", ".message.role");

  @Override
  public void map(String spanName, Map<String, Object> a, Map<String, Object> resource, LlmFields.Builder out) {
    String kind = str(a, "openinference.span.kind");
    if (kind != null) {
      String k = kind.toUpperCase(java.util.Locale.ROOT);
      out.operationIfAbsent(operation(k));
      if (k.equals("AGENT") || k.equals("CHAIN")) {
        out.usageIsAggregate(true);
      }
    }
    out.providerIfAbsent(firstStr(a, "llm.provider", "llm.system"));
    out.requestModelIfAbsent(str(a, "llm.model_name"));
    out.inputTokensIfAbsent(firstCount(a, "llm.token_count.prompt"));
    out.outputTokensIfAbsent(firstCount(a, "llm.token_count.completion"));
    out.totalTokensIfAbsent(firstCount(a, "llm.token_count.total"));
    out.cachedInputTokensIfAbsent(firstCount(a, "llm.token_count.prompt_details.cache_read"));
    out.reasoningTokensIfAbsent(firstCount(a, "llm.token_count.completion_details.reasoning"));
    if (out.prompt() == null) {
      out.promptIfAbsent(INPUT.join(a));
    }
    if (out.output() == null) {
      out.outputIfAbsent(OUTPUT.join(a));
    }
    if (kind != null || a.containsKey("llm.model_name")) {
      // input.value / output.value are generic OpenInference keys; only trust them on its spans
      out.promptIfAbsent(text(a.get("input.value")));
      out.outputIfAbsent(text(a.get("output.value")));
    }
    out.sessionIdIfAbsent(str(a, "session.id"));
    out.userIdIfAbsent(str(a, "user.id"));
  }

  private static String operation(String kind) {
    switch (kind) {
      case "LLM": return "chat";
      case "EMBEDDING": return "embeddings";
      case "AGENT": return "invoke_agent";
      case "TOOL": return "execute_tool";
      default: return kind.toLowerCase(java.util.Locale.ROOT);
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
    return 20;
  }

  /** The provider of this mapper. */
  static final class Provider extends MapperProvider {
    Provider() {
      super(NAME, new OpenInferenceMapper());
    }
  }
}
