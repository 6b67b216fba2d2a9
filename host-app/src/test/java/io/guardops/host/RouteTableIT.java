package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.Project;
import io.guardops.api.Span;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.engine.Engine;
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
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The query string that makes each role-guarded route succeed. */
  private static Map<String, Function<Fixtures, String>> samples() {
    Map<String, Function<Fixtures, String>> m = new LinkedHashMap<>();
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
    return m;
  }

  @Test
  void everyRoleGets200OnItsRoutesAnd403OnTheOthers() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory"),
        b -> b.authenticator(new OneRoleAtATime()))) {
      Fixtures f = new Fixtures(host.engine);
      Map<String, Function<Fixtures, String>> samples = samples();
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
          TestHost.Reply r = host.send(route.method(), route.path() + "?" + samples.get(key).apply(f), null, null,
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
