package io.guardops.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpJsonDecoderTest {
  private final OtlpJsonDecoder decoder = new OtlpJsonDecoder(res -> {
    Object p = res.get(ProjectResolver.PROJECT_ATTRIBUTE);
    return p == null ? "default" : p.toString();
  });

  private DecodedSpans decode(String json) {
    return decoder.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The example from the OTLP specification's JSON section, with an LLM attribute set added. */
  static final String SPEC_EXAMPLE = """
      {
        "resourceSpans": [{
          "resource": {"attributes": [
            {"key": "service.name", "value": {"stringValue": "my.service"}},
            {"key": "guardops.project.id", "value": {"stringValue": "proj-7"}}
          ]},
          "scopeSpans": [{
            "scope": {"name": "my.library", "version": "1.0.0",
                      "attributes": [{"key": "my.scope.attribute", "value": {"stringValue": "x"}}]},
            "spans": [{
              "traceId": "5B8EFFF798038103D269B633813FC60C",
              "spanId": "EEE19B7EC3C1B174",
              "parentSpanId": "EEE19B7EC3C1B173",
              "name": "I'm a server span",
              "startTimeUnixNano": "1544712660000000000",
              "endTimeUnixNano": 1544712661000000000,
              "kind": 2,
              "attributes": [
                {"key": "my.span.attr", "value": {"stringValue": "some value"}},
                {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "42"}},
                {"key": "n", "value": {"intValue": 7}},
                {"key": "ratio", "value": {"doubleValue": 0.25}},
                {"key": "nan", "value": {"doubleValue": "NaN"}},
                {"key": "ok", "value": {"boolValue": true}},
                {"key": "bytes", "value": {"bytesValue": "aGk="}},
                {"key": "arr", "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": "1"}]}}},
                {"key": "kv", "value": {"kvlistValue": {"values": [{"key": "k", "value": {"boolValue": false}}]}}},
                {"key": "empty", "value": {}}
              ],
              "events": [{"timeUnixNano": "1544712660500000000", "name": "ev",
                          "attributes": [{"key": "a", "value": {"intValue": "1"}}]}],
              "links": [{"traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "EEE19B7EC3C1B172"}],
              "status": {"code": "STATUS_CODE_ERROR", "message": "oops"},
              "droppedAttributesCount": 0,
              "unknownFutureField": {"nested": [1, 2, 3]}
            }]
          }]
        }]
      }
      """;

  @Test
  void decodesTheSpecExample() {
    DecodedSpans out = decode(SPEC_EXAMPLE);
    assertThat(out.rejectedSpans()).isZero();
    Span s = out.spans().get(0);
    assertThat(s.projectId()).isEqualTo("proj-7");
    assertThat(s.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(s.spanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(s.parentSpanId()).isEqualTo("eee19b7ec3c1b173");
    assertThat(s.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(s.startEpochNanos()).isEqualTo(1544712660000000000L);
    assertThat(s.endEpochNanos()).isEqualTo(1544712661000000000L);
    assertThat(s.status()).isEqualTo(StatusCode.ERROR);
    assertThat(s.statusMessage()).isEqualTo("oops");
    assertThat(s.attributes())
        .containsEntry("my.span.attr", "some value")
        .containsEntry("gen_ai.usage.input_tokens", 42L)
        .containsEntry("n", 7L)
        .containsEntry("ratio", 0.25)
        .containsEntry("ok", true)
        .containsEntry("bytes", "aGk=")
        .containsEntry("arr", List.of("a", 1L))
        .containsEntry("kv", Map.of("k", false))
        .containsEntry("otel.scope.name", "my.library")
        .containsEntry("otel.scope.version", "1.0.0")
        .doesNotContainKey("empty");
    assertThat((Double) s.attributes().get("nan")).isNaN();
    assertThat(s.events()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo("ev");
      assertThat(e.epochNanos()).isEqualTo(1544712660500000000L);
      assertThat(e.attributes()).containsEntry("a", 1L);
    });
    assertThat(s.resource()).containsEntry("service.name", "my.service");
  }

  @Test
  void acceptsSnakeCaseNamesEnumNamesAndResourceAfterSpans() {
    String json = """
        {"resource_spans": [{
          "scope_spans": [{"spans": [{
            "trace_id": "5b8efff798038103d269b633813fc60c", "span_id": "eee19b7ec3c1b174",
            "parent_span_id": "", "name": "x", "kind": "SPAN_KIND_CLIENT",
            "start_time_unix_nano": 1000, "end_time_unix_nano": "2000",
            "attributes": [{"key": "a", "value": {"string_value": "b"}}],
            "status": {"code": 1}
          }], "scope": {"name": "late-scope"}}],
          "resource": {"attributes": [{"key": "guardops.project.id", "value": {"stringValue": "late"}}]}
        }]}
        """;
    Span s = decode(json).spans().get(0);
    assertThat(s.projectId()).isEqualTo("late");
    assertThat(s.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(s.parentSpanId()).isNull();
    assertThat(s.status()).isEqualTo(StatusCode.OK);
    assertThat(s.attributes()).containsEntry("a", "b").containsEntry("otel.scope.name", "late-scope");
    assertThat(s.endEpochNanos()).isEqualTo(2000);
  }

  @Test
  void acceptsTheDeprecatedInstrumentationLibrarySpans() {
    String json = """
        {"resourceSpans": [{"instrumentationLibrarySpans": [{"instrumentationLibrary": {"name": "old"},
          "spans": [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
                     "startTimeUnixNano": "1", "endTimeUnixNano": "1"}]}]}]}
        """;
    DecodedSpans out = decode(json);
    assertThat(out.spans()).singleElement().satisfies(s -> {
      assertThat(s.attributes()).containsEntry("otel.scope.name", "old");
      assertThat(s.projectId()).isEqualTo("default");
    });
  }

  @Test
  void rejectsBadSpansIndividually() {
    String template = """
        {"traceId": "%s", "spanId": "%s", "name": "%s", "startTimeUnixNano": "%s", "endTimeUnixNano": "%s"}
        """;
    String t = "5b8efff798038103d269b633813fc60c";
    String s = "eee19b7ec3c1b174";
    String spans = String.join(",",
        template.formatted(t, s, "good", "100", "200"),
        template.formatted("abc", s, "shortTrace", "100", "200"),
        template.formatted("0".repeat(32), s, "zeroTrace", "100", "200"),
        template.formatted(t, "0".repeat(16), "zeroSpan", "100", "200"),
        template.formatted(t, "zzzzzzzzzzzzzzzz", "nonHexSpan", "100", "200"),
        template.formatted(t, s, "endBeforeStart", "200", "100"),
        template.formatted(t, s, "negative", "-5", "200"),
        template.formatted(t, s, "overflow", "100", "18446744073709551615"),
        template.formatted(t, s, "notANumber", "abc", "200"),
        template.formatted(t, s, "noTimes", "0", "0"));
    DecodedSpans out = decode("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + spans + "]}]}]}");
    assertThat(out.spans()).extracting(Span::name).containsExactly("good");
    assertThat(out.rejectedSpans()).isEqualTo(9);
    assertThat(out.firstError()).contains("shortTrace").contains("trace id").contains("abc");
  }

  @Test
  void rejectsBadParentButAcceptsZeroParentAsRoot() {
    String json = """
        {"resourceSpans":[{"scopeSpans":[{"spans":[
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": "zero",
           "parentSpanId": "0000000000000000", "startTimeUnixNano": "1", "endTimeUnixNano": "2"},
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b175", "name": "bad",
           "parentSpanId": "12", "startTimeUnixNano": "1", "endTimeUnixNano": "2"}]}]}]}
        """;
    DecodedSpans out = decode(json);
    assertThat(out.spans()).extracting(Span::name).containsExactly("zero");
    assertThat(out.spans().get(0).parentSpanId()).isNull();
    assertThat(out.firstError()).contains("parent");
  }

  @Test
  void malformedBodiesAreDistinctErrors() {
    assertThatThrownBy(() -> decode("{\"resourceSpans\": [")).isInstanceOf(MalformedPayloadException.class)
        .hasMessageContaining("OTLP/JSON");
    assertThatThrownBy(() -> decode("[1,2]")).isInstanceOf(MalformedPayloadException.class);
    assertThatThrownBy(() -> decode("{\"resourceSpans\": {}}")).isInstanceOf(MalformedPayloadException.class)
        .hasMessageContaining("resourceSpans");
    assertThatThrownBy(() -> decode("{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"name\": {}}]}]}]}"))
        .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("name");
    assertThatThrownBy(() -> decode("{} {}")).isInstanceOf(MalformedPayloadException.class);
    assertThatThrownBy(() -> decode("")).isInstanceOf(MalformedPayloadException.class);
  }

  @Test
  void emptyRequestIsFine() {
    assertThat(decode("{}").spans()).isEmpty();
    assertThat(decode("{\"resourceSpans\": []}").rejectedSpans()).isZero();
  }

  @Test
  void resourceWithoutProjectRejectsItsSpans() {
    OtlpJsonDecoder strict = new OtlpJsonDecoder(res -> res.containsKey("guardops.project.id") ? "p" : null);
    DecodedSpans out = strict.decode(SPEC_EXAMPLE.replace("guardops.project.id", "other")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(out.spans()).isEmpty();
    assertThat(out.rejectedSpans()).isEqualTo(1);
    assertThat(out.firstError()).contains("no project");
  }
}
