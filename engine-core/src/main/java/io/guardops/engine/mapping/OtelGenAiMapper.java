package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.Values.firstCount;
import static io.guardops.engine.mapping.Values.firstStr;
import static io.guardops.engine.mapping.Values.str;

import io.guardops.api.AttributeMapper;
import io.guardops.api.LlmFields;
import java.util.Map;

/**
 * OpenTelemetry GenAI semantic conventions, current and deprecated forms: {@code gen_ai.*} keys for
 * operation, provider, models, usage (with cache-read and reasoning details), structured input and
 * output messages, conversation id; {@code gen_ai.system}, {@code gen_ai.usage.prompt_tokens} /
 * {@code completion_tokens}, {@code gen_ai.prompt} / {@code gen_ai.completion} as fallbacks.
 *
 * <p>Aggregate rule: {@code gen_ai.operation.name} of {@code invoke_agent}, {@code create_agent},
 * {@code workflow} or {@code invoke_workflow} marks a wrapper whose usage repeats its children's,
 * so {@link LlmFields#usageIsAggregate()} is set.
 */
final class OtelGenAiMapper implements AttributeMapper {
  static final String NAME = "otel-genai";

  @Override
  public void map(String spanName, Map<String, Object> a, Map<String, Object> resource, LlmFields.Builder out) {
    String op = str(a, "gen_ai.operation.name");
    if (op != null) {
      out.operationIfAbsent(op);
      if (isAggregateOperation(op)) {
        out.usageIsAggregate(true);
      }
    }
    out.providerIfAbsent(firstStr(a, "gen_ai.provider.name", "gen_ai.system"));
    out.requestModelIfAbsent(str(a, "gen_ai.request.model"));
    out.responseModelIfAbsent(str(a, "gen_ai.response.model"));
    out.inputTokensIfAbsent(firstCount(a, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"));
    out.outputTokensIfAbsent(firstCount(a, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"));
    out.totalTokensIfAbsent(firstCount(a, "gen_ai.usage.total_tokens"));
    out.cachedInputTokensIfAbsent(firstCount(a, "gen_ai.usage.cache_read.input_tokens",
        "gen_ai.usage.cache_read_input_tokens", "gen_ai.usage.input_tokens.cached",
        "gen_ai.usage.cached_tokens", "gen_ai.usage.prompt_tokens_details.cached_tokens"));
    out.reasoningTokensIfAbsent(firstCount(a, "gen_ai.usage.reasoning.output_tokens",
        "gen_ai.usage.reasoning_tokens", "gen_ai.usage.output_tokens.reasoning",
        "gen_ai.usage.completion_tokens_details.reasoning_tokens"));
    if (out.prompt() == null) {
      Object v = a.get("gen_ai.input.messages");
      out.promptIfAbsent(v != null ? Messages.text(v) : null);
      // only a plain string: OpenLLMetry flattens gen_ai.prompt.N.*, handled by its own mapper
      out.promptIfAbsent(textOrNull(a.get("gen_ai.prompt")));
    }
    if (out.output() == null) {
      Object v = a.get("gen_ai.output.messages");
      out.outputIfAbsent(v != null ? Messages.text(v) : null);
      out.outputIfAbsent(textOrNull(a.get("gen_ai.completion")));
    }
    out.sessionIdIfAbsent(str(a, "gen_ai.conversation.id"));
    out.userIdIfAbsent(firstStr(a, "user.id", "enduser.id"));
  }

  static boolean isAggregateOperation(String op) {
    switch (op) {
      case "invoke_agent": case "create_agent": case "workflow": case "invoke_workflow":
        return true;
      default:
        return false;
    }
  }

  private static String textOrNull(Object v) {
    if (v == null) {
      return null;
    }
    String t = Messages.text(v);
    return t == null || t.isBlank() ? null : t;
  }

  @Override
  public int order() {
    return 10;
  }

  /** The provider of this mapper. */
  static final class Provider extends MapperProvider {
    Provider() {
      super(NAME, new OtelGenAiMapper());
    }
  }
}
