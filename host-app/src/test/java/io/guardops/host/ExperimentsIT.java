package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.tck.OpenAiCompatibleServer;
import io.guardops.tck.OpenAiCompatibleServer.Behaviour;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experiments over HTTP: a dataset run through a prompt task on a local OpenAI-compatible server and
 * evaluators (a heuristic and an LLM judge), with progress, cost, traces, per-item failures (a 429
 * then success, a timeout, a malformed reply), cancellation, comparison and access rules.
 */
class ExperimentsIT {
  static final Map<String, String> ANSWERS = Map.of("What is 2+2?", "The answer is 4", "Capital of France?",
      "Paris is the capital of France", "Largest planet?", "Jupiter is the largest planet", "Boiling point of water?",
      "Water boils at 100 degrees Celsius");

  @TempDir
  Path dir;

  final OpenAiCompatibleServer server = OpenAiCompatibleServer.start("test-key");

  @AfterEach
  void stop() {
    server.close();
  }

  TestHost host() throws Exception {
    return DatasetsIT.host(dir, new SharingIT.TestClock(), ModelServer.settings(server));
  }

  /** Answers the task from {@link #ANSWERS} by the question at the end of the prompt. */
  static Function<OpenAiCompatibleServer.RecordedRequest, String> task(Map<String, String> answers) {
    return r -> {
      String prompt = r.lastUserMessage();
      return answers.entrySet().stream().filter(e -> prompt.endsWith(e.getKey())).map(Map.Entry::getValue).findFirst()
          .orElse("I do not know");
    };
  }

  static String dataset(TestHost host) throws Exception {
    String d = DatasetsIT.dataset(host, "alice", "quiz");
    List<Map<String, Object>> items = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(ANSWERS).entrySet()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("id", "item-" + (i++));
      item.put("input", e.getKey());
      item.put("expected", e.getValue());
      items.add(item);
    }
    assertThat(DatasetsIT.addItems(host, "alice", d, items).status()).isEqualTo(200);
    return d;
  }

  static Map<String, Object> definition(String dataset, String name, int concurrency, Object... evaluators) {
    Map<String, Object> task = new LinkedHashMap<>();
    task.put("type", "prompt");
    task.put("prompt", "Answer briefly: {{input}}");
    task.put("model", "gpt-4o-mini");
    task.put("temperature", 0);
    Map<String, Object> def = new LinkedHashMap<>();
    def.put("name", name);
    def.put("dataset_id", dataset);
    def.put("task", task);
    def.put("evaluators", List.of(evaluators));
    def.put("concurrency", concurrency);
    return def;
  }

  static JsonNode await(TestHost host, String user, String id) throws Exception {
    long until = System.nanoTime() + 20_000_000_000L;
    while (true) {
      JsonNode e = host.send("GET", "/api/get_experiment?user_id=" + user + "&experiment_id=" + id).json();
      String status = e.get("status").asText();
      if (!status.equals("pending") && !status.equals("running")) {
        return e;
      }
      if (System.nanoTime() > until) {
        throw new AssertionError("experiment still " + status + ": " + e);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aPromptTaskRunsOnTheModelWithProgressCostAndTracesInTheProject() throws Exception {
    try (TestHost host = host()) {
      server.answer(ModelServer.answers(task(ANSWERS), 1.0, "correct"));
      String d = dataset(host);
      String project = EvaluationsIT.project(host, "alice");
      server.enqueue(Behaviour.rateLimited()); // the first call is refused once, then succeeds
      TestHost.Reply created = host.json("POST", "/api/create_experiment?user_id=alice", definition(d, "baseline", 2,
          Map.of("name", "rouge_l", "threshold", 0.5), "correctness"));
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      assertThat(created.json().get("status").asText()).isIn("pending", "running", "succeeded");
      assertThat(created.json().at("/progress/total").asLong()).isEqualTo(4);
      assertThat(created.json().get("project_id").asText()).isEqualTo(project);
      String id = created.json().get("experiment_id").asText();
      JsonNode done = await(host, "alice", id);
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
      assertThat(done.at("/progress/done").asLong()).isEqualTo(4);
      assertThat(done.at("/progress/failed").asLong()).isZero();
      assertThat(done.at("/task/model").asText()).isEqualTo("gpt-4o-mini");
      JsonNode summary = done.get("summary");
      assertThat(summary.at("/evaluators/0/name").asText()).isEqualTo("rouge_l");
      assertThat(summary.at("/evaluators/0/mean").asDouble()).isEqualTo(1.0);
      assertThat(summary.at("/evaluators/0/met").asBoolean()).isTrue();
      assertThat(summary.at("/evaluators/1/mean").asDouble()).isEqualTo(1.0);
      assertThat(summary.get("thresholds_met").asBoolean()).isTrue();
      double cost = done.get("cost").asDouble();
      assertThat(cost).isPositive();

      // results, paged
      List<JsonNode> results = new ArrayList<>();
      String cursor = null;
      do {
        JsonNode page = host.send("GET", "/api/get_experiment_results?user_id=alice&experiment_id=" + id + "&limit=3"
            + (cursor == null ? "" : "&cursor=" + cursor)).json();
        page.get("results").forEach(results::add);
        cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      } while (cursor != null);
      assertThat(results).hasSize(4);
      JsonNode first = results.get(0);
      assertThat(first.get("item_id").asText()).isEqualTo("item-0");
      assertThat(first.get("output").asText()).isEqualTo(ANSWERS.get("Boiling point of water?"));
      assertThat(first.get("input_tokens").asLong()).isEqualTo(OpenAiCompatibleServer.words(
          "Answer briefly: Boiling point of water?"));
      assertThat(first.get("scores")).extracting(s -> s.get("name").asText()).containsExactly("rouge_l", "correctness");
      assertThat(first.at("/scores/1/usage/cost").asDouble()).isPositive();

      // every model call is in the project's traces, and together they cost what the run cost
      JsonNode traces = host.send("GET", "/api/search_traces?user_id=alice&project_id=" + project + "&limit=100")
          .json().get("traces");
      assertThat(traces).hasSize(4);
      double traced = 0;
      for (JsonNode t : traces) {
        traced += t.get("cost").asDouble();
        assertThat(t.get("span_count").asLong()).isEqualTo(3);
      }
      assertThat(traced).isCloseTo(cost, within(1e-12));
      JsonNode trace = host.send("GET", "/api/get_trace?user_id=alice&project_id=" + project + "&trace_id="
          + first.get("trace_id").asText()).json();
      assertThat(trace.at("/summary/model").asText()).isEqualTo("gpt-4o-mini");
      assertThat(trace.get("spans")).anySatisfy(s -> {
        assertThat(s.at("/attributes/prompt").asText()).isEqualTo("Answer briefly: Boiling point of water?");
        assertThat(s.at("/attributes/gen_ai.request.model").asText()).isEqualTo("gpt-4o-mini");
      });
      assertThat(server.chatRequests()).hasSize(9); // 4 tasks, 4 judges, 1 refused

      assertThat(host.send("GET", "/api/get_experiments?user_id=alice&dataset_id=" + d).json().get("experiments"))
          .singleElement().satisfies(e -> assertThat(e.get("experiment_id").asText()).isEqualTo(id));
    }
  }

  @Test
  void aTimeoutAndAMalformedReplyFailTheirItemsAndTheRunGoesOn() throws Exception {
    try (TestHost host = host()) {
      server.answer(ModelServer.answers(task(ANSWERS), 0.5, "partially_correct"));
      String d = dataset(host);
      server.enqueue(Behaviour.delay(Duration.ofSeconds(3)), Behaviour.malformed());
      String id = host.json("POST", "/api/create_experiment?user_id=alice", definition(d, "flaky", 1,
          Map.of("name", "rouge_l", "threshold", 0.5), "correctness")).json().get("experiment_id").asText();
      JsonNode done = await(host, "alice", id);
      assertThat(done.get("status").asText()).isEqualTo("succeeded");
      assertThat(done.at("/progress/failed").asLong()).isEqualTo(2);
      assertThat(done.at("/summary/evaluators/0/scored").asLong()).isEqualTo(2);
      assertThat(done.at("/summary/thresholds_met").asBoolean()).as("2 items were not scored").isFalse();
      assertThat(done.at("/summary/evaluators/1/mean").asDouble()).isEqualTo(0.5);
      JsonNode results = host.send("GET", "/api/get_experiment_results?user_id=alice&experiment_id=" + id).json()
          .get("results");
      assertThat(results.get(0).get("error").asText()).startsWith("task: ").contains("no answer in time");
      assertThat(results.get(1).get("error").asText()).startsWith("task: ").contains("not usable");
      assertThat(results.get(2).get("error").isNull()).isTrue();
      assertThat(results.get(3).get("scores")).hasSize(2);
    }
  }

  @Test
  void runsAreCancelledComparedAndSharedWithReadersOnly() throws Exception {
    try (TestHost host = host()) {
      server.answer(ModelServer.answers(task(ANSWERS), 1.0, "correct"));
      String d = dataset(host);
      String good = host.json("POST", "/api/create_experiment?user_id=alice", definition(d, "good", 2, "rouge_l"))
          .json().get("experiment_id").asText();
      assertThat(await(host, "alice", good).get("status").asText()).isEqualTo("succeeded");
      Map<String, String> worse = new LinkedHashMap<>(ANSWERS);
      worse.put("Largest planet?", "Saturn, probably");
      server.answer(ModelServer.answers(task(worse), 1.0, "correct"));
      String bad = host.json("POST", "/api/create_experiment?user_id=alice", definition(d, "worse", 2, "rouge_l"))
          .json().get("experiment_id").asText();
      assertThat(await(host, "alice", bad).get("status").asText()).isEqualTo("succeeded");
      JsonNode cmp = host.send("GET", "/api/compare_experiments?user_id=alice&experiment_a=" + good + "&experiment_b="
          + bad).json();
      assertThat(cmp.get("matched").asLong()).isEqualTo(4);
      assertThat(cmp.at("/metrics/0/name").asText()).isEqualTo("rouge_l");
      assertThat(cmp.at("/metrics/0/mean_a").asDouble()).isEqualTo(1.0);
      assertThat(cmp.at("/metrics/0/delta").asDouble()).isNegative();
      assertThat(cmp.at("/metrics/0/regressed").asLong()).isEqualTo(1);
      assertThat(cmp.at("/metrics/0/unchanged").asLong()).isEqualTo(3);
      assertThat(cmp.at("/items/0/output_b").asText()).as("the regression first").isEqualTo("Saturn, probably");
      assertThat(cmp.at("/items/0/worst_delta").asDouble()).isNegative();
      assertThat(host.send("GET", "/api/compare_experiments?user_id=alice&experiment_a=" + good
          + "&experiment_b=nope").status()).isEqualTo(404);

      // a slow model: cancel after the first item; no new item starts, the one in flight finishes
      server.answer(ModelServer.answers(task(ANSWERS), 1.0, "correct"));
      for (int i = 0; i < 4; i++) {
        server.enqueue(Behaviour.delay(Duration.ofMillis(300)));
      }
      String slow = host.json("POST", "/api/create_experiment?user_id=alice", definition(d, "slow", 1, "rouge_l"))
          .json().get("experiment_id").asText();
      long until = System.nanoTime() + 10_000_000_000L;
      while (server.chatRequests().isEmpty() && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      String code = host.send("GET", "/api/share_dataset?user_id=alice&dataset_id=" + d).json().get("share_code")
          .asText();
      host.send("POST", "/api/import_dataset?user_id=bob&share_code=" + DatasetsIT.enc(code));
      TestHost.Reply bobCancels = host.send("POST", "/api/cancel_experiment?user_id=bob&experiment_id=" + slow);
      assertThat(bobCancels.status()).isEqualTo(403);
      TestHost.Reply cancelled = host.send("POST", "/api/cancel_experiment?user_id=alice&experiment_id=" + slow);
      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
      JsonNode after = await(host, "alice", slow);
      assertThat(after.get("status").asText()).isEqualTo("cancelled");
      assertThat(after.at("/progress/done").asLong()).isLessThan(4);
      assertThat(host.send("POST", "/api/cancel_experiment?user_id=alice&experiment_id=" + slow).json()
          .get("status").asText()).as("cancelling again changes nothing").isEqualTo("cancelled");

      // a member of the dataset reads its runs and starts their own, traced into their project
      assertThat(host.send("GET", "/api/get_experiment?user_id=bob&experiment_id=" + good).status()).isEqualTo(200);
      Map<String, Object> bobsRun = definition(d, "bob's", 1, "rouge_l");
      bobsRun.put("project_id", EvaluationsIT.project(host, "bob"));
      TestHost.Reply bobRuns = host.json("POST", "/api/create_experiment?user_id=bob", bobsRun);
      assertThat(bobRuns.status()).as(bobRuns.body()).isEqualTo(200);
      assertThat(await(host, "bob", bobRuns.json().get("experiment_id").asText()).get("owner").asText())
          .isEqualTo("bob");
      Map<String, Object> intoAlices = definition(d, "sneaky", 1, "rouge_l");
      intoAlices.put("project_id", EvaluationsIT.project(host, "alice"));
      assertThat(host.json("POST", "/api/create_experiment?user_id=bob", intoAlices).status()).isEqualTo(404);
      // an outsider sees nothing
      assertThat(host.send("GET", "/api/get_experiment?user_id=carol&experiment_id=" + good).status()).isEqualTo(404);
      assertThat(host.send("GET", "/api/get_experiment_results?user_id=carol&experiment_id=" + good).status())
          .isEqualTo(404);
      assertThat(host.send("GET", "/api/get_experiments?user_id=carol&dataset_id=" + d).status()).isEqualTo(404);

      // bad definitions
      assertThat(host.json("POST", "/api/create_experiment?user_id=alice", definition("nope", "x", 1, "rouge_l"))
          .status()).isEqualTo(404);
      TestHost.Reply unknown = host.json("POST", "/api/create_experiment?user_id=alice", definition(d, "x", 1,
          "rouge_9"));
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().get("detail").asText()).contains("rouge_9");
      Map<String, Object> noModel = definition(d, "x", 1, "rouge_l");
      noModel.put("task", Map.of("type", "prompt", "prompt", "{{input}}"));
      assertThat(host.json("POST", "/api/create_experiment?user_id=alice", noModel).json().get("detail").asText())
          .contains("task.model");
      Map<String, Object> badTemplate = definition(d, "x", 1, "rouge_l");
      badTemplate.put("task", Map.of("type", "prompt", "prompt", "{{input", "model", "m"));
      assertThat(host.json("POST", "/api/create_experiment?user_id=alice", badTemplate).status()).isEqualTo(400);
      assertThat(host.send("POST", "/api/create_experiment?user_id=alice", "application/json", "{nope".getBytes())
          .status()).isEqualTo(400);
      assertThat(host.send("GET", "/api/get_experiment_results?user_id=alice&experiment_id=" + good + "&cursor=x")
          .status()).isEqualTo(400);
      // deleting the dataset deletes its runs
      assertThat(host.send("DELETE", "/api/delete_dataset?user_id=alice&dataset_id=" + d).status()).isEqualTo(200);
      assertThat(host.send("GET", "/api/get_experiment?user_id=alice&experiment_id=" + good).status()).isEqualTo(404);
    }
  }
}
