package io.guardops.host;

import static io.guardops.host.PlaygroundFixtures.addModel;
import static io.guardops.host.PlaygroundFixtures.defaultProject;
import static io.guardops.host.PlaygroundFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PII over HTTP: {@code detect_pii}, the per-project masking setting and who may change it, and masking
 * on every ingestion path (OTLP/HTTP protobuf and OTLP/gRPC from the OpenTelemetry SDK's exporters,
 * OTLP/JSON, the Python library's {@code store_trace}, the in-process exporter, and the playground's own
 * traces) before anything is stored, while a project without masking keeps its data as sent.
 */
class PiiIT extends WithLocalModels {
  /** Personal data and secrets as they might appear in a prompt; each must be masked by its type. */
  private static final String EMAIL = "jane.doe@example.com";
  private static final String PHONE = "+1 (555) 123-4567";
  private static final String CARD = "4111 1111 1111 1111";
  private static final String KEY = "sk-proj-abcDEF1234567890abcdefXYZ";
  private static final String IBAN = "DE89 3704 0044 0532 0130 00";
  private static final String TEXT = "Contact " + EMAIL + " or " + PHONE + ", card " + CARD + ", key " + KEY
      + ", IBAN " + IBAN + ".";
  private static final String MASKED = "Contact [EMAIL] or [PHONE], card [CREDIT_CARD], key [API_KEY], IBAN [IBAN].";
  private static final List<String> RAW = List.of(EMAIL, "555) 123-4567", CARD, KEY, IBAN);

  @Test
  void detectPiiReturnsTypesAndCodePointOffsets() throws Exception {
    String text = "\uD83D\uDE00 mail " + EMAIL + " from 192.168.1.20; Dr. Jane Smith";
    TestHost.Reply r = host.json("POST", "/api/detect_pii?user_id=alice", Map.of("text", text));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json()).hasSize(2);
    assertThat(r.json().get(0).get("entity_type").asText()).isEqualTo("EMAIL");
    // the emoji is one code point (two UTF-16 units): the address starts at 7
    assertThat(r.json().get(0).get("start").asInt()).isEqualTo(7);
    assertThat(r.json().get(0).get("end").asInt()).isEqualTo(7 + EMAIL.length());
    assertThat(r.json().get(1).get("entity_type").asText()).isEqualTo("IP_ADDRESS");

    JsonNode withNames = host.json("POST", "/api/detect_pii?user_id=alice", Map.of("text", text, "names", true)).json();
    assertThat(withNames).extracting(n -> n.get("entity_type").asText())
        .containsExactly("EMAIL", "IP_ADDRESS", "PERSON");
    JsonNode onlyIp = host.json("POST", "/api/detect_pii?user_id=alice", Map.of("text", text,
        "entities", List.of("IP_ADDRESS"))).json();
    assertThat(onlyIp).extracting(n -> n.get("entity_type").asText()).containsExactly("IP_ADDRESS");
    TestHost.Reply unknown = host.json("POST", "/api/detect_pii?user_id=alice", Map.of("text", "x",
        "entities", List.of("SHOE_SIZE")));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("detail").asText()).contains("SHOE_SIZE").contains("EMAIL");
    assertThat(host.json("POST", "/api/detect_pii?user_id=alice", Map.of()).status()).isEqualTo(400);
    assertThat(host.json("POST", "/api/detect_pii?user_id=alice", Map.of("text", "nothing here")).json()).isEmpty();
  }

  @Test
  void onlyTheOwnerTurnsMaskingOnAndMembersMayReadIt() throws Exception {
    String project = defaultProject(host, "alice");
    JsonNode off = host.send("GET", "/api/get_project_pii?user_id=alice&project_id=" + project).json();
    assertThat(off.get("mask").asBoolean()).isFalse();
    assertThat(off.get("entities")).extracting(JsonNode::asText).doesNotContain("PERSON").contains("EMAIL");
    JsonNode on = host.send("PATCH", "/api/update_project_pii?user_id=alice&project_id=" + project
        + "&mask=true&entities=EMAIL,PHONE&entities=PERSON").json();
    assertThat(on.get("mask").asBoolean()).isTrue();
    assertThat(on.get("entities")).extracting(JsonNode::asText).containsExactly("EMAIL", "PHONE", "PERSON");

    assertThat(host.send("PATCH", "/api/update_project_pii?user_id=bob&project_id=" + project + "&mask=false")
        .status()).as("an outsider").isEqualTo(404);
    String code = host.send("GET", "/api/share_project?user_id=alice&project_id=" + project).json().get("share_code")
        .asText();
    assertThat(host.send("POST", "/api/import_project?user_id=bob&share_code=" + code).status()).isEqualTo(200);
    assertThat(host.send("GET", "/api/get_project_pii?user_id=bob&project_id=" + project).json().get("mask")
        .asBoolean()).isTrue();
    assertThat(host.send("PATCH", "/api/update_project_pii?user_id=bob&project_id=" + project + "&mask=false")
        .status()).as("a member").isEqualTo(403);
    TestHost.Reply bad = host.send("PATCH", "/api/update_project_pii?user_id=alice&project_id=" + project
        + "&entities=EMAIL,NOPE");
    assertThat(bad.status()).isEqualTo(400);
    TestHost.Reply none = host.send("PATCH", "/api/update_project_pii?user_id=alice&project_id=" + project
        + "&mask=true&entities=");
    assertThat(none.status()).isEqualTo(400);
  }

  @Test
  void everyIngestionPathMasksBeforeAnythingIsStored() throws Exception {
    String masked = defaultProject(host, "alice");
    String plain = defaultProject(host, "bob");
    assertThat(host.send("PATCH", "/api/update_project_pii?user_id=alice&project_id=" + masked + "&mask=true")
        .status()).isEqualTo(200);
    String aliceKey = host.send("POST", "/api/create_key?user_id=alice").json().asText();
    String bobKey = host.send("POST", "/api/create_key?user_id=bob").json().asText();

    // OTLP/HTTP protobuf, from the OpenTelemetry SDK's own exporter
    sdk(OtlpHttpSpanExporter.builder().setEndpoint(host.uri("/v1/traces").toString())
        .addHeader("Authorization", "Bearer " + aliceKey).build(), "protobuf");
    // OTLP/gRPC, through the receiver plugin, from the SDK's gRPC exporter
    sdk(OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + host.grpcPort())
        .addHeader("x-guardops-api-key", aliceKey).setTimeout(Duration.ofSeconds(20)).build(), "grpc");
    // OTLP/JSON, with nested values
    assertThat(otlpJson(aliceKey, "0af7651916cd43dd8448eb211c80319c").statusCode()).isEqualTo(200);
    // the Python library's store_trace
    TestHost.Reply lib = DatasetsIT.librarySpan(host, "alice", aliceKey, masked, "4bf92f3577b34da6a3ce929d0e0e4736",
        java.time.Instant.now(), TEXT, "Sure, " + EMAIL);
    assertThat(lib.status()).as(lib.body()).isEqualTo(200);
    // the in-process exporter of an embedding application
    sdk(host.engine.spanExporter(masked), "in-process");
    // the playground's own traces of model calls (the echo model repeats the prompt)
    addModel(host, "alice", model("echo", server, 1, 1));
    String pg = host.json("POST", "/api/create_prompt_playground?user_id=alice&model=echo", Map.of("prompt", TEXT))
        .json().asText();
    JsonNode run = host.send("POST", "/api/trace_playground?user_id=alice&playground_id=" + pg).json();
    assertThat(run.at("/results/0/output").asText()).as("the caller gets the answer as it is").isEqualTo(TEXT);

    String stored = host.send("GET", "/api/get_project_traces?user_id=alice&limit=100&project_id=" + masked).body();
    JsonNode traces = TestHost.JSON.readTree(stored).get("traces");
    assertThat(traces).hasSize(6);
    for (String raw : RAW) {
      assertThat(stored).as("project traces of a masking project").doesNotContain(raw);
    }
    assertThat(stored).contains(MASKED);
    // the places: prompt and output, plain, nested and list attributes, event attributes, status message
    assertThat(stored).contains("\"gen_ai.prompt\":\"" + MASKED + "\"").contains("[EMAIL], ok")
        .contains("\"nested\":{\"contact\":\"[EMAIL]\"}").contains("\"[PHONE]\",\"[IBAN]\"").contains("call [PHONE]")
        .contains("failed for [EMAIL]").contains("\"attributes\":{\"user.email\":\"[EMAIL]\"}");
    // keys, model names, ids and numbers stay
    assertThat(stored).contains("gen_ai.request.model").contains("gpt-4o-mini").contains("\"prompt_tokens\"");

    // the same through bob's project, which does not mask: stored as sent
    assertThat(otlpJson(bobKey, "1af7651916cd43dd8448eb211c80319c").statusCode()).isEqualTo(200);
    String unmasked = host.send("GET", "/api/get_project_traces?user_id=bob&project_id=" + plain).body();
    assertThat(unmasked).contains(EMAIL).contains(CARD).doesNotContain("[EMAIL]");

    // masking off: from now on stored as sent again
    host.send("PATCH", "/api/update_project_pii?user_id=alice&project_id=" + masked + "&mask=false");
    assertThat(otlpJson(aliceKey, "2af7651916cd43dd8448eb211c80319c").statusCode()).isEqualTo(200);
    String later = host.send("GET", "/api/get_trace?user_id=alice&project_id=" + masked
        + "&trace_id=2af7651916cd43dd8448eb211c80319c").body();
    assertThat(later).contains(EMAIL);
  }

  /** One trace through an OpenTelemetry SDK with {@code exporter}: a root and a chat span with PII. */
  private static void sdk(SpanExporter exporter, String via) {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "pii-" + via)))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    try {
      Tracer tracer = provider.get("pii-it");
      Span root = tracer.spanBuilder("request " + via).startSpan();
      try (var ignored = root.makeCurrent()) {
        Span chat = tracer.spanBuilder("chat gpt-4o-mini").setAttribute("gen_ai.operation.name", "chat")
            .setAttribute("gen_ai.request.model", "gpt-4o-mini")
            .setAttribute("gen_ai.usage.input_tokens", 30L).setAttribute("gen_ai.usage.output_tokens", 5L)
            .setAttribute("gen_ai.prompt", TEXT).setAttribute("gen_ai.completion", "[EMAIL], ok " + EMAIL)
            .setAttribute(AttributeKey.stringArrayKey("contacts"), List.of(PHONE, IBAN))
            .startSpan();
        chat.addEvent("user message", Attributes.of(AttributeKey.stringKey("user.email"), EMAIL));
        chat.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "delivery failed for " + EMAIL);
        chat.end();
      }
      root.end();
      CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).as("spans via %s acknowledged", via).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private HttpResponse<byte[]> otlpJson(String key, String traceId) throws Exception {
    long t = System.currentTimeMillis() * 1_000_000L;
    String q = TestHost.JSON.writeValueAsString(TEXT);
    String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
        + "{\"stringValue\":\"pii-json\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + traceId + "\","
        + "\"spanId\":\"00f067aa0ba902b7\",\"name\":\"chat gpt-4o-mini\",\"kind\":3,\"startTimeUnixNano\":\"" + t
        + "\",\"endTimeUnixNano\":\"" + (t + 1000) + "\",\"attributes\":["
        + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o-mini\"}},"
        + "{\"key\":\"gen_ai.prompt\",\"value\":{\"stringValue\":" + q + "}},"
        + "{\"key\":\"details\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"nested\",\"value\":{\"kvlistValue\":"
        + "{\"values\":[{\"key\":\"contact\",\"value\":{\"stringValue\":\"" + EMAIL + "\"}}]}}},"
        + "{\"key\":\"note\",\"value\":{\"stringValue\":\"call " + PHONE + "\"}}]}}},"
        + "{\"key\":\"card\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"" + CARD + "\"}]}}}"
        + "],\"status\":{\"code\":1}}]}]}]}";
    return OtlpJson.post(host.http, host.uri("/v1/traces"), key, null, body);
  }
}
