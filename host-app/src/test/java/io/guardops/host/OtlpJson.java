package io.guardops.host;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OTLP/JSON export requests with exactly the ids, times and GenAI attributes a test chooses, posted
 * the way an OTLP/HTTP exporter posts them, so that tests can split one trace's spans over several
 * requests, hosts and threads and count each acknowledgement.
 */
final class OtlpJson {
  private OtlpJson() {}

  /** One span; {@code inputTokens < 0} means no model call (no GenAI attributes). */
  record SpanSpec(String traceId, String spanId, String parentSpanId, String name, long startNanos, long endNanos,
      boolean error, String model, long inputTokens, long outputTokens) {

    static SpanSpec root(String traceId, String spanId, String name, long startNanos, long endNanos) {
      return new SpanSpec(traceId, spanId, null, name, startNanos, endNanos, false, null, -1, -1);
    }

    static SpanSpec chat(String traceId, String spanId, String parent, long startNanos, long endNanos, boolean error,
        String model, long inputTokens, long outputTokens) {
      return new SpanSpec(traceId, spanId, parent, "chat " + model, startNanos, endNanos, error, model, inputTokens,
          outputTokens);
    }

    String json() {
      List<String> attributes = new ArrayList<>();
      if (inputTokens >= 0) {
        for (Map.Entry<String, String> a : Map.of("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
            "gen_ai.request.model", model, "gen_ai.response.model", model).entrySet()) {
          attributes.add("{\"key\":\"" + a.getKey() + "\",\"value\":{\"stringValue\":\"" + a.getValue() + "\"}}");
        }
        attributes.add("{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"" + inputTokens + "\"}}");
        attributes.add("{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":\"" + outputTokens + "\"}}");
      }
      return "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId + "\""
          + (parentSpanId == null ? "" : ",\"parentSpanId\":\"" + parentSpanId + "\"")
          + ",\"name\":\"" + name + "\",\"kind\":" + (parentSpanId == null ? 1 : 3)
          + ",\"startTimeUnixNano\":\"" + startNanos + "\",\"endTimeUnixNano\":\"" + endNanos + "\""
          + ",\"attributes\":[" + String.join(",", attributes) + "]"
          + ",\"status\":{\"code\":" + (error ? "2,\"message\":\"model refused\"" : "1") + "}}";
    }
  }

  /** An {@code ExportTraceServiceRequest} in OTLP/JSON with one resource and these spans. */
  static String request(List<SpanSpec> spans) {
    List<String> json = new ArrayList<>(spans.size());
    spans.forEach(s -> json.add(s.json()));
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
        + "{\"stringValue\":\"agent\"}}]},\"scopeSpans\":[{\"spans\":[" + String.join(",", json) + "]}]}]}";
  }

  /** POSTs an OTLP/JSON body with an API key and, unless {@code null}, a project header. */
  static HttpResponse<byte[]> post(HttpClient http, URI traces, String key, String project, String body)
      throws Exception {
    HttpRequest.Builder rb = HttpRequest.newBuilder(traces).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").header("x-guardops-api-key", key);
    if (project != null) {
      rb.header("x-guardops-project", project);
    }
    return http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Lowercase hex of {@code n}, {@code digits} long: readable, unique ids. */
  static String hex(long n, int digits) {
    String h = Long.toHexString(n);
    return "0".repeat(Math.max(0, digits - h.length())) + h;
  }
}
