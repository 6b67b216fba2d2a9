package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.Project;
import io.guardops.api.Span;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.engine.Datasets;
import io.guardops.engine.Engine;
import io.guardops.engine.ExperimentDefinition;
import io.guardops.engine.Scores;
import io.guardops.engine.Projects;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks the route table: every route says who may call it; a caller holding one role at a time gets
 * 200 on that role's routes and 403 {@code {"detail"}} on the others; the README's route table is the
 * route table.
 */
class RouteTableIT {
  private static final String USER = "walker";

  @TempDir
  Path dir;

  /** Bearer token {@code role:<Claim_Name>} acts as the walker with that one role ({@code role:none}: none). */
  static final class OneRoleAtATime implements Authenticator {
    @Override
    public AuthResult authenticate(Credentials c) {
      String token = c.bearerToken();
      if (token == null || !token.startsWith("role:")) {
        return AuthResult.unauthenticated("a bearer token is required");
      }
      if (c.claimedUserId() != null && !c.claimedUserId().equals(USER)) {
        return AuthResult.forbidden("a token acts for its own user only");
      }
      String name = token.substring(5);
      Set<Role> roles = name.equals("none") ? Set.of() : EnumSet.of(Role.fromClaim(name));
      return AuthResult.authenticated(Caller.userToken(USER, roles));
    }
  }

  /** A sample request with a JSON body. */
  record Sample(String query, Object body) {}

  /** What each role-guarded route needs to succeed, made fresh per call where the call consumes it. */
  private final class Fixtures {
    final Engine engine;
    final Caller walker = Caller.userToken(USER, EnumSet.of(Role.FULL_ACCESS));
    final Caller other = Caller.userToken("other", EnumSet.of(Role.FULL_ACCESS));
    final String project;
    final String traceId = "5b8efff798038103d269b633813fc60c";
    int n;

    Fixtures(Engine engine) {
      this.engine = engine;
      engine.users().provision(USER);
      engine.users().provision("other");
      engine.users().provision("member");
      project = engine.projects().create(walker, draft("walked")).projectId();
      long t = System.currentTimeMillis() * 1_000_000L;
      engine.ingest().spans(List.of(Span.builder().projectId(project).traceId(traceId).spanId("eee19b7ec3c1b174")
          .name("chat").startEpochNanos(t - 1_000_000_000L).endEpochNanos(t).build()));
      evaluation();
    }

    Projects.Draft draft(String name) {
      return new Projects.Draft(name, "", List.of(), 0, null, null);
    }

    String freshProject() {
      return engine.projects().create(walker, draft("fresh-" + (++n))).projectId();
    }

    /** A code of another user's project, for the walker to import. */
    String othersCode() {
      String p = engine.projects().create(other, draft("others-" + (++n))).projectId();
      return engine.projects().share(other, p).code();
    }

    /** The walker becomes a member of another user's project; returns its id. */
    String membership() {
      String p = engine.projects().create(other, draft("joined-" + (++n))).projectId();
      engine.projects().importShared(walker, engine.projects().share(other, p).code());
      return p;
    }

    /** "member" joins the walker's project; returns its id. */
    String withMember() {
      String p = freshProject();
      engine.projects().importShared(Caller.userToken("member", Set.of()), engine.projects().share(walker, p).code());
      return p;
    }

    String keyHash() {
      engine.apiKeys().create(walker);
      return engine.apiKeys().list(walker).get(engine.apiKeys().list(walker).size() - 1).hashOfHash();
    }

    String dataset;
    String evaluation;
    String rule;
    String experimentA;
    String experimentB;

    /** Datasets, evaluations, rules and experiments, once the walker's project exists. */
    void evaluation() {
      dataset = freshDataset();
      evaluation = engine.evaluations().create(walker, project, null, "walked", "", null).evaluationId();
      rule = engine.onlineEvaluation().create(walker, project, "json_valid", Map.of(), 0.5, true).ruleId();
      experimentA = experiment();
      experimentB = experiment();
    }

    /** A dataset of the walker's with the items i1 and i2. */
    String freshDataset() {
      String d = engine.datasets().create(walker, "walked-" + (++n), "").datasetId();
      engine.datasets().addItems(walker, d, List.of(new Datasets.ItemDraft("i1", "q1", "a1", "a1", null, null),
          new Datasets.ItemDraft("i2", "q2", "a2", "b2", null, null)));
      return d;
    }

    String othersDatasetCode() {
      String d = engine.datasets().create(other, "others-" + (++n), "").datasetId();
      return engine.datasets().share(other, d).code();
    }

    String experiment() {
      try {
        String id = engine.experiments().create(walker, new ExperimentDefinition(null, dataset, null, null, null,
            List.of(new ExperimentDefinition.EvaluatorRun("exact_match", Map.of(), null)), null)).experimentId();
        return engine.experiments().await(walker, id, java.time.Duration.ofSeconds(10)).experimentId();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }

    String score() {
      return engine.scores().attach(walker, project, new Scores.Draft(traceId, null, "walked", 1.0, null, null),
          Scores.HUMAN).scoreId();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The query string that makes each role-guarded route succeed. */
  private static Map<String, Function<Fixtures, Object>> samples() {
    Map<String, Function<Fixtures, Object>> m = new LinkedHashMap<>();
    m.put("GET /api/get_userids", f -> "");
    m.put("POST /api/create_user", f -> "user_id=" + USER);
    m.put("GET /api/get_projects", f -> "");
    m.put("POST /api/create_project", f -> "project_name=walked-" + (++f.n));
    m.put("PATCH /api/update_project", f -> "project_id=" + f.project + "&project_description=updated");
    m.put("DELETE /api/delete_project", f -> "project_id=" + f.freshProject() + "&cascade=true");
    m.put("GET /api/share_project", f -> "project_id=" + f.project);
    m.put("POST /api/import_project", f -> "share_code=" + enc(f.othersCode()));
    m.put("GET /api/get_project_members", f -> "project_id=" + f.project);
    m.put("DELETE /api/remove_project_member", f -> "project_id=" + f.withMember() + "&member_id=member");
    m.put("DELETE /api/revoke_share_code", f -> {
      String p = f.freshProject();
      return "project_id=" + p + "&code_id=" + f.engine.projects().share(f.walker, p).record().codeId();
    });
    m.put("DELETE /api/leave_project", f -> "project_id=" + f.membership());
    m.put("GET /api/get_cleanup_records", f -> "project_id=" + f.project);
    m.put("POST /api/create_key", f -> "");
    m.put("GET /api/get_keys", f -> "");
    m.put("DELETE /api/delete_key", f -> "key_hash=" + f.keyHash());
    m.put("GET /api/get_project_traces", f -> "project_id=" + f.project);
    m.put("GET /api/get_data_for_traces_viz", f -> "project_id=" + f.project);
    m.put("GET /api/get_thresholds_for_viz", f -> "project_id=" + f.project);
    m.put("GET /api/search_traces", f -> "project_id=" + f.project + "&status=ok");
    m.put("GET /api/get_trace", f -> "project_id=" + f.project + "&trace_id=0x" + f.traceId);
    m.put("GET /api/get_metrics", f -> "project_id=" + f.project + "&bucket=hour");
    m.put("GET /api/get_datasets", f -> "");
    m.put("POST /api/create_dataset", f -> "dataset_name=walked-" + (++f.n));
    m.put("PATCH /api/update_dataset", f -> "dataset_id=" + f.dataset + "&dataset_description=updated");
    m.put("PATCH /api/add_traces_to_dataset", f -> "dataset_id=" + f.freshDataset() + "&trace_ids=0x" + f.traceId);
    m.put("DELETE /api/delete_dataset", f -> "dataset_id=" + f.freshDataset());
    m.put("GET /api/share_dataset", f -> "dataset_id=" + f.dataset);
    m.put("POST /api/import_dataset", f -> "share_code=" + enc(f.othersDatasetCode()));
    m.put("GET /api/get_datasets_for_eval", f -> "");
    m.put("GET /api/get_dataset_for_eval", f -> "dataset_id=" + f.dataset);
    m.put("GET /api/get_dataset_traces", f -> "dataset_id=" + f.dataset + "&page=1&limit=5");
    m.put("GET /api/get_dataset_items", f -> "dataset_id=" + f.dataset + "&limit=5");
    m.put("POST /api/add_dataset_items", f -> new Sample("dataset_id=" + f.freshDataset(),
        Map.of("items", List.of(Map.of("input", "q3")))));
    m.put("PATCH /api/update_dataset_item", f -> new Sample("dataset_id=" + f.freshDataset() + "&item_id=i1",
        Map.of("output", "changed")));
    m.put("DELETE /api/delete_dataset_items", f -> "dataset_id=" + f.freshDataset() + "&item_ids=i1");
    m.put("GET /api/get_dataset_versions", f -> "dataset_id=" + f.dataset);
    m.put("POST /api/import_dataset_file", f -> new Sample("dataset_id=" + f.freshDataset() + "&format=jsonl",
        Map.of("input", "from a file")));
    m.put("GET /api/export_dataset", f -> "dataset_id=" + f.dataset + "&format=csv");
    m.put("POST /api/export_evaluations", f -> new Sample("project_id=" + f.project,
        Map.of("eval_data", Map.of("total_score", 0.5))));
    m.put("GET /api/get_evaluation_list", f -> "project_id=" + f.project);
    m.put("POST /api/create_evaluation", f -> "project_id=" + f.project + "&evaluation_title=walked");
    m.put("PATCH /api/update_evaluation", f -> "evaluation_id=" + f.evaluation + "&evaluation_desc=updated");
    m.put("DELETE /api/delete_evaluation", f -> "evaluation_id=" + f.engine.evaluations()
        .create(f.walker, f.project, null, "doomed", "", null).evaluationId());
    m.put("GET /api/get_data_for_eval_viz", f -> "project_id=" + f.project);
    m.put("GET /api/get_evaluators", f -> "");
    m.put("POST /api/run_evaluator", f -> new Sample("", Map.of("evaluator", "exact_match",
        "item", Map.of("input", "q", "output", "a", "expected", "a"))));
    m.put("GET /api/get_online_rules", f -> "project_id=" + f.project);
    m.put("POST /api/create_online_rule", f -> new Sample("project_id=" + f.freshProject(),
        Map.of("evaluator", "json_valid", "sample_rate", 0.1)));
    m.put("PATCH /api/update_online_rule", f -> "project_id=" + f.project + "&rule_id=" + f.rule + "&sample_rate=0.2");
    m.put("DELETE /api/delete_online_rule", f -> "project_id=" + f.project + "&rule_id=" + f.engine
        .onlineEvaluation().create(f.walker, f.project, "json_valid", Map.of(), 1, false).ruleId());
    m.put("POST /api/create_experiment", f -> new Sample("", Map.of("dataset_id", f.dataset,
        "evaluators", List.of("exact_match"))));
    m.put("GET /api/get_experiments", f -> "dataset_id=" + f.dataset);
    m.put("GET /api/get_experiment", f -> "experiment_id=" + f.experimentA);
    m.put("GET /api/get_experiment_results", f -> "experiment_id=" + f.experimentA);
    m.put("POST /api/cancel_experiment", f -> "experiment_id=" + f.experimentA);
    m.put("GET /api/compare_experiments", f -> "experiment_a=" + f.experimentA + "&experiment_b=" + f.experimentB);
    m.put("POST /api/create_trace_score", f -> new Sample("project_id=" + f.project,
        Map.of("trace_id", f.traceId, "name", "walked", "value", 1)));
    m.put("GET /api/get_trace_scores", f -> "project_id=" + f.project + "&trace_id=" + f.traceId);
    m.put("DELETE /api/delete_trace_score", f -> "project_id=" + f.project + "&score_id=" + f.score());
    return m;
  }

  @Test
  void everyRoleGets200OnItsRoutesAnd403OnTheOthers() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory"),
        b -> b.authenticator(new OneRoleAtATime()))) {
      Fixtures f = new Fixtures(host.engine);
      Map<String, Function<Fixtures, Object>> samples = samples();
      List<RouteTable.Route> routes = host.server.routeTable().routes();
      List<String> roleRoutes = new ArrayList<>();
      for (RouteTable.Route route : routes) {
        assertThat(route.guard()).as("%s %s says who may call it", route.method(), route.path()).isNotNull();
        if (route.guard() != RouteTable.Guard.ROLE) {
          continue;
        }
        String key = route.method() + " " + route.path();
        roleRoutes.add(key);
        assertThat(samples).as("a sample request for " + key).containsKey(key);
        for (Role held : Role.values()) {
          boolean allowed = held == route.role() || held == Role.FULL_ACCESS;
          Object s = samples.get(key).apply(f);
          Sample sample = s instanceof Sample x ? x : new Sample((String) s, null);
          TestHost.Reply r = host.send(route.method(), route.path() + "?" + sample.query(),
              sample.body() == null ? null : "application/json",
              sample.body() == null ? null : TestHost.JSON.writeValueAsBytes(sample.body()),
              Map.of("Authorization", "Bearer role:" + held.claimName()));
          assertThat(r.status()).as("%s with the role %s -> %s", key, held.claimName(), r.body())
              .isEqualTo(allowed ? 200 : 403);
          if (!allowed) {
            assertThat(r.json().get("detail").asText()).contains(route.role().claimName());
          }
        }
        TestHost.Reply none = host.send(route.method(), route.path(), null, null,
            Map.of("Authorization", "Bearer role:none"));
        assertThat(none.status()).as(key + " with no role").isEqualTo(403);
        TestHost.Reply anonymous = host.send(route.method(), route.path());
        assertThat(anonymous.status()).as(key + " without a token").isEqualTo(401);
        assertThat(anonymous.json().get("detail").asText()).isNotBlank();
      }
      assertThat(roleRoutes).as("every sample is a route").containsExactlyInAnyOrderElementsOf(samples.keySet());
    }
  }

  @Test
  void publicAndKeyRoutesNeedNoRoleButKeyRoutesNeedAKey() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory"),
        b -> b.authenticator(new OneRoleAtATime()))) {
      for (RouteTable.Route route : host.server.routeTable().routes()) {
        switch (route.guard()) {
          case PUBLIC -> assertThat(host.send(route.method(), route.path()).status()).as(route.path()).isEqualTo(200);
          case API_KEY_HEADER, API_KEY_LIBRARY -> {
            // a user's token is not a key; the library's credentials are its query parameters
            String query = route.guard() == RouteTable.Guard.API_KEY_LIBRARY
                ? "?user_id=" + USER + "&project_id=p&key_hash=" + "0".repeat(64) : "";
            TestHost.Reply r = host.send(route.method(), route.path() + query, "application/json", "{}".getBytes(),
                Map.of("Authorization", "Bearer role:Full_Access"));
            assertThat(r.status()).as("%s with a user token instead of a key", route.path()).isEqualTo(401);
          }
          default -> { }
        }
      }
    }
  }

  @Test
  void theReadmeRouteTableIsTheRouteTable() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory"))) {
      String expected = host.server.routeTable().markdown();
      Path readme = Path.of(System.getProperty("guardops.readme", "../README.md"));
      String text = Files.readString(readme);
      int start = text.indexOf("<!-- routes:start -->");
      int end = text.indexOf("<!-- routes:end -->");
      assertThat(start).as("README.md has a routes:start marker").isNotNegative();
      assertThat(end).as("README.md has a routes:end marker").isGreaterThan(start);
      String actual = text.substring(text.indexOf('\n', start) + 1, end);
      assertThat(actual).as("README.md's route table; regenerate it from RouteTable.markdown():%n%s", expected)
          .isEqualTo(expected);
    }
  }

  @Test
  void aProjectOfTheWalkerIsNobodyElses() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory"),
        b -> b.authenticator(new OneRoleAtATime()))) {
      Fixtures f = new Fixtures(host.engine);
      Project p = host.engine.projects().get(f.walker, f.project).project();
      assertThat(p.ownerId()).isEqualTo(USER);
      // a token acting for another user_id is refused before any handler runs
      TestHost.Reply r = host.send("GET", "/api/get_projects?user_id=other", null, null,
          Map.of("Authorization", "Bearer role:Full_Access"));
      assertThat(r.status()).isEqualTo(403);
    }
  }
}
