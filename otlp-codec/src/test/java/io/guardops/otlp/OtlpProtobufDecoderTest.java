package io.guardops.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpProtobufDecoderTest {
  static final String TRACE = "5b8efff798038103d269b633813fc60c";
  static final String SPAN = "eee19b7ec3c1b174";
  static final String PARENT = "eee19b7ec3c1b173";
  static final long START = 1_700_000_000_123_456_789L;

  private final List<Map<String, Object>> seenResources = new ArrayList<>();
  private final OtlpProtobufDecoder decoder = new OtlpProtobufDecoder(res -> {
    seenResources.add(res);
    Object p = res.get(ProjectResolver.PROJECT_ATTRIBUTE);
    return p == null ? "default" : p.toString();
  });

  static ByteString hex(String h) {
    return ByteString.copyFrom(HexFormat.of().parseHex(h));
  }

  static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  static io.opentelemetry.proto.trace.v1.Span.Builder span(String traceId, String spanId) {
    return io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(hex(traceId)).setSpanId(hex(spanId)).setName("chat gpt-4o")
        .setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(START).setEndTimeUnixNano(START + 1_500_000_000L);
  }

  static ExportTraceServiceRequest request(Resource resource, io.opentelemetry.proto.trace.v1.Span... spans) {
    ScopeSpans.Builder ss = ScopeSpans.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("openai-instrumentation").setVersion("1.2.3"));
    for (io.opentelemetry.proto.trace.v1.Span s : spans) {
      ss.addSpans(s);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(ss)).build();
  }

  static Resource resource(String project) {
    Resource.Builder r = Resource.newBuilder().addAttributes(kv("service.name", str("chatbot")));
    if (project != null) {
      r.addAttributes(kv(ProjectResolver.PROJECT_ATTRIBUTE, str(project)));
    }
    return r.build();
  }

  @Test
  void decodesAllFieldsOfAValidSpan() {
    AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
        .addValues(str("a")).addValues(AnyValue.newBuilder().setIntValue(2))).build();
    AnyValue kvlist = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
        .addValues(kv("inner", AnyValue.newBuilder().setBoolValue(true).build()))).build();
    io.opentelemetry.proto.trace.v1.Span s = span(TRACE, SPAN)
        .setParentSpanId(hex(PARENT))
        .addAttributes(kv("gen_ai.request.model", str("gpt-4o")))
        .addAttributes(kv("gen_ai.usage.input_tokens", AnyValue.newBuilder().setIntValue(12).build()))
        .addAttributes(kv("temperature", AnyValue.newBuilder().setDoubleValue(0.5).build()))
        .addAttributes(kv("stream", AnyValue.newBuilder().setBoolValue(false).build()))
        .addAttributes(kv("list", array))
        .addAttributes(kv("map", kvlist))
        .addAttributes(kv("raw", AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("hi")).build()))
        .addAttributes(kv("empty", AnyValue.getDefaultInstance()))
        .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setName("exception")
            .setTimeUnixNano(START + 10).addAttributes(kv("exception.message", str("boom"))))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("rate limited"))
        .build();

    DecodedSpans out = decoder.decode(request(resource("p1"), s).toByteArray());

    assertThat(out.rejectedSpans()).isZero();
    assertThat(out.firstError()).isNull();
    assertThat(out.complete()).isTrue();
    Span span = out.spans().get(0);
    assertThat(span.projectId()).isEqualTo("p1");
    assertThat(span.traceId()).isEqualTo(TRACE);
    assertThat(span.spanId()).isEqualTo(SPAN);
    assertThat(span.parentSpanId()).isEqualTo(PARENT);
    assertThat(span.name()).isEqualTo("chat gpt-4o");
    assertThat(span.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.startEpochNanos()).isEqualTo(START);
    assertThat(span.endEpochNanos()).isEqualTo(START + 1_500_000_000L);
    assertThat(span.status()).isEqualTo(StatusCode.ERROR);
    assertThat(span.statusMessage()).isEqualTo("rate limited");
    assertThat(span.attributes())
        .containsEntry("gen_ai.request.model", "gpt-4o")
        .containsEntry("gen_ai.usage.input_tokens", 12L)
        .containsEntry("temperature", 0.5)
        .containsEntry("stream", false)
        .containsEntry("list", List.of("a", 2L))
        .containsEntry("map", Map.of("inner", true))
        .containsEntry("raw", "aGk=")
        .containsEntry("otel.scope.name", "openai-instrumentation")
        .containsEntry("otel.scope.version", "1.2.3")
        .doesNotContainKey("empty");
    assertThat(span.events()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo("exception");
      assertThat(e.epochNanos()).isEqualTo(START + 10);
      assertThat(e.attributes()).containsEntry("exception.message", "boom");
    });
    assertThat(span.resource()).containsEntry("service.name", "chatbot");
    assertThat(seenResources).hasSize(1);
  }

  @Test
  void allZeroOrMissingParentMeansRoot() {
    DecodedSpans out = decoder.decode(request(resource(null),
        span(TRACE, SPAN).setParentSpanId(hex("0000000000000000")).build(),
        span(TRACE, PARENT).build()).toByteArray());
    assertThat(out.spans()).extracting(Span::parentSpanId).containsExactly(null, null);
    assertThat(out.spans()).extracting(Span::projectId).containsOnly("default");
  }

  @Test
  void rejectsBadSpansOneByOneAndKeepsTheRest() {
    io.opentelemetry.proto.trace.v1.Span good = span(TRACE, SPAN).build();
    io.opentelemetry.proto.trace.v1.Span shortTrace = span("5b8efff798038103", SPAN).build();
    io.opentelemetry.proto.trace.v1.Span zeroSpan = span(TRACE, "0000000000000000").build();
    io.opentelemetry.proto.trace.v1.Span noSpanId = span(TRACE, SPAN).clearSpanId().build();
    io.opentelemetry.proto.trace.v1.Span endBeforeStart = span(TRACE, PARENT).setEndTimeUnixNano(START - 1).build();
    io.opentelemetry.proto.trace.v1.Span zeroStart = span(TRACE, PARENT).setStartTimeUnixNano(0).build();
    // fixed64 beyond Long.MAX_VALUE arrives negative in Java
    io.opentelemetry.proto.trace.v1.Span hugeEnd = span(TRACE, PARENT).setEndTimeUnixNano(-5).build();
    io.opentelemetry.proto.trace.v1.Span badParent = span(TRACE, PARENT).setParentSpanId(hex("0102")).build();

    DecodedSpans out = decoder.decode(request(resource("p"), shortTrace, good, zeroSpan, noSpanId,
        endBeforeStart, zeroStart, hugeEnd, badParent).toByteArray());

    assertThat(out.spans()).extracting(Span::spanId).containsExactly(SPAN);
    assertThat(out.rejectedSpans()).isEqualTo(7);
    assertThat(out.firstError()).contains("trace id").contains("chat gpt-4o");
  }

  @Test
  void rejectsAllSpansOfAResourceWithoutProject() {
    OtlpProtobufDecoder strict = new OtlpProtobufDecoder(res -> null);
    DecodedSpans out = strict.decode(request(resource(null), span(TRACE, SPAN).build(),
        span(TRACE, PARENT).build()).toByteArray());
    assertThat(out.spans()).isEmpty();
    assertThat(out.rejectedSpans()).isEqualTo(2);
    assertThat(out.firstError()).contains("no project");
  }

  @Test
  void malformedBytesAreADistinctError() {
    assertThatThrownBy(() -> decoder.decode(new byte[] {(byte) 0x0a, (byte) 0xff, 0x01, 0x02}))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessageContaining("ExportTraceServiceRequest");
    assertThatThrownBy(() -> decoder.decode("{\"resourceSpans\":[]}".getBytes()))
        .isInstanceOf(MalformedPayloadException.class);
  }

  @Test
  void emptyRequestGivesNoSpans() {
    DecodedSpans out = decoder.decode(new byte[0]);
    assertThat(out.spans()).isEmpty();
    assertThat(out.rejectedSpans()).isZero();
  }
}
