package io.guardops.host.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.Json;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardOpsSpanViewTest {
  static long nanos(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  static Span span() {
    return Span.builder().projectId("p").traceId("5b8efff798038103d269b633813fc60c")
        .spanId("eee19b7ec3c1b174").parentSpanId("eee19b7ec3c1b173").name("openai.chat")
        .kind(SpanKind.CLIENT).startEpochNanos(nanos("2023-11-27T14:25:32.873460123Z"))
        .endEpochNanos(nanos("2023-11-27T14:25:33.780150Z")).status(StatusCode.ERROR).statusMessage("timeout")
        .attributes(Map.of("gen_ai_request_model", "gpt-3.5-turbo", "model", "stale"))
        .events(List.of(new SpanEvent("first_token", nanos("2023-11-27T14:25:33.000001Z"), Map.of("n", 1L))))
        .resource(Map.of("service_name", "llm-tracing"))
        .llm(LlmFields.builder().requestModel("gpt-3.5-turbo").responseModel("gpt-3.5-turbo-0613")
            .inputTokens(12L).outputTokens(23L).prompt("Tell me a joke").output("Why...").cost(0.0001).build())
        .build();
  }

  @Test
  void rendersTheGuardOpsSpanDocument() {
    Map<String, Object> doc = GuardOpsSpanView.render(span());
    assertThat(doc.keySet()).containsExactly("name", "context", "kind", "parent_id", "start_time", "end_time",
        "status", "attributes", "events", "links", "resource");
    assertThat(doc).containsEntry("name", "openai.chat")
        .containsEntry("kind", "SpanKind.CLIENT")
        .containsEntry("parent_id", "0xeee19b7ec3c1b173")
        .containsEntry("start_time", "2023-11-27T14:25:32.873460Z")
        .containsEntry("end_time", "2023-11-27T14:25:33.780150Z")
        .containsEntry("links", List.of());
    assertThat(doc.get("context")).isEqualTo(Map.of("trace_id", "0x5b8efff798038103d269b633813fc60c",
        "span_id", "0xeee19b7ec3c1b174", "trace_state", "[]"));
    assertThat(doc.get("status")).isEqualTo(Map.of("status_code", "ERROR", "description", "timeout"));
    @SuppressWarnings("unchecked")
    Map<String, Object> attrs = (Map<String, Object>) doc.get("attributes");
    assertThat(attrs).containsEntry("gen_ai_request_model", "gpt-3.5-turbo")
        .containsEntry("prompt", "Tell me a joke").containsEntry("output", "Why...")
        .containsEntry("model", "gpt-3.5-turbo-0613").containsEntry("prompt_tokens", 12L)
        .containsEntry("completion_tokens", 23L).containsEntry("total_tokens", 35L)
        .containsEntry("cost", 0.0001);
    assertThat(doc.get("events")).isEqualTo(List.of(Map.of("name", "first_token",
        "timestamp", "2023-11-27T14:25:33.000001Z", "attributes", Map.of("n", 1L))));
    assertThat(doc.get("resource")).isEqualTo(Map.of("attributes", Map.of("service_name", "llm-tracing"),
        "schema_url", ""));
    assertThat(Json.write(doc)).startsWith("{\"name\":\"openai.chat\",\"context\":{\"trace_id\":\"0x5b8e");
  }

  @Test
  void rootWithoutLlmDataAndStatusDescription() {
    Span root = Span.builder().projectId("p").traceId("5b8efff798038103d269b633813fc60c")
        .spanId("eee19b7ec3c1b174").name("workflow").startEpochNanos(1_000_000_000L)
        .endEpochNanos(1_000_000_000L).build();
    Map<String, Object> doc = GuardOpsSpanView.render(root);
    assertThat(doc).containsEntry("parent_id", null).containsEntry("kind", "SpanKind.INTERNAL")
        .containsEntry("start_time", "1970-01-01T00:00:01.000000Z");
    assertThat(doc.get("status")).isEqualTo(Map.of("status_code", "UNSET"));
    assertThat(doc.get("attributes")).isEqualTo(Map.of());
  }

  @Test
  void roundTripsALibrarySpan() {
    Map<String, Object> doc = GuardOpsSpanView.render(span());
    String body = Json.write(Map.of("span", doc));
    Span back = new GuardOpsLibraryDecoder().decode(body.getBytes(StandardCharsets.UTF_8), "p").span();
    Span original = span();
    assertThat(back.traceId()).isEqualTo(original.traceId());
    assertThat(back.spanId()).isEqualTo(original.spanId());
    assertThat(back.parentSpanId()).isEqualTo(original.parentSpanId());
    assertThat(back.status()).isEqualTo(StatusCode.ERROR);
    assertThat(back.kind()).isEqualTo(SpanKind.CLIENT);
    // microsecond precision on the wire
    assertThat(back.startEpochNanos()).isEqualTo(original.startEpochNanos() / 1000 * 1000);
  }

  @Test
  void isoMicrosMatchesJavaTime() {
    for (long n : new long[] {1L, 999L, 1_700_000_000_123_456_789L, 7_258_118_399_999_999_999L, 86_400_000_000_000L}) {
      Instant i = Instant.ofEpochSecond(n / 1_000_000_000L, n % 1_000_000_000L / 1000 * 1000);
      String expected = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
          .withZone(java.time.ZoneOffset.UTC).format(i);
      assertThat(GuardOpsSpanView.isoMicros(n)).isEqualTo(expected);
    }
  }

  @Test
  void parsesIds() {
    assertThat(GuardOpsSpanView.parseTraceId("0x5B8EFFF798038103D269B633813FC60C"))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(GuardOpsSpanView.parseTraceId("5b8efff798038103d269b633813fc60c"))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(GuardOpsSpanView.parseSpanId(" 0x0000000000000abc ")).isEqualTo("0000000000000abc");
    assertThatThrownBy(() -> GuardOpsSpanView.parseSpanId("0xabc")).hasMessageContaining("16 hex digits");
    assertThatThrownBy(() -> GuardOpsSpanView.parseTraceId("0xzz")).hasMessageContaining("trace id");
    assertThatThrownBy(() -> GuardOpsSpanView.parseSpanId("0x0000000000000000")).hasMessageContaining("span id");
    assertThatThrownBy(() -> GuardOpsSpanView.parseSpanId(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
