package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.tck.OpenAiCompatibleServer;
import io.guardops.tck.OpenAiCompatibleServer.Behaviour;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluations over HTTP: the wire contract's exported results, the evaluators (listed, run on one
 * item, judges against a local OpenAI-compatible server that rate-limits, stalls and answers
 * garbage), online evaluation rules, and scores on traces (people and API keys).
 */
class EvaluationsIT {
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

  static String project(TestHost host, String user) throws Exception {
    return host.send("GET", "/api/get_projects?user_id=" + user).json().at("/projects/0/project_id").asText();
  }

  @Test
  void exportedResultsComeBackExactlyAsSent() throws Exception {
    try (TestHost host = host()) {
      String p = project(host, "alice");
      String q = "user_id=alice&project_id=" + p;
      String evalData = "{\"total_score\": 0.75, \"scores\": {\"rouge.1\": 0.5, \"bert.score\": 1.0E2},"
          + " \"nested\": {\"a.b\": [1, 2.50, \"x\"]}, \"total_score_text\": \"0.75\"}";
      TestHost.Reply exported = host.send("POST", "/api/export_evaluations?" + q + "&date=2026-01-31"
          + "&evaluation_id=ev-1&evaluations_title=Nightly&eval_id=run-1&eval_name=summaries&eval_framework=SUMEval",
          "application/json", ("{\"eval_data\": " + evalData + "}").getBytes(StandardCharsets.UTF_8));
      assertThat(exported.status()).as(exported.body()).isEqualTo(200);
      assertThat(exported.json().get("evaluation_id").asText()).isEqualTo("ev-1");
      assertThat(exported.json().get("eval_id").asText()).isEqualTo("run-1");
      host.send("POST", "/api/export_evaluations?" + q + "&date=2026-02-01T10:00:00Z&evaluation_id=ev-1"
          + "&eval_id=run-2&eval_name=mmlu&eval_framework=MMLU", "application/json",
          "{\"eval_data\": {\"total_score\": 0.5}}".getBytes(StandardCharsets.UTF_8));
      // the same eval_id again replaces its result
      host.send("POST", "/api/export_evaluations?" + q + "&date=2026-02-02&evaluation_id=ev-1&eval_id=run-2"
          + "&eval_name=mmlu&eval_framework=MMLU", "application/json",
          "{\"eval_data\": {\"total_score\": 0.625}}".getBytes(StandardCharsets.UTF_8));
      TestHost.Reply list = host.send("GET", "/api/get_evaluation_list?" + q);
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.body()).as("eval_data exactly as sent, dots, number forms and all").contains(evalData);
      JsonNode ev = list.json().at("/evaluation_list/0");
      assertThat(list.json().get("evaluation_list")).hasSize(1);
      assertThat(ev.get("evaluation_id").asText()).isEqualTo("ev-1");
      assertThat(ev.get("name").asText()).isEqualTo("Nightly");
      assertThat(ev.get("frameworks")).extracting(JsonNode::asText).containsExactly("SUMEval", "MMLU");
      assertThat(ev.get("date").asText()).isEqualTo("2026-01-31T00:00:00Z");
      JsonNode entries = ev.get("evaluations");
      assertThat(entries).hasSize(2);
      assertThat(entries.get(0).get("eval_id").asText()).isEqualTo("run-1");
      assertThat(entries.get(0).get("name").asText()).isEqualTo("summaries");
      assertThat(entries.get(0).get("framework").asText()).isEqualTo("SUMEval");
      assertThat(entries.get(0).at("/data/eval_data/scores").has("rouge.1")).isTrue();
      assertThat(entries.get(1).at("/data/eval_data/total_score").asDouble()).isEqualTo(0.625);

      JsonNode viz = host.send("GET", "/api/get_data_for_eval_viz?" + q).json();
      assertThat(viz.at("/SUMEval~1summaries/run-1/Value").asDouble()).isEqualTo(0.75);
      assertThat(viz.at("/SUMEval~1summaries/run-1/Date").asText()).isEqualTo("2026-01-31T00:00:00Z");
      assertThat(viz.at("/MMLU~1mmlu/run-2/Value").asDouble()).isEqualTo(0.625);

      // create, update, delete; a member reads and may not change the owner's evaluation
      TestHost.Reply created = host.send("POST", "/api/create_evaluation?" + q + "&evaluation_title=Manual"
          + "&evaluation_desc=" + DatasetsIT.enc("by hand"));
      assertThat(created.status()).isEqualTo(200);
      String id = created.json().get("evaluation_id").asText();
      String code = host.send("GET", "/api/share_project?" + q).json().get("share_code").asText();
      host.send("POST", "/api/import_project?user_id=bob&share_code=" + DatasetsIT.enc(code));
      assertThat(host.send("GET", "/api/get_evaluation_list?user_id=bob&project_id=" + p).json()
          .get("evaluation_list")).hasSize(2);
      TestHost.Reply memberChange = host.send("PATCH", "/api/update_evaluation?user_id=bob&evaluation_id=" + id
          + "&evaluation_title=mine");
      assertThat(memberChange.status()).isEqualTo(403);
      assertThat(host.send("DELETE", "/api/delete_evaluation?user_id=carol&evaluation_id=" + id).status())
          .isEqualTo(404);
      TestHost.Reply updated = host.send("PATCH", "/api/update_evaluation?user_id=alice&evaluation_id=" + id
          + "&evaluation_title=Renamed&evaluation_desc=new");
      assertThat(updated.json().get("name").asText()).isEqualTo("Renamed");
      assertThat(updated.json().get("description").asText()).isEqualTo("new");
      assertThat(host.send("DELETE", "/api/delete_evaluation?user_id=alice&evaluation_id=" + id).status())
          .isEqualTo(200);
      assertThat(host.send("DELETE", "/api/delete_evaluation?user_id=alice&evaluation_id=" + id).status())
          .isEqualTo(404);

      // bad input
      assertThat(host.send("POST", "/api/export_evaluations?" + q, "application/json", "{}".getBytes()).status())
          .isEqualTo(400);
      assertThat(host.send("POST", "/api/export_evaluations?" + q, "application/json",
          "{\"eval_data\": [1]}".getBytes()).status()).isEqualTo(400);
      assertThat(host.send("POST", "/api/export_evaluations?" + q + "&date=yesterday", "application/json",
          "{\"eval_data\": {}}".getBytes()).status()).isEqualTo(400);
      assertThat(host.send("POST", "/api/export_evaluations?user_id=carol&project_id=" + p, "application/json",
          "{\"eval_data\": {}}".getBytes()).status()).isEqualTo(404);
      // an evaluation id of another project is not taken over
      String carols = project(host, "carol");
      assertThat(host.send("POST", "/api/export_evaluations?user_id=carol&project_id=" + carols
          + "&evaluation_id=ev-1", "application/json", "{\"eval_data\": {}}".getBytes()).status()).isEqualTo(409);
    }
  }

  @Test
  void evaluatorsAreListedAndScoreOneItemWithClearErrors() throws Exception {
    try (TestHost host = host()) {
      JsonNode health = host.send("GET", "/health").json();
      assertThat(health.at("/components/model/healthy").asBoolean()).isTrue();
      assertThat(health.at("/components/model/detail").asText()).startsWith("openai: ").contains(server.baseUrl())
          .doesNotContain("test-key");
      JsonNode evs = host.send("GET", "/api/get_evaluators?user_id=alice").json();
      assertThat(evs.get("model_client").asText()).isEqualTo("openai");
      assertThat(evs.get("judge_model").asText()).isEqualTo("gpt-4o-mini");
      assertThat(evs.get("dataset_formats")).extracting(JsonNode::asText).containsExactly("csv", "jsonl");
      assertThat(evs.get("evaluators")).hasSize(19);
      JsonNode correctness = null;
      for (JsonNode e : evs.get("evaluators")) {
        if (e.get("name").asText().equals("correctness")) {
          correctness = e;
        }
      }
      assertThat(correctness).isNotNull();
      assertThat(correctness.get("needs")).extracting(JsonNode::asText).containsExactly("expected", "model");
      assertThat(correctness.get("parameters")).extracting(n -> n.get("name").asText()).contains("model");

      Map<String, Object> item = Map.of("input", "What is the capital of France?", "output", "Paris is the capital",
          "expected", "The capital of France is Paris");
      TestHost.Reply rouge = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "rouge_l",
          "item", item));
      assertThat(rouge.status()).as(rouge.body()).isEqualTo(200);
      assertThat(rouge.json().at("/score/value").asDouble()).isBetween(0.1, 1.0);
      assertThat(rouge.json().at("/score/details").has("precision")).isTrue();

      TestHost.Reply unknown = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "rouge_9",
          "item", item));
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().get("detail").asText()).contains("rouge_9").contains("rouge_l");
      TestHost.Reply badParam = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "rouge_l",
          "params", Map.of("measure", "z"), "item", item));
      assertThat(badParam.status()).isEqualTo(400);
      assertThat(badParam.json().get("detail").asText()).contains("measure");
      TestHost.Reply typo = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "rouge_l",
          "params", Map.of("stemer", "true"), "item", item));
      assertThat(typo.status()).isEqualTo(400);
      assertThat(typo.json().get("detail").asText()).contains("no parameter 'stemer'").contains("stemmer");
      TestHost.Reply noExpected = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "rouge_l",
          "item", Map.of("input", "q", "output", "a")));
      assertThat(noExpected.status()).isEqualTo(400);
      assertThat(noExpected.json().get("detail").asText()).contains("expected answer");
      assertThat(host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "rouge_l")).status())
          .isEqualTo(400);

      // an LLM judge through the real model-openai client against the local server
      server.answer(ModelServer.answers(OpenAiCompatibleServer.echo(), 1.0, "correct"));
      String p = project(host, "alice");
      TestHost.Reply judged = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "correctness",
          "item", item, "project_id", p));
      assertThat(judged.status()).as(judged.body()).isEqualTo(200);
      assertThat(judged.json().at("/score/value").asDouble()).isEqualTo(1.0);
      assertThat(judged.json().at("/score/label").asText()).isEqualTo("correct");
      assertThat(judged.json().at("/score/explanation").asText()).isEqualTo("the test judge says so");
      assertThat(judged.json().at("/score/usage/model").asText()).isEqualTo("gpt-4o-mini");
      assertThat(judged.json().get("cost").asDouble()).isPositive();
      assertThat(server.lastRequest().model()).isEqualTo("gpt-4o-mini");
      String traceId = judged.json().get("trace_id").asText();
      JsonNode trace = host.send("GET", "/api/get_trace?user_id=alice&project_id=" + p + "&trace_id=" + traceId).json();
      assertThat(trace.at("/summary/cost").asDouble()).isCloseTo(judged.json().get("cost").asDouble(), within(1e-12));
      assertThat(trace.get("spans")).hasSize(2);

      // 429, then success: the client retries and the caller never knows
      server.reset();
      server.enqueue(Behaviour.rateLimited());
      TestHost.Reply retried = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "correctness",
          "item", item));
      assertThat(retried.status()).as(retried.body()).isEqualTo(200);
      assertThat(server.chatRequests()).hasSize(2);
      // still rate-limited after the retries: 503, retry later
      server.enqueue(Behaviour.rateLimited(), Behaviour.rateLimited(), Behaviour.rateLimited());
      TestHost.Reply limited = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "correctness",
          "item", item));
      assertThat(limited.status()).isEqualTo(503);
      assertThat(limited.json().get("detail").asText()).contains("correctness").contains("rate-limited");
      // no answer in time: 504
      server.enqueue(Behaviour.delay(Duration.ofSeconds(3)));
      TestHost.Reply slow = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "correctness",
          "item", item));
      assertThat(slow.status()).isEqualTo(504);
      assertThat(slow.json().get("detail").asText()).contains("no answer in time");
      // a reply that is not a chat completion: 502
      server.enqueue(Behaviour.malformed());
      TestHost.Reply garbage = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "correctness",
          "item", item));
      assertThat(garbage.status()).isEqualTo(502);
      assertThat(garbage.json().get("detail").asText()).contains("not usable");
      // the endpoint refuses the key: 502, and the key is never echoed
      server.enqueue(Behaviour.error(401, "Incorrect API key provided: test-key"));
      TestHost.Reply refused = host.json("POST", "/api/run_evaluator?user_id=alice", Map.of("evaluator", "correctness",
          "item", item));
      assertThat(refused.status()).isEqualTo(502);
      assertThat(refused.json().get("detail").asText()).contains("API key").doesNotContain("test-key");
    }
  }

  @Test
  void onlineRulesScoreIncomingCallsInTheBackground() throws Exception {
    try (TestHost host = host()) {
      server.answer(ModelServer.answers(OpenAiCompatibleServer.echo(), 0.8, "relevant"));
      String p = project(host, "alice");
      String q = "user_id=alice&project_id=" + p;
      TestHost.Reply rule = host.json("POST", "/api/create_online_rule?" + q, Map.of("evaluator", "answer_relevance",
          "sample_rate", 1.0));
      assertThat(rule.status()).as(rule.body()).isEqualTo(200);
      String ruleId = rule.json().get("rule_id").asText();
      assertThat(host.json("POST", "/api/create_online_rule?" + q, Map.of("evaluator", "correctness")).status())
          .as("an incoming call has no expected answer").isEqualTo(400);
      assertThat(host.json("POST", "/api/create_online_rule?" + q, Map.of("evaluator", "nope")).status())
          .isEqualTo(404);
      assertThat(host.json("POST", "/api/create_online_rule?" + q, Map.of("evaluator", "toxicity",
          "sample_rate", 1.5)).status()).isEqualTo(400);
      String key = host.send("POST", "/api/create_key?user_id=alice").json().asText();
      String trace = "7b8efff798038103d269b633813fc60c";
      // a minute ago: metrics cover [now - 24 h, now)
      assertThat(DatasetsIT.librarySpan(host, "alice", key, p, trace, host.engine.clock().instant().minusSeconds(60),
          "What is the capital of France?", "Paris").status()).isEqualTo(200);
      JsonNode scores = null;
      long until = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < until) {
        scores = host.send("GET", "/api/get_trace?" + q + "&trace_id=0x" + trace).json().get("scores");
        if (scores.size() > 0) {
          break;
        }
        Thread.sleep(20);
      }
      assertThat(scores).singleElement().satisfies(s -> {
        assertThat(s.get("name").asText()).isEqualTo("answer_relevance");
        assertThat(s.get("source").asText()).isEqualTo("online:answer_relevance");
        assertThat(s.get("value").asDouble()).isEqualTo(0.8);
        assertThat(s.get("label").asText()).isEqualTo("relevant");
        assertThat(s.get("span_id").asText()).isEqualTo("0xeee19b7ec3c1b174");
      });
      JsonNode metrics = host.send("GET", "/api/get_metrics?" + q + "&bucket=day").json();
      assertThat(metrics.get("metrics")).isNotEmpty();
      assertThat(metrics.get("scores")).singleElement().satisfies(s -> {
        assertThat(s.get("name").asText()).isEqualTo("answer_relevance");
        assertThat(s.get("count").asLong()).isEqualTo(1);
        assertThat(s.get("mean").asDouble()).isEqualTo(0.8);
      });
      // the judge's own call is a trace of the project, with its cost, and is not scored itself
      JsonNode traces = host.send("GET", "/api/search_traces?" + q).json().get("traces");
      assertThat(traces).hasSize(2);
      assertThat(host.engine.onlineEvaluation().stats().scored()).isEqualTo(1);

      // a member lists the rules but does not change them
      String code = host.send("GET", "/api/share_project?" + q).json().get("share_code").asText();
      host.send("POST", "/api/import_project?user_id=bob&share_code=" + DatasetsIT.enc(code));
      assertThat(host.send("GET", "/api/get_online_rules?user_id=bob&project_id=" + p).json().get("rules")).hasSize(1);
      assertThat(host.json("POST", "/api/create_online_rule?user_id=bob&project_id=" + p,
          Map.of("evaluator", "toxicity")).status()).isEqualTo(403);
      assertThat(host.send("DELETE", "/api/delete_online_rule?user_id=bob&project_id=" + p + "&rule_id=" + ruleId)
          .status()).isEqualTo(403);
      assertThat(host.send("GET", "/api/get_online_rules?user_id=carol&project_id=" + p).status()).isEqualTo(404);
      // a judge failure is counted and logged, not retried forever
      server.enqueue(Behaviour.error(400, "model not found"));
      assertThat(DatasetsIT.librarySpan(host, "alice", key, p, "8b8efff798038103d269b633813fc60c",
          host.engine.clock().instant(), "Hi", "Hello").status()).isEqualTo(200);
      until = System.nanoTime() + 10_000_000_000L;
      while (host.engine.onlineEvaluation().stats().failed() == 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(host.engine.onlineEvaluation().stats().failed()).isEqualTo(1);
      assertThat(host.send("GET", "/health").json().at("/components/evaluation/detail").asText()).contains("1 failed");
      TestHost.Reply off = host.send("PATCH", "/api/update_online_rule?" + q + "&rule_id=" + ruleId + "&enabled=false");
      assertThat(off.json().get("enabled").asBoolean()).isFalse();
      assertThat(host.send("DELETE", "/api/delete_online_rule?" + q + "&rule_id=" + ruleId).status()).isEqualTo(200);
      assertThat(host.send("GET", "/api/get_online_rules?" + q).json().get("rules")).isEmpty();
    }
  }

  @Test
  void peopleAndApplicationsScoreTraces() throws Exception {
    try (TestHost host = host()) {
      String p = project(host, "alice");
      String q = "user_id=alice&project_id=" + p;
      String key = host.send("POST", "/api/create_key?user_id=alice").json().asText();
      String trace = "9b8efff798038103d269b633813fc60c";
      DatasetsIT.librarySpan(host, "alice", key, p, trace, host.engine.clock().instant().minusSeconds(60), "q", "a");
      TestHost.Reply numeric = host.json("POST", "/api/create_trace_score?" + q, Map.of("trace_id", "0x" + trace,
          "name", "accuracy", "value", 0.5, "comment", "half right"));
      assertThat(numeric.status()).as(numeric.body()).isEqualTo(200);
      assertThat(numeric.json().get("source").asText()).isEqualTo("human");
      assertThat(numeric.json().get("author").asText()).isEqualTo("alice");
      TestHost.Reply bool = host.json("POST", "/api/create_trace_score?" + q, Map.of("trace_id", trace,
          "span_id", "0xeee19b7ec3c1b174", "name", "helpful", "value", false));
      assertThat(bool.json().get("value").asDouble()).isEqualTo(0.0);
      assertThat(bool.json().get("label").asText()).isEqualTo("false");
      assertThat(bool.json().get("span_id").asText()).isEqualTo("0xeee19b7ec3c1b174");
      Map<String, Object> category = new LinkedHashMap<>();
      category.put("trace_id", "0x" + trace);
      category.put("name", "tone");
      category.put("label", "friendly");
      TestHost.Reply categorical = host.send("POST", "/api/score_trace?project_id=" + p, "application/json",
          TestHost.JSON.writeValueAsBytes(category), Map.of("x-guardops-api-key", key));
      assertThat(categorical.status()).as(categorical.body()).isEqualTo(200);
      assertThat(categorical.json().get("source").asText()).isEqualTo("api");
      assertThat(categorical.json().get("value").isNull()).isTrue();

      JsonNode detail = host.send("GET", "/api/get_trace?" + q + "&trace_id=0x" + trace).json();
      // (the test's clock stands still, so the three share a creation time and come in id order)
      assertThat(detail.get("scores")).extracting(s -> s.get("name").asText())
          .containsExactlyInAnyOrder("accuracy", "helpful", "tone");
      assertThat(host.send("GET", "/api/get_trace_scores?" + q + "&trace_id=" + trace).json().get("scores"))
          .hasSize(3);
      JsonNode metricsScores = host.send("GET", "/api/get_metrics?" + q + "&bucket=day").json().get("scores");
      assertThat(metricsScores).extracting(s -> s.get("name").asText()).containsExactly("accuracy", "helpful", "tone");
      assertThat(metricsScores.get(2).get("mean").isNull()).as("a label has no mean").isTrue();

      // bad input and other people's traces
      assertThat(host.json("POST", "/api/create_trace_score?" + q, Map.of("trace_id", "0x" + "1".repeat(32),
          "name", "x", "value", 1)).status()).isEqualTo(404);
      assertThat(host.json("POST", "/api/create_trace_score?" + q, Map.of("trace_id", trace, "span_id",
          "0x1111111111111111", "name", "x", "value", 1)).status()).isEqualTo(404);
      assertThat(host.json("POST", "/api/create_trace_score?" + q, Map.of("trace_id", trace, "name", "x")).status())
          .as("neither a value nor a label").isEqualTo(400);
      assertThat(host.json("POST", "/api/create_trace_score?" + q, Map.of("trace_id", "zz", "name", "x", "value", 1))
          .status()).isEqualTo(400);
      assertThat(host.json("POST", "/api/create_trace_score?user_id=bob&project_id=" + p, Map.of("trace_id", trace,
          "name", "x", "value", 1)).status()).isEqualTo(404);
      String bobKey = host.send("POST", "/api/create_key?user_id=bob").json().asText();
      assertThat(host.send("POST", "/api/score_trace?project_id=" + p, "application/json",
          TestHost.JSON.writeValueAsBytes(category), Map.of("Authorization", "Bearer " + bobKey)).status())
          .isEqualTo(404);
      assertThat(host.send("POST", "/api/score_trace?project_id=" + p, "application/json",
          TestHost.JSON.writeValueAsBytes(category)).status()).isEqualTo(401);

      String scoreId = numeric.json().get("score_id").asText();
      assertThat(host.send("DELETE", "/api/delete_trace_score?user_id=bob&project_id=" + p + "&score_id=" + scoreId)
          .status()).isEqualTo(404);
      assertThat(host.send("DELETE", "/api/delete_trace_score?" + q + "&score_id=" + scoreId).status()).isEqualTo(200);
      assertThat(host.send("DELETE", "/api/delete_trace_score?" + q + "&score_id=" + scoreId).status()).isEqualTo(404);
      assertThat(host.send("GET", "/api/get_trace_scores?" + q + "&trace_id=" + trace).json().get("scores"))
          .extracting(s -> s.get("name").asText()).containsExactlyInAnyOrder("helpful", "tone");
    }
  }
}
