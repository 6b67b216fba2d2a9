package io.guardops.host;

import static io.guardops.host.PlaygroundFixtures.addModel;
import static io.guardops.host.PlaygroundFixtures.defaultProject;
import static io.guardops.host.PlaygroundFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.host.PlaygroundFixtures.Event;
import io.guardops.host.PlaygroundFixtures.EventReader;
import io.guardops.tck.OpenAiCompatibleServer;
import io.guardops.tck.OpenAiCompatibleServer.Behaviour;
import io.guardops.tck.OpenAiCompatibleServer.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prompt and chat playgrounds over HTTP against a local OpenAI-compatible server: runs (JSON and
 * streamed), side by side, their traces with cost, chat history, and the refusals (unknown model,
 * provider 500 and 401, another user's playground).
 */
class PlaygroundIT extends WithLocalModels {
  @BeforeEach
  void models() throws Exception {
    // 1000 / 2000 USD per million tokens: one word (the server's token) in costs 0.001, out 0.002
    addModel(host, "alice", model("house-echo", server, 1000, 2000));
  }

  private String promptPlayground(String user, Map<String, Object> body) throws Exception {
    TestHost.Reply r = host.json("POST", "/api/create_prompt_playground?user_id=" + user + "&name=Greeter", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().isTextual()).as("the id as a bare JSON string: %s", r.body()).isTrue();
    return r.json().asText();
  }

  private static Map<String, Object> greeter() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("prompt", "Say {{what}} to {{who}}");
    body.put("variables", Map.of("what", "hello", "who", "the world"));
    body.put("models", List.of("house-echo"));
    body.put("parameters", Map.of("temperature", 0.2, "max_tokens", 50, "top_p", 0.9, "stop", List.of("END")));
    return body;
  }

  @Test
  void aPromptPlaygroundRunsItsModelAndEachRunIsATraceWithItsCost() throws Exception {
    String id = promptPlayground("alice", greeter());
    JsonNode list = host.send("GET", "/api/get_prompt_playgrounds?user_id=alice").json().get("playgrounds");
    assertThat(list).singleElement().satisfies(p -> {
      assertThat(p.get("playground_id").asText()).isEqualTo(id);
      assertThat(p.get("name").asText()).isEqualTo("Greeter");
      assertThat(p.get("prompt").asText()).isEqualTo("Say {{what}} to {{who}}");
      assertThat(p.at("/parameters/max_tokens").asInt()).isEqualTo(50);
      assertThat(p.at("/parameters/stop/0").asText()).isEqualTo("END");
    });
    assertThat(host.send("GET", "/api/get_chat_playgrounds?user_id=alice").json().get("playgrounds")).isEmpty();

    TestHost.Reply run = host.send("POST", "/api/trace_playground?user_id=alice&playground_id=" + id);
    assertThat(run.status()).as(run.body()).isEqualTo(200);
    JsonNode result = run.json().at("/results/0");
    assertThat(result.get("output").asText()).isEqualTo("Say hello to the world");
    assertThat(result.get("model").asText()).isEqualTo("house-echo");
    assertThat(result.at("/usage/input_tokens").asLong()).isEqualTo(5);
    assertThat(result.at("/usage/output_tokens").asLong()).isEqualTo(5);
    assertThat(result.at("/usage/total_tokens").asLong()).isEqualTo(10);
    assertThat(result.get("cost").asDouble()).isCloseTo(5 * 0.001 + 5 * 0.002, within(1e-12));
    assertThat(result.get("latency_ms").asDouble()).isPositive();
    assertThat(result.has("error")).isFalse();
    String traceId = result.get("trace_id").asText();
    assertThat(traceId).startsWith("0x").hasSize(34);

    RecordedRequest sent = server.lastRequest();
    assertThat(sent.model()).isEqualTo("house-echo");
    assertThat(sent.header("authorization")).isEqualTo("Bearer test-key");
    assertThat(sent.body()).containsEntry("temperature", 0.2).containsEntry("max_tokens", 50L)
        .containsEntry("top_p", 0.9).containsEntry("stop", List.of("END"));

    JsonNode traces = host.send("GET", "/api/get_playground_traces?user_id=alice&playground_id=" + id).json();
    String project = defaultProject(host, "alice");
    assertThat(traces.get("project").asText()).isEqualTo(project);
    assertThat(traces.get("traces")).hasSize(1);
    JsonNode root = rootOf(traces.at("/traces/0"));
    assertThat(root.at("/context/trace_id").asText()).isEqualTo(traceId);
    assertThat(root.at("/attributes/prompt").asText()).isEqualTo("Say hello to the world");
    assertThat(root.at("/attributes/output").asText()).isEqualTo("Say hello to the world");
    assertThat(root.at("/attributes/model").asText()).isEqualTo("house-echo");
    assertThat(root.at("/attributes/prompt_tokens").asLong()).isEqualTo(5);
    assertThat(root.at("/attributes/completion_tokens").asLong()).isEqualTo(5);
    assertThat(root.at("/attributes/cost").asDouble()).isCloseTo(0.015, within(1e-12));
    assertThat(root.at("/attributes/guardops.playground.id").asText()).isEqualTo(id);
    assertThat(traces.at("/traces/0")).anySatisfy(s -> assertThat(s.at("/attributes/gen_ai.request.model").asText())
        .isEqualTo("house-echo"));

    // the trace is one of the project's, with its cost counted once
    JsonNode detail = host.send("GET", "/api/get_trace?user_id=alice&project_id=" + project + "&trace_id=" + traceId)
        .json();
    assertThat(detail.at("/summary/cost").asDouble()).isCloseTo(0.015, within(1e-12));
    assertThat(detail.at("/summary/total_tokens").asLong()).isEqualTo(10);
    assertThat(detail.at("/summary/model").asText()).isEqualTo("house-echo");

    // a change of variables shows in the next run; traces are listed newest first
    assertThat(host.json("PATCH", "/api/update_playground?user_id=alice&playground_id=" + id,
        Map.of("variables", Map.of("what", "hello", "who", "Ada"))).status()).isEqualTo(200);
    JsonNode second = host.send("POST", "/api/trace_playground?user_id=alice&playground_id=" + id).json();
    assertThat(second.at("/results/0/output").asText()).isEqualTo("Say hello to Ada");
    JsonNode both = host.send("GET", "/api/get_playground_traces?user_id=alice&playground_id=" + id).json();
    assertThat(both.get("traces")).hasSize(2);
    assertThat(rootOf(both.at("/traces/0")).at("/attributes/output").asText()).isEqualTo("Say hello to Ada");

    // a run's own variables; a missing one is named
    TestHost.Reply missing = host.json("POST", "/api/trace_playground?user_id=alice&playground_id=" + id,
        Map.of("prompt", "Hi {{name}} from {{place}} and {{who}}"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get("detail").asText()).contains("missing variables: name, place");

    assertThat(host.send("DELETE", "/api/delete_playground?user_id=alice&playground_id=" + id).status()).isEqualTo(200);
    assertThat(host.send("GET", "/api/get_playground?user_id=alice&playground_id=" + id).status()).isEqualTo(404);
    assertThat(host.send("GET", "/api/get_trace?user_id=alice&project_id=" + project + "&trace_id=" + traceId)
        .status()).as("the traces stay").isEqualTo(200);
  }

  @Test
  void aStreamedRunDeliversEachDeltaAsTheModelSendsIt() throws Exception {
    String id = promptPlayground("alice", greeter());
    CountDownLatch resume = new CountDownLatch(1);
    server.enqueue(Behaviour.pauseAfterFirstChunk(resume));
    try (EventReader events = new EventReader(host, "/api/trace_playground?user_id=alice&stream=true&playground_id="
        + id, null)) {
      assertThat(events.status).isEqualTo(200);
      assertThat(events.contentType).startsWith("text/event-stream");
      Event start = events.next();
      assertThat(start.name()).isEqualTo("start");
      assertThat(start.data().at("/models/0/model").asText()).isEqualTo("house-echo");
      Event first = events.next();
      assertThat(first.name()).isEqualTo("delta");
      assertThat(first.data().get("text").asText()).isEqualTo("Say");
      assertThat(first.data().get("index").asInt()).isZero();
      assertThat(server.chatRequests().get(0).completedAtNanos()).as("the model still holds the rest").isZero();
      resume.countDown();
      List<Event> rest = events.rest();
      StringBuilder text = new StringBuilder("Say");
      rest.stream().filter(e -> e.name().equals("delta")).forEach(e -> text.append(e.data().get("text").asText()));
      assertThat(text).hasToString("Say hello to the world");
      Event result = rest.stream().filter(e -> e.name().equals("result")).findFirst().orElseThrow();
      assertThat(result.data().get("output").asText()).isEqualTo("Say hello to the world");
      assertThat(result.data().at("/usage/output_tokens").asLong()).isEqualTo(5);
      assertThat(result.data().get("cost").asDouble()).isCloseTo(0.015, within(1e-12));
      Event done = rest.get(rest.size() - 1);
      assertThat(done.name()).isEqualTo("done");
      assertThat(done.data().get("cost").asDouble()).isCloseTo(0.015, within(1e-12));
      assertThat(done.data().at("/trace_ids/0").asText()).isEqualTo(result.data().get("trace_id").asText());
    }
    JsonNode traces = host.send("GET", "/api/get_playground_traces?user_id=alice&playground_id=" + id).json();
    assertThat(rootOf(traces.at("/traces/0")).at("/attributes/output").asText()).isEqualTo("Say hello to the world");
  }

  @Test
  void severalModelsAnswerOnePromptSideBySideTaggedPerModel() throws Exception {
    try (OpenAiCompatibleServer other = OpenAiCompatibleServer.builder().apiKey("other-key").start()) {
      other.answer(OpenAiCompatibleServer.fixed("I am the other one"));
      addModel(host, "alice", model("other-model", other, 0, 10_000));
      Map<String, Object> body = greeter();
      body.put("models", List.of("house-echo", "other-model"));
      String id = promptPlayground("alice", body);

      JsonNode run = host.send("POST", "/api/trace_playground?user_id=alice&playground_id=" + id).json();
      assertThat(run.get("results")).hasSize(2);
      assertThat(run.at("/results/0/model").asText()).isEqualTo("house-echo");
      assertThat(run.at("/results/0/output").asText()).isEqualTo("Say hello to the world");
      assertThat(run.at("/results/1/model").asText()).isEqualTo("other-model");
      assertThat(run.at("/results/1/output").asText()).isEqualTo("I am the other one");
      assertThat(run.at("/results/1/cost").asDouble()).isCloseTo(5 * 0.01, within(1e-12));
      assertThat(run.get("cost").asDouble()).isCloseTo(0.015 + 0.05, within(1e-12));
      assertThat(other.lastRequest().header("authorization")).isEqualTo("Bearer other-key");

      try (EventReader events = new EventReader(host, "/api/trace_playground?user_id=alice&stream=true&playground_id="
          + id, Map.of("variables", Map.of("who", "you")))) {
        List<Event> all = events.rest();
        Map<Integer, StringBuilder> texts = new LinkedHashMap<>();
        List<JsonNode> results = new ArrayList<>();
        for (Event e : all) {
          if (e.name().equals("delta")) {
            texts.computeIfAbsent(e.data().get("index").asInt(), k -> new StringBuilder())
                .append(e.data().get("text").asText());
            assertThat(e.data().get("model").asText()).isIn("house-echo", "other-model");
          } else if (e.name().equals("result")) {
            results.add(e.data());
          }
        }
        assertThat(texts.get(0)).hasToString("Say hello to you");
        assertThat(texts.get(1)).hasToString("I am the other one");
        assertThat(results).extracting(r -> r.get("model").asText())
            .containsExactlyInAnyOrder("house-echo", "other-model");
        assertThat(all.get(all.size() - 1).name()).isEqualTo("done");
      }
      assertThat(host.send("GET", "/api/get_playground_traces?user_id=alice&playground_id=" + id).json()
          .get("traces")).hasSize(4);
    }
  }

  @Test
  void aChatPlaygroundKeepsItsHistoryAndSendsItWithEachMessage() throws Exception {
    TestHost.Reply created = host.json("POST", "/api/create_chat_playground?user_id=alice&model=house-echo",
        Map.of("system", "You are terse."));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String id = created.json().asText();
    JsonNode first = host.json("POST", "/api/trace_playground_chat?user_id=alice&playground_id=" + id,
        Map.of("message", "hello there")).json();
    assertThat(first.at("/results/0/output").asText()).isEqualTo("hello there");
    JsonNode second = host.json("POST", "/api/trace_playground_chat?user_id=alice&playground_id=" + id,
        Map.of("message", "and again")).json();
    assertThat(second.at("/results/0/output").asText()).isEqualTo("and again");

    List<Map<String, Object>> sent = server.lastRequest().messages();
    assertThat(sent).extracting(m -> m.get("role")).containsExactly("system", "user", "assistant", "user");
    assertThat(sent.get(0).get("content")).isEqualTo("You are terse.");
    JsonNode pg = host.send("GET", "/api/get_playground?user_id=alice&playground_id=" + id).json();
    assertThat(pg.get("type").asText()).isEqualTo("chat");
    assertThat(pg.get("messages")).extracting(m -> m.get("content").asText())
        .containsExactly("hello there", "hello there", "and again", "and again");
    assertThat(pg.get("trace_count").asInt()).isEqualTo(2);
    assertThat(host.send("GET", "/api/get_chat_playgrounds?user_id=alice").json().get("playgrounds")).hasSize(1);

    // save=false leaves the history as it is
    host.json("POST", "/api/trace_playground_chat?user_id=alice&playground_id=" + id,
        Map.of("message", "off the record", "save", false));
    assertThat(host.send("GET", "/api/get_playground?user_id=alice&playground_id=" + id).json().get("messages"))
        .hasSize(4);
    TestHost.Reply noMessage = host.send("POST", "/api/trace_playground_chat?user_id=alice&playground_id=" + id);
    assertThat(noMessage.status()).isEqualTo(400);
    assertThat(noMessage.json().get("detail").asText()).contains("message");
    TestHost.Reply wrongKind = host.send("POST", "/api/trace_playground?user_id=alice&playground_id=" + id);
    assertThat(wrongKind.status()).isEqualTo(400);
    assertThat(wrongKind.json().get("detail").asText()).contains("trace_playground_chat");
  }

  @Test
  void anUnknownModelIsNotFound() throws Exception {
    Map<String, Object> body = greeter();
    body.put("models", List.of("no-such-model"));
    String id = promptPlayground("alice", body);
    TestHost.Reply r = host.send("POST", "/api/trace_playground?user_id=alice&playground_id=" + id);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("detail").asText()).contains("no-such-model").contains("add_model");
    assertThat(server.chatRequests()).isEmpty();
    // bob's model is not alice's
    addModel(host, "bob", model("bobs-model", server, 1, 1));
    TestHost.Reply other = host.json("POST", "/api/trace_playground?user_id=alice&playground_id=" + id,
        Map.of("models", List.of("bobs-model")));
    assertThat(other.status()).isEqualTo(404);
  }

  @Test
  void aProviderErrorIsAGatewayErrorAndTheFailedCallIsTraced() throws Exception {
    String id = promptPlayground("alice", greeter());
    // the client retries twice: three 500s exhaust it
    server.enqueue(Behaviour.serverError(), Behaviour.serverError(), Behaviour.serverError());
    TestHost.Reply r = host.send("POST", "/api/trace_playground?user_id=alice&playground_id=" + id);
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.json().get("detail").asText()).contains("house-echo").contains("the model endpoint failed")
        .contains("HTTP 500");
    JsonNode traces = host.send("GET", "/api/get_playground_traces?user_id=alice&playground_id=" + id).json();
    assertThat(traces.get("traces")).hasSize(1);
    assertThat(rootOf(traces.at("/traces/0")).at("/status/status_code").asText()).isEqualTo("ERROR");

    // a wrong key: 401 from the provider, 502 here, and the key is not repeated
    addModel(host, "alice", Map.of("name", "wrong-key-model", "base_url", server.baseUrl(), "api_key",
        "sk-wrong-0123456789"));
    TestHost.Reply unauthorized = host.json("POST", "/api/trace_playground?user_id=alice&playground_id=" + id,
        Map.of("models", List.of("wrong-key-model")));
    assertThat(unauthorized.status()).as(unauthorized.body()).isEqualTo(502);
    assertThat(unauthorized.json().get("detail").asText()).contains("401").contains("API key")
        .doesNotContain("sk-wrong-0123456789");

    // streamed, the failure is the model's result event
    try (EventReader events = new EventReader(host, "/api/trace_playground?user_id=alice&stream=true&playground_id="
        + id, Map.of("models", List.of("wrong-key-model")))) {
      assertThat(events.status).isEqualTo(200);
      List<Event> all = events.rest();
      Event result = all.stream().filter(e -> e.name().equals("result")).findFirst().orElseThrow();
      assertThat(result.data().at("/error/status").asInt()).isEqualTo(502);
      assertThat(all.get(all.size() - 1).name()).isEqualTo("done");
    }
  }

  @Test
  void anotherUsersPlaygroundIsNotFound() throws Exception {
    String id = promptPlayground("alice", greeter());
    for (String call : List.of("GET /api/get_playground", "PATCH /api/update_playground",
        "POST /api/trace_playground", "GET /api/get_playground_traces", "DELETE /api/delete_playground")) {
      String[] mp = call.split(" ");
      TestHost.Reply r = host.send(mp[0], mp[1] + "?user_id=bob&playground_id=" + id);
      assertThat(r.status()).as(call).isEqualTo(404);
      assertThat(r.json().get("detail").asText()).contains("not found");
    }
    assertThat(host.send("GET", "/api/get_prompt_playgrounds?user_id=bob").json().get("playgrounds")).isEmpty();
    assertThat(host.send("GET", "/api/get_playground?user_id=alice&playground_id=" + id).status()).isEqualTo(200);
    // nor can alice trace into bob's project
    String bobs = defaultProject(host, "bob");
    TestHost.Reply r = host.json("POST", "/api/create_prompt_playground?user_id=alice", Map.of("project_id", bobs));
    assertThat(r.status()).isEqualTo(404);
  }

  @Test
  void badParametersAreRefusedWithTheRule() throws Exception {
    Map<String, Object> body = greeter();
    body.put("parameters", Map.of("temperature", 3));
    TestHost.Reply r = host.json("POST", "/api/create_prompt_playground?user_id=alice", body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("detail").asText()).contains("temperature");
    TestHost.Reply tooMany = host.json("POST", "/api/create_chat_playground?user_id=alice",
        Map.of("messages", List.of(Map.of("role", "wizard", "content", "x"))));
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().get("detail").asText()).contains("role");
  }

  /** The span of a trace (span documents) whose parent is null. */
  static JsonNode rootOf(JsonNode spans) {
    for (JsonNode s : spans) {
      if (s.get("parent_id").isNull()) {
        return s;
      }
    }
    throw new AssertionError("no root span in " + spans);
  }
}
