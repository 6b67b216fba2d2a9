package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.engine.Projects;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP/gRPC end to end: the ingest-grpc plugin loaded from its zip by PF4J, fed by the OpenTelemetry Java
 * SDK's gRPC exporter (plain and gzip) and by a raw gRPC client for every refusal; a span reads back
 * over HTTP exactly as the same span sent over OTLP/HTTP.
 */
class GrpcIngestIT {
  @TempDir
  Path dir;

  /** Keeps what the SDK hands its exporter, so that one set of spans can go out over both transports. */
  static final class Recorder implements SpanExporter {
    final List<SpanData> spans = new ArrayList<>();

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** An agent trace of two spans with GenAI attributes, events and an error status, made by the Java SDK. */
  static List<SpanData> chatTrace(String model) {
    Recorder recorder = new Recorder();
    try (SdkTracerProvider sdk = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "grpc-chat")))
        .addSpanProcessor(SimpleSpanProcessor.create(recorder)).build()) {
      Tracer tracer = sdk.get("grpc-it", "1.2.3");
      Span agent = tracer.spanBuilder("invoke_agent support").setAttribute("gen_ai.operation.name", "invoke_agent")
          .startSpan();
      try (Scope ignored = agent.makeCurrent()) {
        Span chat = tracer.spanBuilder("chat " + model).setSpanKind(SpanKind.CLIENT)
            .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "openai")
            .setAttribute("gen_ai.request.model", model).setAttribute("gen_ai.usage.input_tokens", 1000L)
            .setAttribute("gen_ai.usage.output_tokens", 500L)
            .setAttribute("gen_ai.prompt", "What is the capital of France?")
            .setAttribute("gen_ai.completion", "Paris.").startSpan();
        chat.addEvent("retry", Attributes.of(AttributeKey.longKey("attempt"), 2L));
        chat.setStatus(StatusCode.ERROR, "rate limited once");
        chat.end();
      }
      agent.end();
    }
    return recorder.spans;
  }

  static void send(SpanExporter exporter, List<SpanData> spans) {
    CompletableResultCode r = exporter.export(spans).join(20, TimeUnit.SECONDS);
    assertThat(r.isSuccess()).as("the export was acknowledged").isTrue();
    exporter.shutdown().join(5, TimeUnit.SECONDS);
  }

  static OtlpGrpcSpanExporter grpcExporter(TestHost host, String key, String compression, String project) {
    return OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + host.grpcPort())
        .addHeader("x-guardops-api-key", key).addHeader("x-guardops-project", project)
        .setCompression(compression).setTimeout(Duration.ofSeconds(20)).build();
  }

  static String project(TestHost host, String name) {
    return host.engine.projects().create(Caller.localUser("0"), new Projects.Draft(name, "", List.of(), 0, null, null))
        .projectId();
  }

  /** The JSON without any {@code project_id} (get_trace has none today): what must match between two projects. */
  static JsonNode withoutProjectIds(JsonNode node) {
    JsonNode copy = node.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode o) {
      o.remove("project_id");
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      strip(it.next());
    }
  }

  @Test
  void theJavaSdksGrpcExporterPlainAndGzipAndASpanReadsBackExactlyAsOverHttp() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of())) {
      String key = host.send("POST", "/api/create_key?user_id=0").json().asText();
      String overGrpc = project(host, "over grpc");
      String overGzip = project(host, "over grpc gzip");
      String overHttp = project(host, "over http");
      List<SpanData> spans = chatTrace("gpt-4o-mini");
      String traceId = spans.get(0).getTraceId();

      send(grpcExporter(host, key, "none", overGrpc), spans);
      send(grpcExporter(host, key, "gzip", overGzip), spans);
      send(OtlpHttpSpanExporter.builder().setEndpoint(host.uri("/v1/traces").toString())
          .addHeader("x-guardops-api-key", key).addHeader("x-guardops-project", overHttp).build(), spans);

      JsonNode http = host.send("GET", "/api/get_trace?user_id=0&project_id=" + overHttp + "&trace_id=" + traceId)
          .json();
      assertThat(http.at("/summary/span_count").asInt()).isEqualTo(2);
      assertThat(http.at("/summary/model").asText()).isEqualTo("gpt-4o-mini");
      assertThat(http.at("/summary/cost").asDouble()).isPositive();
      for (String p : List.of(overGrpc, overGzip)) {
        JsonNode grpc = host.send("GET", "/api/get_trace?user_id=0&project_id=" + p + "&trace_id=" + traceId).json();
        assertThat(grpc.at("/summary/span_count").asInt()).isEqualTo(2);
        assertThat(withoutProjectIds(grpc)).as("the trace sent over gRPC reads back as the one sent over HTTP")
            .isEqualTo(withoutProjectIds(http));
      }
    }
  }

  static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static ExportTraceServiceRequest request(String prompt) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(io.opentelemetry.proto.trace.v1.Span.newBuilder()
            .setTraceId(ByteString.fromHex("5b8efff798038103d269b633813fc60c"))
            .setSpanId(ByteString.fromHex("eee19b7ec3c1b174")).setName("chat")
            .setStartTimeUnixNano(1_767_225_600_000_000_000L).setEndTimeUnixNano(1_767_225_601_000_000_000L)
            .addAttributes(kv("gen_ai.prompt", prompt))))).build();
  }

  @Test
  void everyRefusalHasTheStatusTheOtlpSpecificationGives() throws Exception {
    TestHost.pluginsDir(dir);
    SwitchableStore store = new SwitchableStore();
    try (TestHost host = new TestHost(dir, Map.of("guardops.receivers.grpc.max-message-bytes", "4096"),
        b -> b.store(store.store())); GrpcCalls grpc = new GrpcCalls(host.grpcPort())) {
      String key = host.send("POST", "/api/create_key?user_id=0").json().asText();
      host.engine.users().provision("other");
      String othersProject = host.engine.projects().create(Caller.userToken("other", EnumSet.of(Role.FULL_ACCESS)),
          new Projects.Draft("not shared", "", List.of(), 0, null, null)).projectId();
      ExportTraceServiceRequest one = request("hello");

      assertThat(GrpcCalls.refusal(() -> grpc.export(one, GrpcCalls.headers())).getStatus().getCode())
          .as("no key").isEqualTo(Status.Code.UNAUTHENTICATED);
      StatusRuntimeException badKey = GrpcCalls.refusal(() -> grpc.export(one,
          GrpcCalls.headers("authorization", "Bearer go-not-a-key")));
      assertThat(badKey.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(badKey.getStatus().getDescription()).isEqualTo("unknown or revoked API key");
      StatusRuntimeException notYours = GrpcCalls.refusal(() -> grpc.export(one,
          GrpcCalls.headers("x-guardops-api-key", key, "x-guardops-project", othersProject)));
      assertThat(notYours.getStatus().getCode()).as("a project the key may not write to is answered as missing")
          .isEqualTo(Status.Code.NOT_FOUND);
      assertThat(GrpcCalls.refusal(() -> grpc.export(GrpcCalls.EXPORT_BYTES, new byte[] {0x0a, 0x05, 0x01},
          GrpcCalls.headers("x-guardops-api-key", key), null)).getStatus().getCode())
          .as("malformed").isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(GrpcCalls.refusal(() -> grpc.export(request("x".repeat(5000)),
          GrpcCalls.headers("x-guardops-api-key", key))).getStatus().getCode())
          .as("too large").isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(GrpcCalls.refusal(() -> grpc.export(GrpcCalls.EXPORT_REQUEST, request("x".repeat(5000)),
          GrpcCalls.headers("x-guardops-api-key", key), "gzip")).getStatus().getCode())
          .as("too large once inflated").isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

      store.down = true;
      StatusRuntimeException down = GrpcCalls.refusal(() -> grpc.export(one,
          GrpcCalls.headers("x-guardops-api-key", key)));
      assertThat(down.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      com.google.rpc.Status details = StatusProto.fromThrowable(down);
      assertThat(details).as("grpc-status-details-bin").isNotNull();
      assertThat(details.getDetails(0).unpack(RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(5);
      store.down = false;
      ExportTraceServiceResponse ok = grpc.export(one, GrpcCalls.headers("x-guardops-api-key", key));
      assertThat(ok.hasPartialSuccess()).isFalse();
      assertThat(host.send("GET", "/api/search_traces?user_id=0&project_id=" + host.engine.projects()
          .defaultProject("0").orElseThrow().projectId()).json().get("traces")).hasSize(1);
    }
  }
}
