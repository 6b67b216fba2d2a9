package io.guardops.host;

import io.guardops.api.Json;
import io.guardops.tck.OpenAiCompatibleServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The TCK's local OpenAI-compatible server, set up as the host's model endpoint (no test reaches the internet). */
final class ModelServer {
  private ModelServer() {}

  /** Settings that point the model-openai plugin at {@code server}, with quick retries and a short deadline. */
  static Map<String, String> settings(OpenAiCompatibleServer server) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("guardops.model-client", "openai");
    s.put("guardops.model-client.openai.base-url", server.baseUrl());
    s.put("guardops.model-client.openai.api-key", server.apiKey());
    s.put("guardops.model-client.openai.max-retries", "2");
    s.put("guardops.model-client.openai.initial-backoff", "10ms");
    s.put("guardops.model-client.openai.max-backoff", "50ms");
    s.put("guardops.model-client.openai.request-timeout", "1500ms");
    return s;
  }

  /** Whether a request is an LLM judge's (the evaluation plugin's judges say so in their system prompt). */
  static boolean isJudge(OpenAiCompatibleServer.RecordedRequest r) {
    return r.messages().stream().anyMatch(m -> "system".equals(m.get("role"))
        && String.valueOf(m.get("content")).contains("impartial evaluator"));
  }

  /** Judges get {@code {"score", "label", "reason"}}; every other request gets {@code task}'s answer. */
  static Function<OpenAiCompatibleServer.RecordedRequest, String> answers(
      Function<OpenAiCompatibleServer.RecordedRequest, String> task, double score, String label) {
    Map<String, Object> verdict = new LinkedHashMap<>();
    verdict.put("score", score);
    verdict.put("label", label);
    verdict.put("reason", "the test judge says so");
    String json = Json.write(verdict);
    return r -> isJudge(r) ? json : task.apply(r);
  }
}
