package io.guardops.plugins.ingest.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.ingest.IngestException;
import io.guardops.api.ingest.IngestReceiver;
import io.guardops.api.ingest.IngestService;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver over a real socket, against a recording {@link IngestService}, with a raw gRPC client:
 * what reaches the engine, and each refusal's status. (host-app's GrpcIngestIT runs it in the real
 * engine with the OpenTelemetry SDKs' exporters.)
 */
class GrpcReceiverTest {
  static final String TRACE = "5b8efff798038103d269b633813fc60c";

  @TempDir
  Path dir;

  final FakeIngest ingest = new FakeIngest();
  IngestReceiver receiver;
  ManagedChannel channel;

  /** Keys: "good" is user "u"; project "secret" is not writable; {@code down} makes writes fail as a dead store does. */
  static final class FakeIngest implements IngestService {
    final List<Span> written = Collections.synchronizedList(new ArrayList<>());
    final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    volatile boolean down;

    @Override
    public Caller apiKey(String rawKey) {
      if (rawKey == null) {
        throw new IngestException(IngestException.Kind.UNAUTHENTICATED, "an API key is required");
      }
      if (!rawKey.equals("good")) {
        throw new IngestException(IngestException.Kind.UNAUTHENTICATED, "unknown or revoked API key");
      }
      return Caller.apiKey("key-1", "u");
    }

    @Override
    public Routing routing(Caller caller, String projectHeader) {
      if ("secret".equals(projectHeader)) {
        throw new IngestException(IngestException.Kind.NOT_FOUND, "project 'secret' not found for this key's owner");
      }
      return new Routing() {
        @Override
        public String projectFor(Map<String, Object> resource) {
          if (projectHeader != null) {
            return projectHeader;
          }
          Object named = resource.get("guardops.project.id");
          return named == null ? "default" : "secret".equals(named) ? null : named.toString();
        }

        @Override
        public String noProjectReason() {
          return "no project may take these spans";
        }
      };
    }

    @Override
    public void write(Caller caller, List<Span> spans) {
      if (down) {
        throw new IngestException(IngestException.Kind.UNAVAILABLE, "the store is unavailable; retry later");
      }
      written.addAll(spans);
    }

    @Override
    public long maxMessageBytes() {
      return 4096;
    }

    @Override
    public void refused(IngestException.Kind reason, int spans) {
      refusals.add(reason + ":" + spans);
    }
  }

  static ComponentContext context(IngestService ingest) {
    return new ComponentContext() {
      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public ScheduledExecutorService scheduler() {
        throw new UnsupportedOperationException();
      }

      @Override
      public <T> Optional<T> find(Class<T> type) {
        return type == IngestService.class ? Optional.of(type.cast(ingest)) : Optional.empty();
      }
    };
  }

  ComponentConfig config(Map<String, String> values) {
    return ComponentConfig.of("guardops.receivers.grpc", values, dir, Clock.systemUTC());
  }

  @BeforeEach
  void start() throws Exception {
    receiver = new GrpcReceiverProvider().create(config(Map.of("port", "0")), context(ingest));
    receiver.start();
    int port = Integer.parseInt(receiver.address().substring(receiver.address().lastIndexOf(':') + 1));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    receiver.close();
  }

  static final MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse> EXPORT =
      MethodDescriptor.<ExportTraceServiceRequest, ExportTraceServiceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(TraceService.EXPORT)
          .setRequestMarshaller(ProtoUtils.marshaller(ExportTraceServiceRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance())).build();

  /** The same method with a request of raw bytes, to send what no protobuf library would. */
  static final MethodDescriptor<byte[], ExportTraceServiceResponse> EXPORT_BYTES =
      MethodDescriptor.<byte[], ExportTraceServiceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(TraceService.EXPORT)
          .setRequestMarshaller(new MethodDescriptor.Marshaller<byte[]>() {
            @Override
            public InputStream stream(byte[] value) {
              return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
              try {
                return stream.readAllBytes();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          })
          .setResponseMarshaller(ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance())).build();

  static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static io.opentelemetry.proto.trace.v1.Span span(String spanId, String prompt) {
    return io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(ByteString.fromHex(TRACE)).setSpanId(ByteString.fromHex(spanId)).setName("chat gpt-4o-mini")
        .setStartTimeUnixNano(1_767_225_600_000_000_000L).setEndTimeUnixNano(1_767_225_601_000_000_000L)
        .addAttributes(kv("gen_ai.request.model", "gpt-4o-mini")).addAttributes(kv("gen_ai.prompt", prompt)).build();
  }

  static ExportTraceServiceRequest request(List<KeyValue> resource, io.opentelemetry.proto.trace.v1.Span... spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (io.opentelemetry.proto.trace.v1.Span s : spans) {
      scope.addSpans(s);
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAllAttributes(resource)).addScopeSpans(scope)).build();
  }

  static Metadata headers(String... pairs) {
    Metadata m = new Metadata();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(Metadata.Key.of(pairs[i], Metadata.ASCII_STRING_MARSHALLER), pairs[i + 1]);
    }
    return m;
  }

  <Q> ExportTraceServiceResponse call(MethodDescriptor<Q, ExportTraceServiceResponse> method, Q request,
      Metadata headers, String compression) {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
    if (compression != null) {
      options = options.withCompression(compression);
    }
    return ClientCalls.blockingUnaryCall(io.grpc.ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(headers)), method, options, request);
  }

  ExportTraceServiceResponse export(ExportTraceServiceRequest request, Metadata headers) {
    return call(EXPORT, request, headers, null);
  }

  static Status.Code codeOf(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void spansReachTheEngineWithTheirProjectPlainAndGzip() {
    ExportTraceServiceResponse r = export(request(List.of(kv("service.name", "chat")), span("eee19b7ec3c1b174", "hi")),
        headers("x-guardops-api-key", "good"));
    assertThat(r.hasPartialSuccess()).isFalse();
    ExportTraceServiceResponse gz = call(EXPORT, request(List.of(kv("guardops.project.id", "p2")),
        span("eee19b7ec3c1b175", "x".repeat(3_000))), headers("authorization", "Bearer good"), "gzip");
    assertThat(gz.hasPartialSuccess()).isFalse();
    export(request(List.of(), span("eee19b7ec3c1b176", "pinned")),
        headers("x-guardops-api-key", "good", "x-guardops-project", "p3"));

    assertThat(ingest.written).extracting(Span::projectId).containsExactly("default", "p2", "p3");
    Span first = ingest.written.get(0);
    assertThat(first.traceId()).isEqualTo(TRACE);
    assertThat(first.spanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(first.resource()).containsEntry("service.name", "chat");
    assertThat(first.attributes()).containsEntry("gen_ai.request.model", "gpt-4o-mini");
    assertThat(ingest.written.get(1).attributes().get("gen_ai.prompt").toString()).hasSize(3_000);
    assertThat(ingest.refusals).isEmpty();
  }

  @Test
  void badSpansAreAPartialSuccessAndAllBadIsInvalidArgument() {
    io.opentelemetry.proto.trace.v1.Span zeroId = span("eee19b7ec3c1b177", "x").toBuilder()
        .setSpanId(ByteString.copyFrom(new byte[8])).build();
    ExportTraceServiceResponse r = export(request(List.of(), span("eee19b7ec3c1b178", "ok"), zeroId),
        headers("x-guardops-api-key", "good"));
    assertThat(r.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(r.getPartialSuccess().getErrorMessage()).isNotBlank();
    assertThat(ingest.written).hasSize(1);
    assertThat(ingest.refusals).containsExactly("INVALID:1");

    StatusRuntimeException all = catchStatus(() -> export(request(List.of(kv("guardops.project.id", "secret")),
        span("eee19b7ec3c1b179", "x")), headers("x-guardops-api-key", "good")));
    assertThat(all.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(all.getStatus().getDescription()).contains("all 1 span(s) were rejected");
    assertThat(ingest.refusals).containsExactly("INVALID:1", "INVALID:1", "INVALID:0");
  }

  static StatusRuntimeException catchStatus(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void everyRefusalHasItsStatus() {
    ExportTraceServiceRequest one = request(List.of(), span("eee19b7ec3c1b180", "x"));
    assertThat(codeOf(() -> export(one, headers())) ).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(codeOf(() -> export(one, headers("x-guardops-api-key", "bad")))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(codeOf(() -> export(one, headers("authorization", "Basic good")))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(codeOf(() -> export(one, headers("x-guardops-api-key", "good", "x-guardops-project", "secret"))))
        .isEqualTo(Status.Code.NOT_FOUND);
    StatusRuntimeException malformed = catchStatus(() -> call(EXPORT_BYTES, new byte[] {0x0a, (byte) 0xff, 0x01},
        headers("x-guardops-api-key", "good"), null));
    assertThat(malformed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(malformed.getStatus().getDescription()).contains("not a valid OTLP ExportTraceServiceRequest");
    assertThat(ingest.written).isEmpty();
    // the fake's own refusals are counted by the engine's service wrapper, not here; only the receiver's own
    assertThat(ingest.refusals).containsExactly("INVALID:0");
  }

  @Test
  void tooLargeIsResourceExhaustedWithoutRetryInfoWhetherGrpcOrTheInflatedSizeCatchesIt() {
    // over the 4 KiB limit on the wire: gRPC refuses the frame itself, the tracer counts it
    ExportTraceServiceRequest big = request(List.of(), span("eee19b7ec3c1b181", "x".repeat(8000)));
    StatusRuntimeException wire = catchStatus(() -> export(big, headers("x-guardops-api-key", "good")));
    assertThat(wire.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(StatusProto.fromThrowable(wire) == null || StatusProto.fromThrowable(wire).getDetailsCount() == 0)
        .isTrue();
    // small on the wire, over the limit once inflated: caught while reading, answered by the handler
    StatusRuntimeException inflated = catchStatus(() -> call(EXPORT, big, headers("x-guardops-api-key", "good"),
        "gzip"));
    assertThat(inflated.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(inflated.getStatus().getDescription()).contains("larger than the limit of 4096 bytes");
    assertThat(ingest.written).isEmpty();
    assertThat(ingest.refusals).containsExactly("TOO_LARGE:0", "TOO_LARGE:0");
  }

  @Test
  void aStoreThatIsDownIsUnavailableWithRetryInfo() {
    ingest.down = true;
    StatusRuntimeException e = catchStatus(() -> export(request(List.of(), span("eee19b7ec3c1b182", "x")),
        headers("x-guardops-api-key", "good")));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getTrailers().containsKey(Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER)))
        .isTrue();
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertThat(details.getDetailsCount()).isEqualTo(1);
    assertThat(details.getDetails(0).is(RetryInfo.class)).isTrue();
    assertThat(unpack(details).getRetryDelay().getSeconds()).isEqualTo(5);
  }

  private static RetryInfo unpack(com.google.rpc.Status details) {
    try {
      return details.getDetails(0).unpack(RetryInfo.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theAddressHasTheBoundPortAndHealthFollowsTheServer() throws Exception {
    assertThat(receiver.address()).matches("grpc://127\\.0\\.0\\.1:\\d+").doesNotEndWith(":0");
    assertThat(receiver.check().healthy()).isTrue();
    receiver.close();
    receiver.close(); // idempotent
    assertThat(receiver.check().healthy()).isFalse();
  }

  @Test
  void aPortInUseAndBadSettingsSayWhatToChange() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      IngestReceiver clash = new GrpcReceiverProvider().create(config(Map.of("port",
          String.valueOf(taken.getLocalPort()))), context(ingest));
      assertThatThrownBy(clash::start).hasMessageContaining("cannot listen for OTLP/gRPC on 127.0.0.1:"
          + taken.getLocalPort()).hasMessageContaining("guardops.receivers.grpc.port");
      clash.close();
    }
    assertThatThrownBy(() -> new GrpcReceiverProvider().create(config(Map.of("port", "70000")), context(ingest)))
        .hasMessageContaining("guardops.receivers.grpc.port must be between 0 and 65535");
    assertThatThrownBy(() -> new GrpcReceiverProvider().create(config(Map.of("max-message-bytes", "10")),
        context(ingest))).hasMessageContaining("guardops.receivers.grpc.max-message-bytes");
    assertThat(new GrpcReceiverProvider().name()).isEqualTo("grpc");
  }
}
