package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Traces sent by the real OpenTelemetry Java SDK exporter (protobuf, plain and gzip+chunked) and read back. */
class OtlpIngestIT {
  @TempDir
  Path dir;

  private static String sendChat(TestHost host, String key, String compression, String model, String prompt) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + host.server.port() + "/v1/traces")
        .addHeader("Authorization", "Bearer " + key)
        .setCompression(compression)
        .build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "chat-app")))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    Tracer tracer = provider.get("it");
    Span root = tracer.spanBuilder("handle request").startSpan();
    String traceId = root.getSpanContext().getTraceId();
    try (Scope ignored = root.makeCurrent()) {
      Span chat = tracer.spanBuilder("chat " + model).setSpanKind(SpanKind.CLIENT)
          .setAttribute("gen_ai.operation.name", "chat")
          .setAttribute("gen_ai.provider.name", "openai")
          .setAttribute("gen_ai.request.model", model)
          .setAttribute("gen_ai.response.model", model)
          .setAttribute("gen_ai.usage.input_tokens", 1000L)
          .setAttribute("gen_ai.usage.output_tokens", 500L)
          .setAttribute("gen_ai.prompt", prompt)
          .setAttribute("gen_ai.completion", "Paris is the capital of France.")
          .startSpan();
      chat.end();
    }
    root.setStatus(StatusCode.OK);
    root.end();
    CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
    assertThat(flushed.isSuccess()).as("the exporter's requests were acknowledged").isTrue();
    provider.shutdown().join(10, TimeUnit.SECONDS);
    return traceId;
  }

  @Test
  void theJavaSdkExporterSendsTracesThatReadBackWithModelTokensCostAndText() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of())) {
      String key = host.send("POST", "/api/create_key?user_id=0").json().asText();
      String project = host.send("GET", "/api/get_projects?user_id=0").json().get("projects").get(0)
          .get("project_id").asText();
      String plain = sendChat(host, key, "none", "gpt-4o-mini", "What is the capital of France?");
      String gzipped = sendChat(host, key, "gzip", "gpt-4o", "Capital of France, gzip edition?");

      JsonNode traces = host.send("GET", "/api/get_project_traces?user_id=0&project_id=" + project).json()
          .get("traces");
      assertThat(traces).hasSize(2);
      for (JsonNode trace : traces) {
        assertThat(trace).hasSize(2);
        assertThat(trace.get(0).get("parent_id").isNull()).isTrue();
        assertThat(trace.get(0).get("name").asText()).isEqualTo("handle request");
        JsonNode chat = trace.get(1);
        assertThat(chat.get("kind").asText()).isEqualTo("SpanKind.CLIENT");
        assertThat(chat.get("parent_id").asText()).isEqualTo(trace.get(0).at("/context/span_id").asText());
        JsonNode a = chat.get("attributes");
        assertThat(a.get("prompt_tokens").asLong()).isEqualTo(1000);
        assertThat(a.get("completion_tokens").asLong()).isEqualTo(500);
        assertThat(a.get("total_tokens").asLong()).isEqualTo(1500);
        assertThat(a.get("output").asText()).isEqualTo("Paris is the capital of France.");
        assertThat(a.get("prompt").asText()).contains("France");
        assertThat(a.get("cost").asDouble()).isPositive();
      }
      JsonNode byId = host.send("GET", "/api/get_trace?user_id=0&project_id=" + project + "&trace_id=0x" + gzipped)
          .json();
      assertThat(byId.at("/summary/model").asText()).isEqualTo("gpt-4o");
      assertThat(byId.at("/summary/total_tokens").asLong()).isEqualTo(1500);
      assertThat(byId.at("/summary/cost").asDouble()).isPositive();
      assertThat(host.send("GET", "/api/search_traces?user_id=0&project_id=" + project + "&model=gpt-4o-mini")
          .json().get("traces").get(0).get("trace_id").asText()).isEqualTo("0x" + plain);
      assertThat(host.send("GET", "/api/search_traces?user_id=0&project_id=" + project + "&text=gzip%20edition")
          .json().get("traces")).hasSize(1);
      assertThat(host.send("GET", "/api/get_metrics?user_id=0&project_id=" + project + "&bucket=minute")
          .json().get("metrics")).hasSize(2);
      assertThat(host.send("GET", "/api/get_projects?user_id=0").json().at("/projects/0/stats/trace_count").asLong())
          .isEqualTo(2);
      JsonNode viz = host.send("GET", "/api/get_data_for_traces_viz?user_id=0&project_id=" + project).json();
      assertThat(viz.get("0x" + plain).get("runtime").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(host.send("GET", "/api/get_thresholds_for_viz?user_id=0&project_id=" + project).json()
          .get("latency_warning_thresholds").asDouble()).isEqualTo(5.0);
    }
  }

  /** A minimal OTLP/JSON request with the given spans (already JSON objects). */
  static String otlpJson(String... spans) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
        + "{\"stringValue\":\"bad-client\"}}]},\"scopeSpans\":[{\"spans\":[" + String.join(",", spans) + "]}]}]}";
  }

  static String jsonSpan(String traceId, String spanId, String start, String end) {
    return "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId + "\",\"name\":\"chat\",\"kind\":3,"
        + "\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + end + "\",\"attributes\":["
        + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}}]}";
  }

  /** The google.rpc.Status of an OTLP error reply, as {code, message}, from protobuf or JSON. */
  static Object[] rpcStatus(String contentType, byte[] body) throws Exception {
    if (contentType.startsWith("application/x-protobuf")) {
      com.google.protobuf.UnknownFieldSet f = com.google.protobuf.UnknownFieldSet.parseFrom(body);
      return new Object[] {f.getField(1).getVarintList().get(0).intValue(),
          f.getField(2).getLengthDelimitedList().get(0).toStringUtf8()};
    }
    assertThat(contentType).startsWith("application/json");
    JsonNode n = TestHost.JSON.readTree(body);
    assertThat(n.has("detail")).as("OTLP replies carry a google.rpc.Status, not {detail}").isFalse();
    return new Object[] {n.get("code").asInt(), n.get("message").asText()};
  }

  @Test
  void badOtlpRequestsGetOtlpStatusErrorsAndStoreNothing() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.http.max-body-bytes", "4096"))) {
      String key = host.send("POST", "/api/create_key?user_id=0").json().asText();
      String project = host.send("GET", "/api/get_projects?user_id=0").json().get("projects").get(0)
          .get("project_id").asText();
      var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      record Case(String type, String encoding, String auth, String project, byte[] body, int status, int grpc,
          String message) {}
      ByteArrayOutputStream bomb = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
        gz.write(new byte[100_000]);
      }
      String bearer = "Bearer " + key;
      String t = "5b8efff798038103d269b633813fc60c";
      String s = "eee19b7ec3c1b174";
      String ok = "1700000000000000000";
      Case[] cases = {
          new Case("application/x-protobuf", null, bearer, null, "garbage\u0001\u0002".getBytes(), 400, 3, "protobuf"),
          new Case("application/json", null, bearer, null, "{\"resourceSpans\": [".getBytes(), 400, 3, "JSON"),
          new Case("application/x-protobuf", "gzip", bearer, null, "not gzip".getBytes(), 400, 3, "gzip"),
          new Case("application/x-protobuf", "br", bearer, null, "x".getBytes(), 415, 12, "Content-Encoding"),
          new Case("text/plain", null, bearer, null, "x".getBytes(), 415, 12, "Content-Type"),
          new Case("application/json", null, "Bearer nope", null, "{}".getBytes(), 401, 16, "unknown or revoked"),
          new Case("application/x-protobuf", null, null, null, new byte[0], 401, 16, "API key is required"),
          new Case("application/json", null, bearer, "someone-elses", "{\"resourceSpans\":[]}".getBytes(), 404, 5,
              "someone-elses"),
          new Case("application/json", null, bearer, null, new byte[8000], 413, 8, "limit"),
          new Case("application/json", "gzip", bearer, null, bomb.toByteArray(), 413, 8, "limit"),
          // every span unusable: a permanent 400, not a 200 that stored nothing
          new Case("application/json", null, bearer, null, otlpJson(jsonSpan(t.substring(2), s, ok, ok)).getBytes(),
              400, 3, "trace id"),
          new Case("application/json", null, bearer, null, otlpJson(jsonSpan(t, s + "00", ok, ok)).getBytes(),
              400, 3, "span id"),
          new Case("application/json", null, bearer, null, otlpJson(jsonSpan(t, s, ok, "1")).getBytes(),
              400, 3, "end time"),
          new Case("application/json", null, bearer, null,
              otlpJson(jsonSpan(t, s, "9000000000000000000", "9000000000000000000")).getBytes(), 400, 3, "range"),
          new Case("application/json", null, bearer, null,
              otlpJson(jsonSpan(t, s, "99999999999999999999", "1")).getBytes(), 400, 3, "64-bit integer"),
      };
      for (Case c : cases) {
        var rb = java.net.http.HttpRequest.newBuilder(host.uri("/v1/traces"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(c.body())).header("Content-Type", c.type());
        if (c.encoding() != null) {
          rb.header("Content-Encoding", c.encoding());
        }
        if (c.auth() != null) {
          rb.header("Authorization", c.auth());
        }
        if (c.project() != null) {
          rb.header("x-guardops-project", c.project());
        }
        var r = http.send(rb.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        String what = c.type() + " " + c.encoding() + " " + new String(c.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(what).isEqualTo(c.status());
        Object[] status = rpcStatus(r.headers().firstValue("content-type").orElse(""), r.body());
        assertThat(status[0]).as(what).isEqualTo(c.grpc());
        assertThat((String) status[1]).as(what).containsIgnoringCase(c.message());
      }
      assertThat(host.send("GET", "/api/get_project_traces?user_id=0&project_id=" + project).json().get("traces"))
          .isEmpty();
      assertThat(host.send("GET", "/health").status()).isEqualTo(200);

      // some spans bad, some good: 200 with partial success; the good ones are stored
      var partial = http.send(java.net.http.HttpRequest.newBuilder(host.uri("/v1/traces"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              otlpJson(jsonSpan(t, s, ok, ok), jsonSpan(t, "0000000000000000", ok, ok))))
          .header("Content-Type", "application/json").header("Authorization", bearer).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(partial.statusCode()).isEqualTo(200);
      JsonNode ps = TestHost.JSON.readTree(partial.body()).get("partialSuccess");
      assertThat(ps.get("rejectedSpans").asText()).isEqualTo("1");
      assertThat(ps.get("errorMessage").asText()).contains("span id");
      JsonNode stored = host.send("GET", "/api/get_project_traces?user_id=0&project_id=" + project).json()
          .get("traces");
      assertThat(stored).hasSize(1);
      assertThat(stored.get(0).get(0).at("/context/span_id").asText()).isEqualTo("0x" + s);
    }
  }
}
