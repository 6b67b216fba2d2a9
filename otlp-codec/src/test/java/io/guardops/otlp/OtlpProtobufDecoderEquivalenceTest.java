package io.guardops.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.guardops.api.Span;
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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The wire decoder ({@code decode(byte[])}, which reads protobuf in place) gives exactly what decoding the
 * parsed message gives ({@code decode(ExportTraceServiceRequest)}, the generated classes), on random
 * requests with every value type, nested values, events, statuses, scopes, resources that route and that
 * do not, and spans that must be rejected; and refuses what protobuf refuses.
 */
class OtlpProtobufDecoderEquivalenceTest {
  private final OtlpProtobufDecoder decoder = new OtlpProtobufDecoder(res -> {
    Object p = res.get(ProjectResolver.PROJECT_ATTRIBUTE);
    return p == null ? "default" : p.toString().equals("nowhere") ? null : p.toString();
  });

  @Test
  void decodesRandomRequestsExactlyAsTheGeneratedParserDoes() throws Exception {
    Random rnd = new Random(20261202);
    for (int i = 0; i < 300; i++) {
      ExportTraceServiceRequest req = request(rnd);
      byte[] wire = req.toByteArray();
      DecodedSpans expected = decoder.decode(ExportTraceServiceRequest.parseFrom(wire));
      DecodedSpans actual = decoder.decode(wire);
      assertThat(actual.rejectedSpans()).isEqualTo(expected.rejectedSpans());
      assertThat(actual.firstError()).isEqualTo(expected.firstError());
      assertThat(actual.spans()).isEqualTo(expected.spans());
      for (int s = 0; s < expected.spans().size(); s++) {
        Span e = expected.spans().get(s);
        Span a = actual.spans().get(s);
        // the same order of attributes too, which equals() does not look at
        assertThat(List.copyOf(a.attributes().keySet())).isEqualTo(List.copyOf(e.attributes().keySet()));
        assertThat(List.copyOf(a.resource().keySet())).isEqualTo(List.copyOf(e.resource().keySet()));
      }
    }
  }

  @Test
  void refusesWhatProtobufRefuses() {
    byte[] wire = request(new Random(7)).toByteArray();
    for (int cut : new int[] {1, wire.length / 3, wire.length - 1}) {
      byte[] truncated = java.util.Arrays.copyOf(wire, cut);
      assertThatThrownBy(() -> ExportTraceServiceRequest.parseFrom(truncated))
          .isInstanceOf(InvalidProtocolBufferException.class);
      assertThatThrownBy(() -> decoder.decode(truncated)).isInstanceOf(MalformedPayloadException.class)
          .hasMessageStartingWith("body is not a valid OTLP ExportTraceServiceRequest protobuf");
    }
    // a span whose name is not UTF-8 (written by hand: the generated builders refuse to): request field 1
    // (ResourceSpans) > field 2 (ScopeSpans) > field 2 (Span) > field 5 (name) = 'a', 0xC3, '('
    byte[] badUtf8 = {0x0A, 9, 0x12, 7, 0x12, 5, 0x2A, 3, 'a', (byte) 0xC3, '('};
    assertThatThrownBy(() -> ExportTraceServiceRequest.parseFrom(badUtf8)).isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> decoder.decode(badUtf8)).isInstanceOf(MalformedPayloadException.class);
  }

  @Test
  void acceptsEveryWellFormedUtf8AndRefusesTheRest() {
    String text = "zürich 東京 🚀 ok";
    byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(ProtoReader.validUtf8(utf8, 0, utf8.length)).isTrue();
    // overlong '/', a lone surrogate, a code point above U+10FFFF, a cut sequence
    for (byte[] bad : new byte[][] {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE6, (byte) 0x9D}}) {
      assertThat(ProtoReader.validUtf8(bad, 0, bad.length)).isFalse();
    }
  }

  private static ExportTraceServiceRequest request(Random rnd) {
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    for (int r = 0, nr = 1 + rnd.nextInt(3); r < nr; r++) {
      ResourceSpans.Builder rs = ResourceSpans.newBuilder();
      if (rnd.nextInt(5) > 0) {
        Resource.Builder res = Resource.newBuilder();
        res.addAttributes(kv("service.name", str("svc-" + rnd.nextInt(3))));
        int route = rnd.nextInt(6);
        if (route == 0) {
          res.addAttributes(kv(ProjectResolver.PROJECT_ATTRIBUTE, str("nowhere")));
        } else if (route == 1) {
          res.addAttributes(kv(ProjectResolver.PROJECT_ATTRIBUTE, str("p" + rnd.nextInt(3))));
        }
        for (int a = 0, na = rnd.nextInt(4); a < na; a++) {
          res.addAttributes(kv("res." + rnd.nextInt(5), value(rnd, 0)));
        }
        rs.setResource(res);
      }
      for (int s = 0, ns = 1 + rnd.nextInt(3); s < ns; s++) {
        ScopeSpans.Builder ss = ScopeSpans.newBuilder();
        int scope = rnd.nextInt(4);
        if (scope > 0) {
          InstrumentationScope.Builder sc = InstrumentationScope.newBuilder();
          if (scope > 1) {
            sc.setName("scope-" + rnd.nextInt(3));
          }
          if (scope > 2) {
            sc.setVersion("1." + rnd.nextInt(9));
          }
          ss.setScope(sc);
        }
        for (int k = 0, nk = rnd.nextInt(6); k < nk; k++) {
          ss.addSpans(span(rnd));
        }
        rs.addScopeSpans(ss);
      }
      req.addResourceSpans(rs);
    }
    return req.build();
  }

  private static io.opentelemetry.proto.trace.v1.Span span(Random rnd) {
    io.opentelemetry.proto.trace.v1.Span.Builder b = io.opentelemetry.proto.trace.v1.Span.newBuilder();
    int idCase = rnd.nextInt(12);
    b.setTraceId(ByteString.copyFrom(idCase == 0 ? new byte[16] : bytes(rnd, idCase == 1 ? 8 : 16)));
    b.setSpanId(ByteString.copyFrom(idCase == 2 ? new byte[8] : bytes(rnd, idCase == 3 ? 4 : 8)));
    int parent = rnd.nextInt(5);
    if (parent == 1) {
      b.setParentSpanId(ByteString.copyFrom(bytes(rnd, 8)));
    } else if (parent == 2) {
      b.setParentSpanId(ByteString.copyFrom(new byte[8]));
    } else if (parent == 3 && rnd.nextInt(4) == 0) {
      b.setParentSpanId(ByteString.copyFrom(bytes(rnd, 5)));
    }
    if (rnd.nextInt(6) > 0) {
      b.setName(rnd.nextBoolean() ? "openai.chat" : "naïve span " + rnd.nextInt(100));
    }
    b.setKindValue(rnd.nextInt(7));
    long start = 1_700_000_000_000_000_000L + rnd.nextInt(1_000_000);
    b.setStartTimeUnixNano(idCase == 4 ? 0 : start);
    b.setEndTimeUnixNano(idCase == 5 ? start - 1 : start + rnd.nextInt(1_000_000));
    for (int a = 0, na = rnd.nextInt(8); a < na; a++) {
      b.addAttributes(kv(rnd.nextInt(10) == 0 ? "dup" : "k" + rnd.nextInt(50), value(rnd, 0)));
    }
    for (int e = 0, ne = rnd.nextInt(3); e < ne; e++) {
      io.opentelemetry.proto.trace.v1.Span.Event.Builder ev = io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
          .setName("event-" + e).setTimeUnixNano(rnd.nextInt(15) == 0 ? -5 : start + e);
      if (rnd.nextBoolean()) {
        ev.addAttributes(kv("exception.message", str("boom " + e)));
      }
      b.addEvents(ev);
    }
    if (rnd.nextBoolean()) {
      Status.Builder st = Status.newBuilder().setCodeValue(rnd.nextInt(4));
      if (rnd.nextBoolean()) {
        st.setMessage("status " + rnd.nextInt(3));
      }
      b.setStatus(st);
    }
    if (rnd.nextInt(4) == 0) {
      b.setTraceState("k=v").setFlags(1).setDroppedAttributesCount(2);
      b.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(ByteString.copyFrom(bytes(rnd, 16))));
    }
    return b.build();
  }

  private static AnyValue value(Random rnd, int depth) {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (rnd.nextInt(depth > 1 ? 6 : 9)) {
      case 0 -> v.setStringValue("value " + rnd.nextInt(1000));
      case 1 -> v.setBoolValue(rnd.nextBoolean());
      case 2 -> v.setIntValue(rnd.nextLong());
      case 3 -> v.setDoubleValue(rnd.nextGaussian());
      case 4 -> v.setBytesValue(ByteString.copyFrom(bytes(rnd, rnd.nextInt(5))));
      case 5 -> { } // not set: left out
      case 6 -> v.setStringValue("x".repeat(rnd.nextInt(200)) + "é");
      case 7 -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
          a.addValues(value(rnd, depth + 1));
        }
        v.setArrayValue(a);
      }
      default -> {
        KeyValueList.Builder l = KeyValueList.newBuilder();
        for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
          l.addValues(kv("n" + rnd.nextInt(3), value(rnd, depth + 1)));
        }
        v.setKvlistValue(l);
      }
    }
    return v.build();
  }

  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    if (n > 0) {
      b[0] |= 1;
    }
    return b;
  }
}
