package io.guardops.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.Span;
import io.guardops.engine.ingest.SpanNormalizer;
import io.guardops.engine.mapping.BuiltinMappers;
import io.guardops.engine.pricing.PriceTable;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The protobuf and OTLP/JSON forms of one realistic request decode to the same spans. */
class DecoderEquivalenceTest {
  @Test
  void protobufAndJsonOfTheSameRequestGiveTheSameSpans() {
    ExportTraceServiceRequest req = DecoderBenchmark.request();
    List<Span> fromProto = new OtlpProtobufDecoder(ProjectResolver.fixed("p")).decode(req.toByteArray()).spans();
    List<Span> fromJson = new OtlpJsonDecoder(ProjectResolver.fixed("p"))
        .decode(DecoderBenchmark.json(req).getBytes(StandardCharsets.UTF_8)).spans();
    assertThat(fromProto).hasSize(DecoderBenchmark.SPANS);
    for (int i = 0; i < fromProto.size(); i++) {
      Span p = fromProto.get(i);
      Span j = fromJson.get(i);
      assertThat(j.traceId()).isEqualTo(p.traceId());
      assertThat(j.spanId()).isEqualTo(p.spanId());
      assertThat(j.kind()).isEqualTo(p.kind());
      assertThat(j.startEpochNanos()).isEqualTo(p.startEpochNanos());
      assertThat(j.resource()).isEqualTo(p.resource());
      // the JSON form names the scope, which the protobuf request leaves out
      assertThat(j.attributes()).containsAllEntriesOf(p.attributes());
    }
    SpanNormalizer normalizer = new SpanNormalizer(BuiltinMappers.mappers(), PriceTable.bundled());
    Span priced = normalizer.normalize(fromProto.get(0));
    assertThat(priced.llm().responseModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(priced.llm().cost()).isPositive();
  }
}
