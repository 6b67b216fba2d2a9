package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.engine.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/store_trace/} with bodies shaped exactly like the GuardOps Python library's
 * (OpenTelemetry Python's {@code to_json()} with the library's underscore keys and derived
 * attributes), posted one span at a time as the library does, children first; then read back
 * through the web app's endpoints.
 */
class LibraryIngestIT {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";

  @TempDir
  Path dir;

  /** The OpenAI chat span OpenLLMetry records inside the library's workflow span. */
  static String chatSpan(String rawKey, boolean announceTrace) {
    return """
        {"span": {
          "name": "openai.chat",
          "context": {"trace_id": "0x%1$s", "span_id": "0xeee19b7ec3c1b174", "trace_state": "[]"},
          "kind": "SpanKind.CLIENT",
          "parent_id": "0xeee19b7ec3c1b173",
          "start_time": "2023-11-27T14:25:32.873460Z",
          "end_time": "2023-11-27T14:25:33.780150Z",
          "status": {"status_code": "UNSET"},
          "attributes": {
            "llm_request_type": "chat", "gen_ai_system": "OpenAI", "gen_ai_request_model": "gpt-3.5-turbo",
            "llm_request_max_tokens": 256, "gen_ai_request_temperature": 0.7,
            "gen_ai_prompt_0_role": "system", "gen_ai_prompt_0_content": "You are a comedian.",
            "gen_ai_prompt_1_role": "user", "gen_ai_prompt_1_content": "Tell me a joke about tracing",
            "gen_ai_response_model": "gpt-3.5-turbo-0613", "llm_usage_total_tokens": 35,
            "gen_ai_usage_completion_tokens": 23, "gen_ai_usage_prompt_tokens": 12,
            "gen_ai_completion_0_finish_reason": "stop", "gen_ai_completion_0_role": "assistant",
            "gen_ai_completion_0_content": "Why did the span cross the road? To reach its parent.",
            "prompt": "You are a comedian.\\nTell me a joke about tracing",
            "output": "Why did the span cross the road? To reach its parent.",
            "model": "gpt-3.5-turbo-0613",
            "response": "{\\"llm_request_type\\": \\"chat\\", \\"gen_ai_system\\": \\"OpenAI\\"}"
          },
          "events": [], "links": [],
          "resource": {"attributes": {"service_name": "llm-tracing"}, "schema_url": ""}
        }%2$s}
        """.formatted(TRACE, announceTrace ? traceObject(rawKey) : "");
  }

  /** The library's workflow (root) span, which ends last and so arrives last. */
  static String workflowSpan(String rawKey) {
    return """
        {"span": {
          "name": "joke_workflow.workflow",
          "context": {"trace_id": "0x%1$s", "span_id": "0xeee19b7ec3c1b173", "trace_state": "[]"},
          "kind": "SpanKind.INTERNAL",
          "parent_id": null,
          "start_time": "2023-11-27T14:25:32.800000Z",
          "end_time": "2023-11-27T14:25:33.900000Z",
          "status": {"status_code": "OK"},
          "attributes": {"traceloop_span_kind": "workflow", "traceloop_entity_name": "joke_workflow",
            "prompt": "", "output": "", "model": "", "response": "{}"},
          "events": [], "links": [],
          "resource": {"attributes": {"service_name": "llm-tracing"}, "schema_url": ""}
        }%2$s}
        """.formatted(TRACE, traceObject(rawKey));
  }

  private static String traceObject(String rawKey) {
    return ", \"trace\": {\"trace_id\": \"0x" + TRACE + "\", \"access_token\": \"" + rawKey
        + "\", \"project_id\": \"ignored\", \"playground_id\": null}";
  }

  @Test
  void librarySpansArriveChildFirstAndReadBackAsTheWebAppExpects() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of())) {
      String raw = host.send("POST", "/api/create_key?user_id=0").json().asText();
      String project = host.send("GET", "/api/get_projects?user_id=0").json().at("/projects/0/project_id").asText();
      String path = "/api/store_trace/?user_id=0&project_id=" + project + "&key_hash=" + ApiKeys.sha256Hex(raw);

      // the child ends first and announces the trace; the root announces it again
      assertThat(host.send("POST", path, "application/json", chatSpan(raw, true).getBytes(StandardCharsets.UTF_8))
          .status()).isEqualTo(200);
      assertThat(host.send("POST", path, "application/json", workflowSpan(raw).getBytes(StandardCharsets.UTF_8))
          .status()).isEqualTo(200);
      // the library re-sends a span it is unsure about: still one copy
      assertThat(host.send("POST", path, "application/json", chatSpan(raw, false).getBytes(StandardCharsets.UTF_8))
          .status()).isEqualTo(200);
      // the library's own HTTP spans are acknowledged and dropped
      String get = chatSpan(raw, false).replace("\"openai.chat\"", "\"GET\"").replace("eee19b7ec3c1b174",
          "aaaaaaaaaaaaaaaa");
      TestHost.Reply ignored = host.send("POST", path, "application/json", get.getBytes(StandardCharsets.UTF_8));
      assertThat(ignored.status()).isEqualTo(200);
      assertThat(ignored.json().get("stored").asBoolean()).isFalse();

      JsonNode traces = host.send("GET", "/api/get_project_traces?user_id=0&project_id=" + project).json()
          .get("traces");
      assertThat(traces).hasSize(1);
      JsonNode trace = traces.get(0);
      assertThat(trace).hasSize(2);
      JsonNode root = trace.get(0);
      assertThat(root.get("parent_id").isNull()).isTrue();
      assertThat(root.get("name").asText()).isEqualTo("joke_workflow.workflow");
      assertThat(root.at("/context/trace_id").asText()).isEqualTo("0x" + TRACE);
      assertThat(root.at("/status/status_code").asText()).isEqualTo("OK");
      JsonNode chat = trace.get(1);
      assertThat(chat.get("parent_id").asText()).isEqualTo(root.at("/context/span_id").asText());
      assertThat(chat.get("kind").asText()).isEqualTo("SpanKind.CLIENT");
      assertThat(chat.get("start_time").asText()).isEqualTo("2023-11-27T14:25:32.873460Z");
      JsonNode a = chat.get("attributes");
      assertThat(a.get("prompt").asText()).isEqualTo("You are a comedian.\nTell me a joke about tracing");
      assertThat(a.get("output").asText()).isEqualTo("Why did the span cross the road? To reach its parent.");
      assertThat(a.get("model").asText()).isEqualTo("gpt-3.5-turbo-0613");
      assertThat(a.get("prompt_tokens").asLong()).isEqualTo(12);
      assertThat(a.get("completion_tokens").asLong()).isEqualTo(23);
      assertThat(a.get("total_tokens").asLong()).isEqualTo(35);
      // gpt-3.5-turbo: $0.50 in / $1.50 out per 1M tokens
      assertThat(a.get("cost").asDouble()).isCloseTo(12 * 0.5e-6 + 23 * 1.5e-6, org.assertj.core.data.Offset.offset(1e-12));
      assertThat(a.get("gen_ai_prompt_1_content").asText()).isEqualTo("Tell me a joke about tracing");

      JsonNode detail = host.send("GET", "/api/get_trace?user_id=0&project_id=" + project + "&trace_id=0x" + TRACE)
          .json();
      assertThat(detail.at("/summary/span_count").asInt()).isEqualTo(2);
      assertThat(detail.at("/summary/name").asText()).isEqualTo("joke_workflow.workflow");
      assertThat(detail.at("/summary/total_tokens").asLong()).isEqualTo(35);
      assertThat(detail.at("/summary/model").asText()).isEqualTo("gpt-3.5-turbo-0613");
      assertThat(host.send("GET", "/api/get_projects?user_id=0").json().at("/projects/0/stats/trace_count").asLong())
          .isEqualTo(1);
      JsonNode viz = host.send("GET", "/api/get_data_for_traces_viz?user_id=0&project_id=" + project).json();
      assertThat(viz.get("0x" + TRACE).get("runtime").asDouble()).isCloseTo(1.1, org.assertj.core.data.Offset.offset(1e-6));

      // the raw key the library puts in trace.access_token is stored nowhere (SQLite: its files; MongoDB:
      // every document), while the span that carried it is
      assertThat(TestHost.storedText(dir)).as("what the %s store keeps", TestHost.STORE)
          .contains("Why did the span cross the road").doesNotContain(raw);
    }
  }

  @Test
  void badLibraryRequestsGetClearErrorsAndStoreNothing() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.auth", "unprotected", "guardops.http.max-body-bytes",
        "8192"))) {
      host.send("POST", "/api/create_user?user_id=alice");
      host.send("POST", "/api/create_user?user_id=bob");
      String raw = host.send("POST", "/api/create_key?user_id=alice").json().asText();
      String hash = ApiKeys.sha256Hex(raw);
      String alice = host.send("GET", "/api/get_projects?user_id=alice").json().at("/projects/0/project_id").asText();
      String bobs = host.send("GET", "/api/get_projects?user_id=bob").json().at("/projects/0/project_id").asText();
      String ok = chatSpan(raw, true);
      String base = "/api/store_trace/?user_id=alice&project_id=" + alice + "&key_hash=";
      String[][] cases = {
          // {path, body, status, words the detail must contain}
          {"/api/store_trace/?project_id=" + alice + "&key_hash=" + hash, ok, "400", "user_id"},
          {"/api/store_trace/?user_id=alice&key_hash=" + hash, ok, "400", "project_id"},
          {"/api/store_trace/?user_id=alice&project_id=" + alice, ok, "400", "key_hash"},
          {base + "0".repeat(64), ok, "401", "key_hash"},
          {base + "nothex", ok, "401", "key_hash"},
          {base + ApiKeys.sha256Hex(raw + "x"), ok, "401", "key_hash"},
          // alice's key is not bob's, and alice may not write to bob's project
          {"/api/store_trace/?user_id=bob&project_id=" + bobs + "&key_hash=" + hash, ok, "401", "key_hash"},
          {"/api/store_trace/?user_id=alice&project_id=" + bobs + "&key_hash=" + hash, ok, "404", "project"},
          {base + hash, "{not json", "400", "JSON"},
          {base + hash, "[]", "400", "object"},
          {base + hash, "{\"trace\": {}}", "400", "span"},
          {base + hash, ok.replace("0x" + TRACE, "0x123"), "400", "trace_id"},
          {base + hash, ok.replace("0xeee19b7ec3c1b174", "0xnothex"), "400", "span_id"},
          {base + hash, ok.replace("2023-11-27T14:25:33.780150Z", "2023-11-27T14:25:31Z"), "400", "end_time"},
          {base + hash, ok.replace("2023-11-27T14:25:32.873460Z", "yesterday"), "400", "start_time"},
          {base + hash, ok.replace("\"attributes\": {", "\"attributes\": 7, \"x\": {"), "400", "attributes"},
          {base + hash, ok + " trailing", "400", "JSON"},
          {base + hash, "{\"span\": \"" + "x".repeat(9000) + "\"}", "413", "limit"},
      };
      for (int i = 0; i < cases.length; i++) {
        String[] c = cases[i];
        TestHost.Reply r = host.send("POST", c[0], "application/json", c[1].getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as("case %d: %s -> %s", i, c[0], r.body()).isEqualTo(Integer.parseInt(c[2]));
        assertThat(r.json().get("detail").asText()).as(c[0]).containsIgnoringCase(c[3]);
      }
      for (String p : new String[] {alice, bobs}) {
        String owner = p.equals(alice) ? "alice" : "bob";
        assertThat(host.send("GET", "/api/get_project_traces?user_id=" + owner + "&project_id=" + p).json()
            .get("traces")).isEmpty();
      }
      assertThat(host.send("GET", "/health").status()).isEqualTo(200);
      // and a good request still works afterwards
      assertThat(host.send("POST", base + hash, "application/json", ok.getBytes(StandardCharsets.UTF_8)).status())
          .isEqualTo(200);
    }
  }
}
