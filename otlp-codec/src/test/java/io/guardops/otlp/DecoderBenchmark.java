package io.guardops.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.engine.ingest.SpanNormalizer;
import io.guardops.engine.mapping.BuiltinMappers;
import io.guardops.engine.pricing.PriceTable;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not a unit test: a benchmark main for the ingest hot path on one thread, on realistic LLM spans
 * (about 20 attributes each): protobuf parse, protobuf and OTLP/JSON decode, decode + normalise +
 * price. Run with
 * {@code ./mvnw -q -pl engine-core exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.guardops.engine.ingest.DecoderBenchmark}; numbers in the module README.
 */
public final class DecoderBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(DecoderBenchmark.class);
  static final int SPANS = 1000;

  private DecoderBenchmark() {}

  static ExportTraceServiceRequest request() {
    ScopeSpans.Builder ss = ScopeSpans.newBuilder();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < SPANS; i++) {
      byte[] t = new byte[16];
      byte[] s = new byte[8];
      r.nextBytes(t);
      r.nextBytes(s);
      t[0] = 1;
      s[0] = 1;
      io.opentelemetry.proto.trace.v1.Span.Builder b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
          .setTraceId(com.google.protobuf.ByteString.copyFrom(t)).setSpanId(com.google.protobuf.ByteString.copyFrom(s))
          .setName("chat gpt-4o-mini").setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT)
          .setStartTimeUnixNano(1_700_000_000_000_000_000L + i).setEndTimeUnixNano(1_700_000_001_000_000_000L + i);
      String[][] strs = {
          {"gen_ai.operation.name", "chat"}, {"gen_ai.provider.name", "openai"},
          {"gen_ai.request.model", "gpt-4o-mini"}, {"gen_ai.response.model", "gpt-4o-mini-2024-07-18"},
          {"gen_ai.response.id", "chatcmpl-" + i}, {"server.address", "api.openai.com"},
          {"gen_ai.prompt.0.role", "user"}, {"gen_ai.prompt.0.content", "Summarise the following text: lorem ipsum " + i},
          {"gen_ai.completion.0.role", "assistant"}, {"gen_ai.completion.0.content", "A summary of the text " + i},
          {"gen_ai.completion.0.finish_reason", "stop"}, {"llm.request.type", "chat"},
          {"traceloop.association.properties.session_id", "sess-" + (i % 50)}};
      for (String[] kv : strs) {
        b.addAttributes(KeyValue.newBuilder().setKey(kv[0]).setValue(AnyValue.newBuilder().setStringValue(kv[1])));
      }
      String[] ints = {"gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "llm.usage.total_tokens",
          "gen_ai.usage.cache_read.input_tokens", "server.port", "gen_ai.request.max_tokens"};
      for (String k : ints) {
        b.addAttributes(KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(100 + i % 7)));
      }
      b.addAttributes(KeyValue.newBuilder().setKey("gen_ai.request.temperature")
          .setValue(AnyValue.newBuilder().setDoubleValue(0.7)));
      ss.addSpans(b);
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("bench"))))
        .addScopeSpans(ss)).build();
  }

  /** OTLP/JSON as the spec wants it: hex ids, 64-bit integers as strings, enums as numbers. */
  static String json(ExportTraceServiceRequest req) {
    StringBuilder sb = new StringBuilder(1 << 20);
    sb.append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",")
        .append("\"value\":{\"stringValue\":\"bench\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"bench\"},\"spans\":[");
    java.util.HexFormat hex = java.util.HexFormat.of();
    boolean first = true;
    for (io.opentelemetry.proto.trace.v1.Span s : req.getResourceSpans(0).getScopeSpans(0).getSpansList()) {
      sb.append(first ? "" : ",").append("{\"traceId\":\"").append(hex.formatHex(s.getTraceId().toByteArray()))
          .append("\",\"spanId\":\"").append(hex.formatHex(s.getSpanId().toByteArray()))
          .append("\",\"name\":\"").append(s.getName()).append("\",\"kind\":").append(s.getKindValue())
          .append(",\"startTimeUnixNano\":\"").append(s.getStartTimeUnixNano())
          .append("\",\"endTimeUnixNano\":\"").append(s.getEndTimeUnixNano()).append("\",\"attributes\":[");
      first = false;
      boolean firstAttr = true;
      for (KeyValue kv : s.getAttributesList()) {
        sb.append(firstAttr ? "" : ",").append("{\"key\":\"").append(kv.getKey()).append("\",\"value\":{");
        firstAttr = false;
        AnyValue v = kv.getValue();
        switch (v.getValueCase()) {
          case STRING_VALUE -> sb.append("\"stringValue\":\"").append(v.getStringValue()).append('"');
          case INT_VALUE -> sb.append("\"intValue\":\"").append(v.getIntValue()).append('"');
          default -> sb.append("\"doubleValue\":").append(v.getDoubleValue());
        }
        sb.append("}}");
      }
      sb.append("],\"status\":{}}");
    }
    return sb.append("]}]}]}").toString();
  }

  public static void main(String[] args) throws Exception {
    ExportTraceServiceRequest req = request();
    byte[] proto = req.toByteArray();
    byte[] json = json(req).getBytes(StandardCharsets.UTF_8);
    OtlpProtobufDecoder pb = new OtlpProtobufDecoder(ProjectResolver.fixed("p"));
    OtlpJsonDecoder js = new OtlpJsonDecoder(ProjectResolver.fixed("p"));
    SpanNormalizer normalizer = new SpanNormalizer(BuiltinMappers.mappers(), PriceTable.bundled());
    assertThat(pb.decode(proto).spans()).hasSize(SPANS);
    assertThat(js.decode(json).spans()).hasSize(SPANS);
    assertThat(normalizer.normalize(pb.decode(proto).spans().get(0)).llm().cost()).isNotNull();

    Runnable parse = () -> {
      try {
        ExportTraceServiceRequest.parseFrom(proto);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    // warm every path up first so that the JIT does not favour whichever is measured last
    for (int i = 0; i < 300; i++) {
      parse.run();
      pb.decode(proto);
      js.decode(json);
      normalizer.normalizeAll(pb.decode(proto).spans());
    }
    double parseOnly = rate(parse);
    double pbRate = rate(() -> pb.decode(proto));
    double jsRate = rate(() -> js.decode(json));
    double normRate = rate(() -> normalizer.normalizeAll(pb.decode(proto).spans()));
    LOG.info("spans/s on one thread: protobuf parse only {}, protobuf decode {}, JSON decode {}, protobuf decode + normalise {} "
        + "({} KB protobuf, {} KB JSON per 1000 spans)", (long) parseOnly, (long) pbRate, (long) jsRate, (long) normRate,
        proto.length / 1024, json.length / 1024);
  }

  private static double rate(Runnable batch) {
    for (int i = 0; i < 20; i++) {
      batch.run();
    }
    int rounds = 0;
    long start = System.nanoTime();
    long elapsed;
    do {
      batch.run();
      rounds++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < 1_000_000_000L);
    return rounds * (double) SPANS / (elapsed / 1e9);
  }
}
