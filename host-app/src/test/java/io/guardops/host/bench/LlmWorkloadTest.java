package io.guardops.host.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guardops.api.Span;
import io.guardops.host.wire.GuardOpsLibraryDecoder;
import io.guardops.otlp.DecodedSpans;
import io.guardops.otlp.OtlpProtobufDecoder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's hand-written encoders say the same spans in each encoding, and the workload is what
 * the benchmark claims: deterministic, never repeating ids, timestamps within the spread, ~670 bytes
 * of OTLP per span.
 */
class LlmWorkloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NOW = 1_780_000_000_000_000_000L;
  private final LlmWorkload workload = new LlmWorkload(42, 3600);

  private byte[] otlp(long first, int traces) {
    Encoders.Otlp o = new Encoders.Otlp();
    o.reset();
    workload.traces(first, traces, NOW, o);
    return o.request().toArray();
  }

  private byte[] zipkin(long first, int traces) {
    Encoders.Zipkin z = new Encoders.Zipkin();
    z.reset();
    workload.traces(first, traces, NOW, z);
    return z.request().toArray();
  }

  @Test
  void otlpIsAValidExportRequestThatTheServerDecodes() throws Exception {
    byte[] body = otlp(0, 25);
    ExportTraceServiceRequest parsed = ExportTraceServiceRequest.parseFrom(body);
    ResourceSpans rs = parsed.getResourceSpans(0);
    assertThat(rs.getResource().getAttributesList()).extracting(KeyValue::getKey).contains("service.name");
    assertThat(rs.getScopeSpans(0).getScope().getName()).isEqualTo(LlmWorkload.SCOPE_NAME);
    assertThat(rs.getScopeSpans(0).getSpansCount()).isEqualTo(100);
    // about 670 bytes per span on the wire, as the workload
    assertThat(body.length / 100).isBetween(600, 740);

    DecodedSpans decoded = new OtlpProtobufDecoder(resource -> "p").decode(body);
    assertThat(decoded.rejectedSpans()).isZero();
    List<Span> spans = decoded.spans();
    assertThat(spans).hasSize(100);
    Span llm = spans.get(3);
    assertThat(llm.name()).isEqualTo("openai.chat");
    assertThat(llm.attributes().get("gen_ai.usage.prompt_tokens")).isInstanceOf(Long.class);
    assertThat(llm.attributes().get("gen_ai.request.temperature")).isEqualTo(0.2);
    assertThat(llm.attributes().get("llm.is_streaming")).isEqualTo(false);
    String prompt = (String) llm.attributes().get("gen_ai.prompt.0.content") + "\n"
        + llm.attributes().get("gen_ai.prompt.1.content");
    assertThat(prompt.length()).isBetween(430, 560);
    assertThat(((String) llm.attributes().get("gen_ai.completion.0.content")).length()).isBetween(280, 330);
    for (Span s : spans) {
      assertThat(s.startEpochNanos()).isBetween(NOW - 3600_000_000_000L, NOW);
      assertThat(s.endEpochNanos()).isBetween(s.startEpochNanos(), NOW);
      assertThat(s.parentSpanId() == null).isEqualTo(s.name().endsWith(".workflow"));
    }
  }

  @Test
  void zipkinJsonCarriesTheSameSpans() throws Exception {
    List<Span> otlp = new OtlpProtobufDecoder(resource -> "p").decode(otlp(100, 25)).spans();
    JsonNode zipkin = JSON.readTree(zipkin(100, 25));
    assertThat(zipkin.size()).isEqualTo(otlp.size());
    for (int i = 0; i < otlp.size(); i++) {
      Span s = otlp.get(i);
      JsonNode z = zipkin.get(i);
      assertThat(z.get("traceId").asText()).isEqualTo(s.traceId());
      assertThat(z.get("id").asText()).isEqualTo(s.spanId());
      assertThat(z.has("parentId") ? z.get("parentId").asText() : null).isEqualTo(s.parentSpanId());
      assertThat(z.get("name").asText()).isEqualTo(s.name());
      assertThat(z.get("timestamp").asLong()).isEqualTo(s.startEpochNanos() / 1000);
      assertThat(z.get("localEndpoint").get("serviceName").asText()).isEqualTo("support-bot");
      for (Map.Entry<String, Object> a : s.attributes().entrySet()) {
        assertThat(z.get("tags").get(a.getKey()).asText()).as(a.getKey()).isEqualTo(String.valueOf(a.getValue()));
      }
    }
  }

  @Test
  void libraryBodiesDecodeAsTheSameSpans() {
    Encoders.Library lib = new Encoders.Library();
    workload.trace(7, NOW, lib);
    List<Span> otlp = new OtlpProtobufDecoder(resource -> "p").decode(otlp(7, 1)).spans();
    assertThat(lib.bodies()).hasSize(4);
    GuardOpsLibraryDecoder decoder = new GuardOpsLibraryDecoder();
    for (int i = 0; i < 4; i++) {
      Span s = decoder.decode(lib.bodies().get(i), "p").span();
      assertThat(s.traceId()).isEqualTo(otlp.get(i).traceId());
      assertThat(s.spanId()).isEqualTo(otlp.get(i).spanId());
      assertThat(s.startEpochNanos()).isEqualTo(otlp.get(i).startEpochNanos());
    }
    Span llm = decoder.decode(lib.bodies().get(3), "p").span();
    assertThat(llm.attributes()).containsKeys("gen_ai_prompt_1_content", "prompt", "output", "model", "response");
  }

  @Test
  void deterministicWithIdsThatNeverRepeat() {
    assertThat(otlp(50, 25)).isEqualTo(otlp(50, 25));
    Set<String> traces = new HashSet<>();
    for (long first = 0; first < 20_000; first += 25) {
      for (Span s : new OtlpProtobufDecoder(resource -> "p").decode(otlp(first, 25)).spans()) {
        traces.add(s.traceId());
      }
    }
    assertThat(traces).hasSize(20_000);
  }

  @Test
  void theAbsentWordIsNeverGenerated() {
    String text = new String(zipkin(0, 2000), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text).doesNotContainIgnoringCase(LlmWorkload.ABSENT_WORD).contains("order");
  }
}
