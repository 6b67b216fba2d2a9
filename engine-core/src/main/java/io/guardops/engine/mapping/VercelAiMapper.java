package io.guardops.engine.mapping;

import static io.guardops.engine.mapping.Values.firstCount;
import static io.guardops.engine.mapping.Values.firstStr;
import static io.guardops.engine.mapping.Values.str;

import io.guardops.api.AttributeMapper;
import io.guardops.api.LlmFields;
import java.util.Map;

/**
 * Vercel AI SDK telemetry: {@code ai.operationId}, {@code ai.model.id}, {@code ai.model.provider},
 * {@code ai.usage.*} (promptTokens/completionTokens and inputTokens/outputTokens forms),
 * {@code ai.prompt} / {@code ai.prompt.messages}, {@code ai.response.text|object},
 * {@code ai.telemetry.metadata.*} (session and user ids).
 *
 * <p>Aggregate rule: the outer call spans ({@code ai.generateText}, {@code ai.streamText},
 * {@code ai.generateObject}, {@code ai.streamObject}, {@code ai.embed}, {@code ai.embedMany}) sum
 * the usage of their {@code .doGenerate}/{@code .doStream}/{@code .doEmbed} children (one per step),
 * so they are marked aggregate; the {@code .do*} spans are the actual provider calls.
 */
final class VercelAiMapper implements AttributeMapper {
  static final String NAME = "vercel-ai";
  private static final String META = "ai.telemetry.metadata.";

  @Override
  public void map(String spanName, Map<String, Object> a, Map<String, Object> resource, LlmFields.Builder out) {
    String opId = str(a, "ai.operationId");
    if (opId == null && !a.containsKey("ai.model.id")) {
      return;
    }
    if (opId != null) {
      if (isOuterCall(opId)) {
        out.usageIsAggregate(true);
        out.operationIfAbsent(opId);
      } else {
        out.operationIfAbsent(operation(opId));
      }
    }
    String provider = str(a, "ai.model.provider");
    if (provider != null) {
      // "openai.chat", "anthropic.messages": the part before the dot is the provider
      int dot = provider.indexOf('.');
      out.providerIfAbsent(dot > 0 ? provider.substring(0, dot) : provider);
    }
    out.requestModelIfAbsent(str(a, "ai.model.id"));
    out.responseModelIfAbsent(str(a, "ai.response.model"));
    out.inputTokensIfAbsent(firstCount(a, "ai.usage.inputTokens", "ai.usage.promptTokens"));
    out.outputTokensIfAbsent(firstCount(a, "ai.usage.outputTokens", "ai.usage.completionTokens"));
    out.totalTokensIfAbsent(firstCount(a, "ai.usage.totalTokens"));
    out.cachedInputTokensIfAbsent(firstCount(a, "ai.usage.cachedInputTokens"));
    out.reasoningTokensIfAbsent(firstCount(a, "ai.usage.reasoningTokens"));
    if (out.prompt() == null) {
      out.promptIfAbsent(text(a.get("ai.prompt.messages")));
      out.promptIfAbsent(text(a.get("ai.prompt")));
    }
    if (out.output() == null) {
      out.outputIfAbsent(str(a, "ai.response.text"));
      out.outputIfAbsent(str(a, "ai.response.object"));
      out.outputIfAbsent(str(a, "ai.result.text"));
    }
    out.sessionIdIfAbsent(firstStr(a, META + "sessionId", META + "session_id", META + "session.id"));
    out.userIdIfAbsent(firstStr(a, META + "userId", META + "user_id", META + "user.id"));
  }

  /** An {@code ai.xxx} operation without a {@code .doXxx} suffix, which wraps the provider calls. */
  static boolean isOuterCall(String opId) {
    switch (opId) {
      case "ai.generateText": case "ai.streamText": case "ai.generateObject": case "ai.streamObject":
      case "ai.embed": case "ai.embedMany":
        return true;
      default:
        return false;
    }
  }

  private static String operation(String opId) {
    if (opId.endsWith(".doEmbed")) {
      return "embeddings";
    }
    if (opId.endsWith(".doGenerate") || opId.endsWith(".doStream")) {
      return "chat";
    }
    if (opId.equals("ai.toolCall")) {
      return "execute_tool";
    }
    return opId;
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
    return 40;
  }

  /** The provider of this mapper. */
  static final class Provider extends MapperProvider {
    Provider() {
      super(NAME, new VercelAiMapper());
    }
  }
}
