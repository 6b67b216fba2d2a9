package io.guardops.host;

import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.engine.Arena;
import io.guardops.engine.Datasets;
import io.guardops.engine.Engine;
import io.guardops.engine.ExperimentDefinition;
import io.guardops.engine.ModelRuns;
import io.guardops.engine.Models;
import io.guardops.engine.Playgrounds;
import io.guardops.engine.Projects;
import io.guardops.engine.Scores;
import io.guardops.tck.OpenAiCompatibleServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A request that succeeds on each role-guarded route for one user (the walker), with what it needs
 * made fresh per call where the call consumes it, for any user id and any auth mode. The fixtures are
 * written through the engine, so a route walk only sends the sampled calls. {@code RouteTableIT} and
 * {@code Auth0IT} walk every route with it; a new role-guarded route needs a sample here.
 */
final class RouteSamples {
  /** A sample: the query string and, for routes that read one, a JSON body ({@code null}: none). */
  record Sample(String query, Object body) {
    /** The body's bytes, or {@code null}. */
    byte[] bodyBytes() throws Exception {
      return body == null ? null : TestHost.JSON.writeValueAsBytes(body);
    }

    /** The body's content type, or {@code null}. */
    String contentType() {
      return body == null ? null : "application/json";
    }
  }

  private final Engine engine;
  private final String walkerId;
  private final Caller walker;
  private final Caller other;
  private final Caller member;
  private final String memberId;
  private final String project;
  private final String traceId = "5b8efff798038103d269b633813fc60c";
  private final Map<String, Supplier<Sample>> samples = new LinkedHashMap<>();
  private final String dataset;
  private final String evaluation;
  private final String rule;
  private final String experimentA;
  private final String experimentB;
  private int n;

  /** Provisions {@code walker}, {@code other} and {@code member} and gives the walker a project with a trace. */
  RouteSamples(Engine engine, String walker, String other, String member) {
    this.engine = engine;
    this.walkerId = walker;
    this.memberId = member;
    this.walker = Caller.userToken(walker, EnumSet.of(Role.FULL_ACCESS));
    this.other = Caller.userToken(other, EnumSet.of(Role.FULL_ACCESS));
    this.member = Caller.userToken(member, Set.of());
    engine.users().provision(walker);
    engine.users().provision(other);
    engine.users().provision(member);
    project = engine.projects().create(this.walker, draft("walked")).projectId();
    long t = System.currentTimeMillis() * 1_000_000L;
    engine.ingest().spans(List.of(Span.builder().projectId(project).traceId(traceId).spanId("eee19b7ec3c1b174")
        .name("chat").startEpochNanos(t - 1_000_000_000L).endEpochNanos(t).build()));
    dataset = freshDataset();
    evaluation = engine.evaluations().create(this.walker, project, null, "walked", "", null).evaluationId();
    rule = engine.onlineEvaluation().create(this.walker, project, "json_valid", Map.of(), 0.5, true).ruleId();
    experimentA = experiment();
    experimentB = experiment();

    // users and projects
    query("GET /api/get_userids", () -> "");
    query("POST /api/create_user", () -> "user_id=" + enc(walker));
    query("GET /api/get_projects", () -> "");
    query("POST /api/create_project", () -> "project_name=walked-" + (++n));
    query("PATCH /api/update_project", () -> "project_id=" + project + "&project_description=updated");
    query("DELETE /api/delete_project", () -> "project_id=" + freshProject() + "&cascade=true");
    query("GET /api/share_project", () -> "project_id=" + project);
    query("POST /api/import_project", () -> {
      String p = engine.projects().create(this.other, draft("others-" + (++n))).projectId();
      return "share_code=" + enc(engine.projects().share(this.other, p).code());
    });
    query("GET /api/get_project_members", () -> "project_id=" + project);
    query("DELETE /api/remove_project_member", () -> {
      String p = freshProject();
      engine.projects().importShared(this.member, engine.projects().share(this.walker, p).code());
      return "project_id=" + p + "&member_id=" + enc(memberId);
    });
    query("DELETE /api/revoke_share_code", () -> {
      String p = freshProject();
      return "project_id=" + p + "&code_id=" + engine.projects().share(this.walker, p).record().codeId();
    });
    query("DELETE /api/leave_project", () -> {
      String p = engine.projects().create(this.other, draft("joined-" + (++n))).projectId();
      engine.projects().importShared(this.walker, engine.projects().share(this.other, p).code());
      return "project_id=" + p;
    });
    query("GET /api/get_cleanup_records", () -> "project_id=" + project);
    query("POST /api/create_key", () -> "");
    query("GET /api/get_keys", () -> "");
    query("DELETE /api/delete_key", () -> {
      engine.apiKeys().create(this.walker);
      List<io.guardops.api.ApiKey> keys = engine.apiKeys().list(this.walker);
      return "key_hash=" + keys.get(keys.size() - 1).hashOfHash();
    });
    // traces and monitoring
    query("GET /api/get_project_traces", () -> "project_id=" + project);
    query("GET /api/get_data_for_traces_viz", () -> "project_id=" + project);
    query("GET /api/get_thresholds_for_viz", () -> "project_id=" + project);
    query("GET /api/search_traces", () -> "project_id=" + project + "&status=ok");
    query("GET /api/get_trace", () -> "project_id=" + project + "&trace_id=0x" + traceId);
    query("GET /api/get_metrics", () -> "project_id=" + project + "&bucket=hour");
    // datasets
    query("GET /api/get_datasets", () -> "");
    query("POST /api/create_dataset", () -> "dataset_name=walked-" + (++n));
    query("PATCH /api/update_dataset", () -> "dataset_id=" + dataset + "&dataset_description=updated");
    query("PATCH /api/add_traces_to_dataset", () -> "dataset_id=" + freshDataset() + "&trace_ids=0x" + traceId);
    query("DELETE /api/delete_dataset", () -> "dataset_id=" + freshDataset());
    query("GET /api/share_dataset", () -> "dataset_id=" + dataset);
    query("POST /api/import_dataset", () -> {
      String d = engine.datasets().create(this.other, "others-" + (++n), "").datasetId();
      return "share_code=" + enc(engine.datasets().share(this.other, d).code());
    });
    query("GET /api/get_datasets_for_eval", () -> "");
    query("GET /api/get_dataset_for_eval", () -> "dataset_id=" + dataset);
    query("GET /api/get_dataset_traces", () -> "dataset_id=" + dataset + "&page=1&limit=5");
    query("GET /api/get_dataset_items", () -> "dataset_id=" + dataset + "&limit=5");
    body("POST /api/add_dataset_items", () -> new Sample("dataset_id=" + freshDataset(),
        Map.of("items", List.of(Map.of("input", "q3")))));
    body("PATCH /api/update_dataset_item", () -> new Sample("dataset_id=" + freshDataset() + "&item_id=i1",
        Map.of("output", "changed")));
    query("DELETE /api/delete_dataset_items", () -> "dataset_id=" + freshDataset() + "&item_ids=i1");
    query("GET /api/get_dataset_versions", () -> "dataset_id=" + dataset);
    body("POST /api/import_dataset_file", () -> new Sample("dataset_id=" + freshDataset() + "&format=jsonl",
        Map.of("input", "from a file")));
    query("GET /api/export_dataset", () -> "dataset_id=" + dataset + "&format=csv");
    // evaluations, evaluators, online rules, experiments, scores
    body("POST /api/export_evaluations", () -> new Sample("project_id=" + project,
        Map.of("eval_data", Map.of("total_score", 0.5))));
    query("GET /api/get_evaluation_list", () -> "project_id=" + project);
    query("POST /api/create_evaluation", () -> "project_id=" + project + "&evaluation_title=walked");
    query("PATCH /api/update_evaluation", () -> "evaluation_id=" + evaluation + "&evaluation_desc=updated");
    query("DELETE /api/delete_evaluation", () -> "evaluation_id=" + engine.evaluations()
        .create(this.walker, project, null, "doomed", "", null).evaluationId());
    query("GET /api/get_data_for_eval_viz", () -> "project_id=" + project);
    query("GET /api/get_evaluators", () -> "");
    body("POST /api/run_evaluator", () -> new Sample("", Map.of("evaluator", "exact_match",
        "item", Map.of("input", "q", "output", "a", "expected", "a"))));
    query("GET /api/get_online_rules", () -> "project_id=" + project);
    body("POST /api/create_online_rule", () -> new Sample("project_id=" + freshProject(),
        Map.of("evaluator", "json_valid", "sample_rate", 0.1)));
    query("PATCH /api/update_online_rule", () -> "project_id=" + project + "&rule_id=" + rule + "&sample_rate=0.2");
    query("DELETE /api/delete_online_rule", () -> "project_id=" + project + "&rule_id=" + engine
        .onlineEvaluation().create(this.walker, project, "json_valid", Map.of(), 1, false).ruleId());
    body("POST /api/create_experiment", () -> new Sample("", Map.of("dataset_id", dataset,
        "evaluators", List.of("exact_match"))));
    query("GET /api/get_experiments", () -> "dataset_id=" + dataset);
    query("GET /api/get_experiment", () -> "experiment_id=" + experimentA);
    query("GET /api/get_experiment_results", () -> "experiment_id=" + experimentA);
    query("POST /api/cancel_experiment", () -> "experiment_id=" + experimentA);
    query("GET /api/compare_experiments", () -> "experiment_a=" + experimentA + "&experiment_b=" + experimentB);
    body("POST /api/create_trace_score", () -> new Sample("project_id=" + project,
        Map.of("trace_id", traceId, "name", "walked", "value", 1)));
    query("GET /api/get_trace_scores", () -> "project_id=" + project + "&trace_id=" + traceId);
    query("DELETE /api/delete_trace_score", () -> "project_id=" + project + "&score_id=" + engine.scores()
        .attach(this.walker, project, new Scores.Draft(traceId, null, "walked", 1.0, null, null), Scores.HUMAN)
        .scoreId());
    playground(engine);
  }

  /** Samples of the playground, model registry, arena, template and PII routes (models answer locally). */
  private void playground(Engine engine) {
    String base = models().baseUrl();
    String modelA = addModel(engine, "walked-a", base).modelId();
    String modelB = addModel(engine, "walked-b", base).modelId();
    String prompt = engine.playgrounds().create(walker, Playgrounds.PROMPT, new Playgrounds.Draft("walked", null, null,
        "Say {{what}}", null, Map.of("what", "hello"), List.of(modelA), null)).playgroundId();
    String chat = engine.playgrounds().create(walker, Playgrounds.CHAT, new Playgrounds.Draft("walked", null, null,
        null, null, null, List.of(modelA), null)).playgroundId();
    String template = engine.templates().create(walker, "walked", "", "Hi {{name}}", List.of(), null).templateId();
    String match = match(engine, modelA, modelB);

    query("GET /api/get_prompt_playgrounds", () -> "");
    query("POST /api/create_prompt_playground", () -> "name=walked-" + (++n) + "&model=" + modelA);
    query("GET /api/get_chat_playgrounds", () -> "");
    query("POST /api/create_chat_playground", () -> "name=walked-" + (++n));
    query("GET /api/get_playground", () -> "playground_id=" + prompt);
    body("PATCH /api/update_playground", () -> new Sample("playground_id=" + prompt,
        Map.of("parameters", Map.of("temperature", 0.5))));
    query("DELETE /api/delete_playground", () -> "playground_id=" + engine.playgrounds().create(walker,
        Playgrounds.PROMPT, new Playgrounds.Draft(null, null, null, null, null, null, null, null)).playgroundId());
    query("POST /api/trace_playground", () -> "playground_id=" + prompt);
    body("POST /api/trace_playground_chat", () -> new Sample("playground_id=" + chat, Map.of("message", "hi")));
    query("GET /api/get_playground_traces", () -> "playground_id=" + prompt);
    body("POST /api/run_arena", () -> new Sample("", Map.of("prompt", "hi", "model_a", modelA, "model_b", modelB)));
    query("POST /api/score_arena", () -> "match_id=" + match(engine, modelA, modelB) + "&winner=tie");
    query("GET /api/get_arena_match", () -> "match_id=" + match);
    query("GET /api/get_arena_leaderboard", () -> "scope=mine");
    query("GET /api/get_models", () -> "");
    query("POST /api/add_model", () -> "name=walked-" + (++n) + "&provider=vllm&base_url=" + enc(base));
    query("PATCH /api/update_model", () -> "model_id=" + modelA + "&input_price=1&output_price=2");
    query("DELETE /api/delete_model", () -> "model_id=" + addModel(engine, "doomed-" + (++n), base).modelId());
    query("GET /api/get_provider_models", () -> "model_id=" + modelA);
    query("GET /api/get_templates", () -> "");
    body("POST /api/create_template", () -> new Sample("name=walked-" + (++n), Map.of("text", "Hi {{name}}")));
    body("PATCH /api/update_template", () -> new Sample("template_id=" + template,
        Map.of("text", "Hello {{name}}", "labels", List.of("production"))));
    query("DELETE /api/delete_template", () -> "template_id=" + engine.templates().create(walker, "doomed-" + (++n),
        "", "x", List.of(), null).templateId());
    query("GET /api/get_template", () -> "template_id=" + template);
    query("GET /api/get_template_versions", () -> "template_id=" + template);
    query("PATCH /api/set_template_label", () -> "template_id=" + template + "&label=staging&version=1");
    query("DELETE /api/remove_template_label", () -> {
      String label = "walked-" + (++n);
      engine.templates().setLabel(walker, template, label, 1);
      return "template_id=" + template + "&label=" + label;
    });
    body("POST /api/render_template", () -> new Sample("template_id=" + template,
        Map.of("variables", Map.of("name", "Ada"))));
    body("POST /api/detect_pii", () -> new Sample("", Map.of("text", "write to ada@example.com")));
    query("GET /api/get_project_pii", () -> "project_id=" + project);
    query("PATCH /api/update_project_pii", () -> "project_id=" + project + "&mask=false");
  }

  private Models.Model addModel(Engine engine, String name, String base) {
    return engine.models().add(walker, new Models.Draft("vllm", name, base, null, null, null, null, null, null, false));
  }

  /** A match of the walker's two models with both answers in, ready to be scored. */
  private String match(Engine engine, String a, String b) {
    ModelRuns.Prepared m = engine.arena().start(walker, new Arena.Request("hi", null, a, b, null, null));
    engine.arena().run(m, false, new ModelRuns.Listener() {
      @Override
      public void onDelta(ModelRuns.Slot slot, String text) {}

      @Override
      public void onResult(ModelRuns.Slot slot, ModelRuns.Result result) {}
    });
    return m.id();
  }

  private static OpenAiCompatibleServer models;

  /**
   * One local OpenAI-compatible server (no key) for every walk in this JVM: the walker's registered
   * models point at it, so playground and arena samples never leave the machine.
   */
  static synchronized OpenAiCompatibleServer models() {
    if (models == null) {
      OpenAiCompatibleServer s = OpenAiCompatibleServer.builder().apiKey(null).start();
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "route-samples-models-shutdown"));
      models = s;
    }
    return models;
  }

  private void query(String route, Supplier<String> query) {
    samples.put(route, () -> new Sample(query.get(), null));
  }

  private void body(String route, Supplier<Sample> sample) {
    samples.put(route, sample);
  }

  /** {@code "METHOD /path"} of every route with a sample. */
  Set<String> routes() {
    return Collections.unmodifiableSet(samples.keySet());
  }

  /** A fresh sample that makes {@code route} succeed for the walker ({@code null}: no sample). */
  Sample sample(RouteTable.Route route) {
    Supplier<Sample> s = samples.get(route.method() + " " + route.path());
    return s == null ? null : s.get();
  }

  /** Sends a fresh sample of {@code route} with these headers (authentication). */
  TestHost.Reply send(TestHost host, RouteTable.Route route, Map<String, String> headers) throws Exception {
    Sample s = sample(route);
    return host.send(route.method(), route.path() + "?" + s.query(), s.contentType(), s.bodyBytes(), headers);
  }

  String walker() {
    return walkerId;
  }

  private String freshProject() {
    return engine.projects().create(walker, draft("fresh-" + (++n))).projectId();
  }

  /** A dataset of the walker's with the items i1 and i2. */
  private String freshDataset() {
    String d = engine.datasets().create(walker, "walked-" + (++n), "").datasetId();
    engine.datasets().addItems(walker, d, List.of(new Datasets.ItemDraft("i1", "q1", "a1", "a1", null, null),
        new Datasets.ItemDraft("i2", "q2", "a2", "b2", null, null)));
    return d;
  }

  private String experiment() {
    try {
      String id = engine.experiments().create(walker, new ExperimentDefinition(null, dataset, null, null, null,
          List.of(new ExperimentDefinition.EvaluatorRun("exact_match", Map.of(), null)), null)).experimentId();
      return engine.experiments().await(walker, id, Duration.ofSeconds(10)).experimentId();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Projects.Draft draft(String name) {
    return new Projects.Draft(name, "", List.of(), 0, null, null);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
