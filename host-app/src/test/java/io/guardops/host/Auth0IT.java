package io.guardops.host;

import static io.guardops.host.AuthCalls.call;
import static io.guardops.host.AuthCalls.detail;
import static io.guardops.host.AuthCalls.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.Project;
import io.guardops.api.auth.Role;
import io.guardops.engine.ApiKeys;
import io.guardops.engine.Users;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real host in {@code guardops.auth=auth0} mode (the auth-auth0 plugin zip loaded by PF4J) against
 * mock-oauth2-server as the OIDC issuer and a local Auth0 Management API: provisioning on the first
 * call (once, also across two instances on one SQLite file), roles from the token gating every route,
 * machine clients acting for users, and API keys for ingestion.
 */
class Auth0IT {
  static OidcIssuer issuer;

  @TempDir
  Path dir;

  @BeforeAll
  static void startIssuer() throws Exception {
    issuer = new OidcIssuer();
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  private TestHost host() throws Exception {
    TestHost.pluginsDir(dir);
    return new TestHost(dir, issuer.hostSettings());
  }

  @Test
  void aUsersFirstCallProvisionsThemWithTheirDefaultProjectAndTheDefaultRoleOnce() throws Exception {
    String alice = "auth0|alice";
    issuer.addUser(alice);
    String token = issuer.userToken(alice, "Projects");
    try (TestHost host = host()) {
      assertThat(host.engine.users().listIds()).doesNotContain(alice);
      TestHost.Reply first = call(host, "GET", "/api/get_projects", token);
      assertThat(first.status()).as(first.body()).isEqualTo(200);
      JsonNode projects = first.json().get("projects");
      assertThat(projects).hasSize(1);
      assertThat(projects.get(0).get("project_id").asText()).isEqualTo(Users.defaultProjectId(alice));
      assertThat(projects.get(0).get("name").asText()).isEqualTo(Project.DEFAULT_NAME);
      assertThat(projects.get(0).get("owner").asText()).isEqualTo(alice);
      assertThat(projects.get(0).get("role").asText()).isEqualTo("owner");
      for (int i = 0; i < 3; i++) {
        assertThat(call(host, "GET", "/api/get_projects", token).body()).isEqualTo(first.body());
      }
      assertThat(Collections.frequency(host.engine.users().listIds(), alice)).isEqualTo(1);
      // the plugin assigned the default role through the management API, once
      assertThat(issuer.roleAssignments(alice)).isEqualTo(1);
      assertThat(issuer.roleIdsOf(alice)).containsExactly(OidcIssuer.DEFAULT_ROLE_ID);
    }
    // a restart over the same data knows the user: nothing is provisioned or assigned again
    try (TestHost again = new TestHost(dir, issuer.hostSettings())) {
      JsonNode projects = call(again, "GET", "/api/get_projects", token).json().get("projects");
      assertThat(projects).hasSize(1);
      assertThat(Collections.frequency(again.engine.users().listIds(), alice)).isEqualTo(1);
      assertThat(issuer.roleAssignments(alice)).isEqualTo(1);
    }
  }

  @Test
  void twoInstancesOnOneSqliteFileProvisionAUserTheyBothSeeAtOnceExactlyOnce() throws Exception {
    TestHost.pluginsDir(dir);
    ExecutorService pool = Executors.newFixedThreadPool(12);
    // one instance in this JVM, the other in a JVM of its own: instances are processes (see HostProcess)
    try (TestHost a = new TestHost(dir, issuer.hostSettings()); HostProcess b = HostProcess.start(dir,
        issuer.hostSettings())) {
      for (int round = 0; round < 3; round++) {
        String user = "auth0|racer-" + round;
        issuer.addUser(user);
        String token = issuer.userToken(user, "Projects");
        CyclicBarrier start = new CyclicBarrier(12);
        List<Future<TestHost.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          boolean first = i % 2 == 0;
          replies.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return first ? call(a, "GET", "/api/get_projects", token) : b.call("GET", "/api/get_projects", token);
          }));
        }
        for (Future<TestHost.Reply> f : replies) {
          TestHost.Reply r = f.get(30, TimeUnit.SECONDS);
          assertThat(r.status()).as(r.body()).isEqualTo(200);
          assertThat(r.json().get("projects")).as("one Default Project in %s", r.body()).hasSize(1);
          assertThat(r.json().at("/projects/0/project_id").asText()).isEqualTo(Users.defaultProjectId(user));
        }
        assertThat(Collections.frequency(a.engine.users().listIds(), user)).isEqualTo(1);
        assertThat(issuer.roleAssignments(user)).as("the default role is assigned by one instance, once").isEqualTo(1);
        assertThat(issuer.roleIdsOf(user)).containsExactly(OidcIssuer.DEFAULT_ROLE_ID);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theRolesInTheTokenGateEveryRoute() throws Exception {
    String walker = "auth0|walker";
    Map<Role, String> tokens = new EnumMap<>(Role.class);
    for (Role r : Role.values()) {
      tokens.put(r, issuer.userToken(walker, r.claimName()));
    }
    // roles the issuer does not map to GuardOps roles, or none at all, give nothing
    String noRole = issuer.userToken(walker, "read:traces", "Billing Admin");
    try (TestHost host = host()) {
      RouteSamples samples = new RouteSamples(host.engine, walker, "auth0|walker-other", "auth0|walker-member");
      List<String> walked = new ArrayList<>();
      for (RouteTable.Route route : host.server.routeTable().routes()) {
        if (route.guard() != RouteTable.Guard.ROLE) {
          continue;
        }
        String key = route.method() + " " + route.path();
        walked.add(key);
        assertThat(samples.routes()).as("a sample request for " + key).contains(key);
        for (Role held : Role.values()) {
          boolean allowed = held == route.role() || held == Role.FULL_ACCESS;
          TestHost.Reply r = samples.send(host, route, Map.of("Authorization", "Bearer " + tokens.get(held)));
          assertThat(r.status()).as("%s with a token holding %s -> %s", key, held.claimName(), r.body())
              .isEqualTo(allowed ? 200 : 403);
          if (!allowed) {
            assertThat(detail(r)).contains(route.role().claimName());
          }
        }
        TestHost.Reply none = call(host, route.method(), route.path(), noRole);
        assertThat(none.status()).as(key + " with no GuardOps role").isEqualTo(403);
        assertThat(detail(none)).contains(route.role().claimName()).contains("no roles");
        TestHost.Reply anonymous = call(host, route.method(), route.path(), null);
        assertThat(anonymous.status()).as(key + " without a token").isEqualTo(401);
        assertThat(detail(anonymous)).isNotBlank();
      }
      assertThat(walked).as("every sample is a role route").containsExactlyInAnyOrderElementsOf(samples.routes());
    }
  }

  @Test
  void anAllowListedMachineClientActsForAUserWithTheUsersRolesFromTheManagementApi() throws Exception {
    String bob = "auth0|bob";
    issuer.addUser(bob, "Projects", "Monitoring");
    issuer.addUser("auth0|alice-m2m", "Projects");
    // real client-credentials flows at the issuer's token endpoint
    String webApp = issuer.clientCredentials(OidcIssuer.WEB_APP_CLIENT, OidcIssuer.AUDIENCE);
    String other = issuer.clientCredentials(OidcIssuer.OTHER_CLIENT, OidcIssuer.AUDIENCE);
    try (TestHost host = host()) {
      int managementTokens = issuer.tokensIssuedTo(OidcIssuer.MANAGEMENT_CLIENT);
      TestHost.Reply r = call(host, "GET", "/api/get_projects?user_id=" + enc(bob), webApp);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().at("/projects/0/project_id").asText()).isEqualTo(Users.defaultProjectId(bob));
      assertThat(r.json().at("/projects/0/owner").asText()).isEqualTo(bob);
      String project = r.json().at("/projects/0/project_id").asText();
      // provisioning bob assigned the default role, which made the plugin forget his cached roles: one more read
      assertThat(issuer.roleAssignments(bob)).isEqualTo(1);
      assertThat(call(host, "GET", "/api/get_projects?user_id=" + enc(bob), webApp).status()).isEqualTo(200);
      int reads = issuer.roleReads(bob);
      assertThat(reads).isEqualTo(2);
      // then bob's roles (Projects, Monitoring, and now Playground) are cached for repeated calls
      for (int i = 0; i < 4; i++) {
        assertThat(call(host, "GET", "/api/get_projects?user_id=" + enc(bob), webApp).status()).isEqualTo(200);
        assertThat(call(host, "GET", "/api/search_traces?user_id=" + enc(bob) + "&project_id=" + project, webApp)
            .status()).isEqualTo(200);
      }
      assertThat(issuer.roleReads(bob)).as("roles read from the management API, then cached").isEqualTo(reads);
      TestHost.Reply admin = call(host, "GET", "/api/get_userids?user_id=" + enc(bob), webApp);
      assertThat(admin.status()).as("bob has no Full_Access at the issuer").isEqualTo(403);
      assertThat(detail(admin)).contains("Full_Access").contains("Monitoring, Playground, Projects");
      // one management token for the roles lookups and the role assignment
      assertThat(issuer.tokensIssuedTo(OidcIssuer.MANAGEMENT_CLIENT) - managementTokens).isEqualTo(1);

      // a machine client that is not on the allow-list may not act for anyone; the API is not even asked
      TestHost.Reply refused = call(host, "GET", "/api/get_projects?user_id=" + enc(bob), other);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(detail(refused)).contains("machine client '" + OidcIssuer.OTHER_CLIENT + "' may not act for users");
      assertThat(issuer.roleReads(bob)).isEqualTo(reads);
      // a user token naming another user_id
      String aliceToken = issuer.userToken("auth0|alice-m2m", "Full_Access");
      TestHost.Reply asBob = call(host, "GET", "/api/get_projects?user_id=" + enc(bob), aliceToken);
      assertThat(asBob.status()).isEqualTo(403);
      assertThat(detail(asBob)).contains("cannot act for user_id '" + bob + "'");
      // a user the issuer does not know is refused and not provisioned
      TestHost.Reply ghost = call(host, "GET", "/api/get_projects?user_id=" + enc("auth0|ghost"), webApp);
      assertThat(ghost.status()).isEqualTo(403);
      assertThat(detail(ghost)).contains("not a user of the identity provider");
      assertThat(host.engine.users().listIds()).doesNotContain("auth0|ghost");
      // a machine token acting for nobody has no roles here (machine-roles is not set)
      assertThat(call(host, "GET", "/api/get_projects", webApp).status()).isEqualTo(401);

      // the management API failing: 503, nothing provisioned, and no failure cached
      String carol = "auth0|carol";
      issuer.addUser(carol, "Projects");
      issuer.managementStatus = 429;
      TestHost.Reply unavailable = call(host, "GET", "/api/get_projects?user_id=" + enc(carol), webApp);
      assertThat(unavailable.status()).isEqualTo(503);
      assertThat(detail(unavailable)).contains("could not be read").contains("try again later");
      assertThat(host.engine.users().listIds()).doesNotContain(carol);
      assertThat(host.send("GET", "/health").json().at("/components/auth/detail").asText())
          .contains("management API").contains("429");
      issuer.managementStatus = 0;
      assertThat(call(host, "GET", "/api/get_projects?user_id=" + enc(carol), webApp).status()).isEqualTo(200);
    } finally {
      issuer.managementStatus = 0;
    }
  }

  @Test
  void apiKeysMintedWithAUserTokenKeepWorkingForIngestion() throws Exception {
    String dana = "auth0|dana";
    issuer.addUser(dana);
    String token = issuer.userToken(dana, "Projects", "Monitoring");
    try (TestHost host = host()) {
      TestHost.Reply minted = call(host, "POST", "/api/create_key", token);
      assertThat(minted.status()).as(minted.body()).isEqualTo(200);
      String key = minted.json().asText();
      String project = Users.defaultProjectId(dana);

      assertThat(AuthCalls.otlp(host, key, null)).as("OTLP export with the key").isTrue();
      String library = "{\"span\": {\"name\": \"openai.chat\", \"context\": {\"trace_id\": \"0x" + "d".repeat(32)
          + "\", \"span_id\": \"0xeee19b7ec3c1b174\"}, \"kind\": \"SpanKind.CLIENT\", \"parent_id\": null,"
          + " \"start_time\": \"2026-11-27T14:25:32.873460Z\", \"end_time\": \"2026-11-27T14:25:33.780150Z\","
          + " \"status\": {\"status_code\": \"OK\"}, \"attributes\": {\"model\": \"gpt-4o\"}, \"events\": [],"
          + " \"links\": [], \"resource\": {\"attributes\": {}}}}";
      TestHost.Reply stored = host.send("POST", "/api/store_trace/?user_id=" + enc(dana) + "&project_id=" + project
          + "&key_hash=" + ApiKeys.sha256Hex(key), "application/json", library.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(stored.status()).as(stored.body()).isEqualTo(200);
      TestHost.Reply traces = call(host, "GET", "/api/get_project_traces?project_id=" + project, token);
      assertThat(traces.json().get("traces")).hasSize(2);

      // a key is not a token, and a token is not a key
      assertThat(call(host, "GET", "/api/get_projects", key).status()).isEqualTo(401);
      assertThat(AuthCalls.otlp(host, token, null)).as("OTLP export with a user token").isFalse();
      // a revoked key stops at once
      String hash = call(host, "GET", "/api/get_keys", token).json().at("/keys/0/hash").asText();
      assertThat(call(host, "DELETE", "/api/delete_key?key_hash=" + hash, token).status()).isEqualTo(200);
      assertThat(AuthCalls.otlp(host, key, null)).isFalse();
      assertThat(call(host, "GET", "/api/get_project_traces?project_id=" + project, token).json().get("traces"))
          .hasSize(2);
    }
  }
}
