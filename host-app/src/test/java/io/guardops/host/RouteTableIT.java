package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  @Test
  void everyRoleGets200OnItsRoutesAnd403OnTheOthers() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory"),
        b -> b.authenticator(new OneRoleAtATime()))) {
      RouteSamples samples = new RouteSamples(host.engine, USER, "other", "member");
      List<RouteTable.Route> routes = host.server.routeTable().routes();
      List<String> roleRoutes = new ArrayList<>();
      List<String> undeclared = new ArrayList<>();
      for (RouteTable.Route route : routes) {
        assertThat(route.guard()).as("%s %s says who may call it", route.method(), route.path()).isNotNull();
        if (route.guard() != RouteTable.Guard.ROLE) {
          continue;
        }
        String key = route.method() + " " + route.path();
        roleRoutes.add(key);
        assertThat(samples.routes()).as("a sample request for " + key).contains(key);
        String sample = samples.sample(route).query();
        for (String pair : sample.isEmpty() ? new String[0] : sample.split("&")) {
          String name = pair.substring(0, pair.indexOf('='));
          if (route.doc().params().stream().noneMatch(p -> p.name().equals(name))) {
            undeclared.add(key + " " + name);
          }
        }
        for (Role held : Role.values()) {
          boolean allowed = held == route.role() || held == Role.FULL_ACCESS;
          TestHost.Reply r = samples.send(host, route, Map.of("Authorization", "Bearer role:" + held.claimName()));
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
      assertThat(undeclared).as("parameters read but not declared (for /openapi.json)").isEmpty();
      assertThat(roleRoutes).as("every sample is a route").containsExactlyInAnyOrderElementsOf(samples.routes());
    }
  }

  @Test
  void publicAndKeyRoutesNeedNoRoleButKeyRoutesNeedAKey() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory"),
        b -> b.authenticator(new OneRoleAtATime()))) {
      for (RouteTable.Route route : host.server.routeTable().routes()) {
        switch (route.guard()) {
          case PUBLIC -> assertThat(host.send(route.method(), samplePath(route)).status()).as(route.path())
              .isEqualTo(200);
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

  /** The route's path with its template segment, if any, filled with the first value the route allows. */
  static String samplePath(RouteTable.Route route) {
    String prefix = route.templatePrefix();
    if (prefix == null) {
      return route.path();
    }
    Param p = route.doc().params().stream().filter(x -> x.in().equals("path")).findFirst()
        .orElseThrow(() -> new AssertionError(route.path() + " declares no path parameter"));
    return prefix + p.allowed().get(0);
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
      new RouteSamples(host.engine, USER, "other", "member");
      Caller walker = Caller.userToken(USER, EnumSet.of(Role.FULL_ACCESS));
      List<io.guardops.engine.Projects.ProjectView> mine = host.engine.projects().list(walker);
      assertThat(mine).extracting(v -> v.project().ownerId()).containsOnly(USER);
      // a token acting for another user_id is refused before any handler runs
      TestHost.Reply r = host.send("GET", "/api/get_projects?user_id=other", null, null,
          Map.of("Authorization", "Bearer role:Full_Access"));
      assertThat(r.status()).isEqualTo(403);
    }
  }
}
