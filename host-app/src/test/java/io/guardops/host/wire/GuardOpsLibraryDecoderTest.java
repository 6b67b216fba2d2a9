package io.guardops.host.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GuardOpsLibraryDecoderTest {
  static final String TOKEN = "coai-SECRET-RAW-KEY-1234567890";

  /** A span as GuardOps_Library posts it for an OpenAI chat call (OpenLLMetry keys with underscores). */
  static final String BODY = """
      {"span": {
        "name": "openai.chat",
        "context": {"trace_id": "0x5b8efff798038103d269b633813fc60c", "span_id": "0xeee19b7ec3c1b174",
                    "trace_state": "[]"},
        "kind": "SpanKind.CLIENT",
        "parent_id": "0xeee19b7ec3c1b173",
        "start_time": "2023-11-27T14:25:32.873460Z",
        "end_time": "2023-11-27T14:25:33.780150Z",
        "status": {"status_code": "ERROR", "description": "timeout"},
        "attributes": {
          "llm_request_type": "chat", "gen_ai_system": "OpenAI", "gen_ai_request_model": "gpt-3.5-turbo",
          "gen_ai_prompt_0_role": "user", "gen_ai_prompt_0_content": "Tell me a joke",
          "gen_ai_response_model": "gpt-3.5-turbo-0613", "llm_usage_total_tokens": 35,
          "gen_ai_usage_completion_tokens": 23, "gen_ai_usage_prompt_tokens": 12,
          "gen_ai_completion_0_role": "assistant", "gen_ai_completion_0_content": "Why did ...",
          "temperature": 0.7, "stop": ["\\n"], "meta": {"a": 1},
          "prompt": "Tell me a joke", "output": "Why did ...", "model": "gpt-3.5-turbo-0613",
          "response": "{\\"llm_request_type\\": \\"chat\\"}"
        },
        "events": [{"name": "first_token", "timestamp": "2023-11-27T14:25:33.000001Z", "attributes": {"n": 1}}],
        "links": [],
        "resource": {"attributes": {"service_name": "llm-tracing"}, "schema_url": ""}
      },
      "trace": {"trace_id": "0x5b8efff798038103d269b633813fc60c", "access_token": "%s",
                "project_id": "proj-1", "playground_id": null}}
      """.formatted(TOKEN);

  private final GuardOpsLibraryDecoder decoder = new GuardOpsLibraryDecoder();

  private GuardOpsLibraryDecoder.Result decode(String body) {
    return decoder.decode(body.getBytes(StandardCharsets.UTF_8), "proj-1");
  }

  @Test
  void decodesALibrarySpan() {
    GuardOpsLibraryDecoder.Result r = decode(BODY);
    Span s = r.span();
    assertThat(r.ignored()).isFalse();
    assertThat(r.announcedTraceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(r.announcedProjectId()).isEqualTo("proj-1");
    assertThat(r.playgroundId()).isNull();
    assertThat(s.projectId()).isEqualTo("proj-1");
    assertThat(s.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(s.spanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(s.parentSpanId()).isEqualTo("eee19b7ec3c1b173");
    assertThat(s.name()).isEqualTo("openai.chat");
    assertThat(s.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(s.status()).isEqualTo(StatusCode.ERROR);
    assertThat(s.statusMessage()).isEqualTo("timeout");
    Instant start = Instant.parse("2023-11-27T14:25:32.873460Z");
    assertThat(s.startEpochNanos()).isEqualTo(start.getEpochSecond() * 1_000_000_000L + start.getNano());
    assertThat(s.durationNanos()).isEqualTo(906_690_000L);
    assertThat(s.attributes())
        .containsEntry("llm_usage_total_tokens", 35L)
        .containsEntry("temperature", 0.7)
        .containsEntry("gen_ai_prompt_0_content", "Tell me a joke")
        .containsKey("stop").containsKey("meta");
    assertThat(s.events()).singleElement().satisfies(e -> assertThat(e.attributes()).containsEntry("n", 1L));
    assertThat(s.resource()).containsEntry("service_name", "llm-tracing");
  }

  @Test
  void neverKeepsTheAccessToken() {
    GuardOpsLibraryDecoder.Result r = decode(BODY);
    assertThat(r.toString()).doesNotContain(TOKEN);
    assertThat(r.span().toString()).doesNotContain(TOKEN);
  }

  @Test
  void rootSpanWithoutTraceObject() {
    GuardOpsLibraryDecoder.Result r = decode("""
        {"span": {"name": "workflow", "context": {"trace_id": "0x5b8efff798038103d269b633813fc60c",
          "span_id": "0xeee19b7ec3c1b174"}, "parent_id": null, "kind": "SpanKind.INTERNAL",
          "start_time": "2023-11-27T14:25:32Z", "end_time": "2023-11-27T14:25:32.5Z",
          "status": {"status_code": "UNSET"}, "attributes": {}}}
        """);
    assertThat(r.span().parentSpanId()).isNull();
    assertThat(r.span().kind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(r.span().status()).isEqualTo(StatusCode.UNSET);
    assertThat(r.announcedTraceId()).isNull();
    assertThat(r.span().durationNanos()).isEqualTo(500_000_000L);
  }

  @Test
  void getAndPostSpansAreAcceptedButIgnored() {
    assertThat(decode(BODY.replace("\"openai.chat\"", "\"GET\"")).ignored()).isTrue();
    assertThat(decode(BODY.replace("\"openai.chat\"", "\"POST\"")).ignored()).isTrue();
    assertThat(decode(BODY.replace("\"openai.chat\"", "\"GET /x\"")).ignored()).isFalse();
  }

  @Test
  void acceptsOffsetsNaiveTimesUppercaseAndIntegerIdsButNotIdsOfTheWrongLength() {
    GuardOpsLibraryDecoder.Result r = decode(BODY
        .replace("2023-11-27T14:25:32.873460Z", "2023-11-27T15:25:32.873460+01:00")
        .replace("2023-11-27T14:25:33.780150Z", "2023-11-27T14:25:33.780150")
        .replace("0xeee19b7ec3c1b173", "0x0000000000000ABC"));
    assertThat(r.span().durationNanos()).isEqualTo(906_690_000L);
    assertThat(r.span().parentSpanId()).isEqualTo("0000000000000abc");
    // Python's int ids, unformatted: a number has no length to get wrong
    assertThat(decode(BODY.replace("\"0xeee19b7ec3c1b173\"", "2748")).span().parentSpanId())
        .isEqualTo("0000000000000abc");
    assertThatThrownBy(() -> decode(BODY.replace("0xeee19b7ec3c1b173", "0xABC")))
        .hasMessageContaining("span.parent_id").hasMessageContaining("16 hex digits");
    assertThatThrownBy(() -> decode(BODY.replace("0x5b8efff798038103d269b633813fc60c", "0x5b8efff7")))
        .hasMessageContaining("span.context.trace_id");
  }

  @Test
  void validationErrorsNameTheField() {
    assertThatThrownBy(() -> decode("{}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("span");
    assertThatThrownBy(() -> decode("not json")).hasMessageContaining("JSON");
    assertThatThrownBy(() -> decode(BODY.replace("0x5b8efff798038103d269b633813fc60c\", \"span_id", "0xnothex\", \"span_id")))
        .hasMessageContaining("span.context.trace_id");
    assertThatThrownBy(() -> decode(BODY.replace("\"span_id\": \"0xeee19b7ec3c1b174\"", "\"span_id\": \"0x0\"")))
        .hasMessageContaining("span.context.span_id");
    assertThatThrownBy(() -> decode(BODY.replace("0xeee19b7ec3c1b173", "0x123456789012345678")))
        .hasMessageContaining("span.parent_id");
    assertThatThrownBy(() -> decode(BODY.replace("2023-11-27T14:25:32.873460Z", "yesterday")))
        .hasMessageContaining("span.start_time");
    assertThatThrownBy(() -> decode(BODY.replace("\"end_time\": \"2023-11-27T14:25:33.780150Z\"", "\"end_time\": null")))
        .hasMessageContaining("span.end_time");
    assertThatThrownBy(() -> decode(BODY.replace("2023-11-27T14:25:33.780150Z", "2023-11-27T14:25:31Z")))
        .hasMessageContaining("span.end_time");
    assertThatThrownBy(() -> decode(BODY.replace("\"timestamp\": \"2023-11-27T14:25:33.000001Z\"", "\"timestamp\": 5")))
        .hasMessageContaining("span.events[0].timestamp");
    assertThatThrownBy(() -> decode(BODY.replace("\"attributes\": {\n    \"llm_request_type\"", "\"attributes\": [\n    \"llm_request_type\"")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> decode(BODY.replace("\"trace\": {\"trace_id\": \"0x5b8e", "\"trace\": {\"trace_id\": \"0x6b8e")))
        .hasMessageContaining("trace.trace_id");
    assertThatThrownBy(() -> decoder.decode(BODY.getBytes(StandardCharsets.UTF_8), " "))
        .hasMessageContaining("project_id");
  }
}
