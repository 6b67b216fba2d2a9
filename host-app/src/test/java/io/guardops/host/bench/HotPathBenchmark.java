package io.guardops.host.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.guardops.api.Span;
import io.guardops.engine.ingest.SpanNormalizer;
import io.guardops.engine.mapping.BuiltinMappers;
import io.guardops.engine.pricing.PriceTable;
import io.guardops.otlp.OtlpProtobufDecoder;
import io.guardops.otlp.ProjectResolver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Not a unit test: the CPU the ingest path spends per span outside the HTTP server and the store, on one
 * thread, on the side-by-side benchmark's workload ({@link LlmWorkload}): OTLP protobuf decode, then
 * normalisation and pricing. Run with the host-app test class path (see the README) and
 * {@code io.guardops.host.bench.HotPathBenchmark}.
 */
public final class HotPathBenchmark {
  private HotPathBenchmark() {}

  public static void main(String[] args) {
    LlmWorkload workload = new LlmWorkload(42, 3600);
    Encoders.Otlp otlp = new Encoders.Otlp();
    byte[][] bodies = new byte[50][];
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < bodies.length; i++) {
      otlp.reset();
      workload.traces(i * 25L, 25, now, otlp);
      bodies[i] = otlp.request().toArray();
    }
    OtlpProtobufDecoder decoder = new OtlpProtobufDecoder(ProjectResolver.fixed("p"));
    SpanNormalizer normalizer = new SpanNormalizer(BuiltinMappers.mappers(), PriceTable.bundled());
    ToIntFunction<byte[]> decode = b -> decoder.decode(b).spans().size();
    ToIntFunction<byte[]> generated = b -> {
      try {
        return decoder.decode(ExportTraceServiceRequest.parseFrom(b)).spans().size();
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    };
    ToIntFunction<byte[]> decodeNormalise = b -> {
      List<Span> spans = normalizer.normalizeAll(decoder.decode(b).spans());
      return spans.size();
    };
    for (int round = 0; round < 3; round++) {
      report("decode (generated classes)", bodies, generated);
      report("decode", bodies, decode);
      report("decode + normalise + price", bodies, decodeNormalise);
    }
  }

  private static void report(String what, byte[][] bodies, ToIntFunction<byte[]> work) {
    long spans = 0;
    long start = System.nanoTime();
    long end = start + 3_000_000_000L;
    int i = 0;
    while (System.nanoTime() < end) {
      spans += work.applyAsInt(bodies[i++ % bodies.length]);
    }
    double nanos = System.nanoTime() - start;
    System.out.printf(Locale.ROOT, "%-28s %6.2f us/span%n", what, nanos / spans / 1000);
  }
}
