package io.guardops.plugins.auth.auth0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.guardops.api.Health;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A machine client acting for a user gets that user's roles from the management API, through a
 * management token and role lists kept in the engine's token cache; provisioning assigns the default
 * role. The management API here is a local Auth0-shaped server that checks the tokens it is given.
 */
class ManagementApiTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  FakeIssuer issuer;
  MapTokenCache cache;
  Map<String, String> settings;
  Authenticator auth;
  String webApp;

  @BeforeEach
  void start() throws Exception {
    issuer = new FakeIssuer(clock);
    cache = new MapTokenCache(clock);
    settings = Fixtures.auth0(issuer);
    issuer.addUser("github|1", "Projects", "Monitoring", "Billing Admin");
    issuer.addUser("auth0|new");
    auth = Fixtures.authenticator(settings, clock, cache);
    webApp = issuer.machineToken(Fixtures.WEB_APP_CLIENT);
  }

  @AfterEach
  void stop() {
    auth.close();
    issuer.close();
  }

  private AuthResult actFor(String userId) {
    return auth.authenticate(new Credentials(webApp, userId, null));
  }

  @Test
  void anAllowListedMachineClientActsForAUserWithThatUsersRoles() {
    AuthResult r = actFor("github|1");
    assertThat(r.isAuthenticated()).as("%s", r).isTrue();
    Caller c = r.caller();
    assertThat(c.kind()).isEqualTo(Caller.Kind.MACHINE_CLIENT);
    assertThat(c.subject()).isEqualTo(Fixtures.WEB_APP_CLIENT);
    assertThat(c.userId()).isEqualTo("github|1");
    assertThat(c.roles()).as("'Billing Admin' is not a GuardOps role").containsExactlyInAnyOrder(Role.PROJECTS,
        Role.MONITORING);
    assertThat(issuer.managementPaths).containsExactly("/api/v2/users/github%7C1/roles?per_page=100&page=0");
  }

  @Test
  void rolesAndTheManagementTokenAreCachedForTheirTtl() {
    for (int i = 0; i < 10; i++) {
      assertThat(actFor("github|1").isAuthenticated()).isTrue();
    }
    assertThat(issuer.rolesRequests).hasValue(1);
    assertThat(issuer.tokenRequests).hasValue(1);
    assertThat(cache.keys()).as("hashed keys: no user or client ids in the cache's key space")
        .allSatisfy(k -> assertThat(k).doesNotContain("github").doesNotContain(Fixtures.MANAGEMENT_CLIENT));

    clock.advance(Duration.ofSeconds(61));
    assertThat(actFor("github|1").isAuthenticated()).isTrue();
    assertThat(issuer.rolesRequests).as("roles cached for roles-cache-ttl (60 s)").hasValue(2);
    assertThat(issuer.tokenRequests).as("the token lives until shortly before expires_in").hasValue(1);
    assertThat(cache.ttlOf("auth0:management-token:")).isEqualTo(Duration.ofSeconds(86_400 - 60 - 61));
  }

  @Test
  void theManagementTokenIsRefetchedWhenItExpires() {
    issuer.expiresIn = 300;
    actFor("github|1");
    assertThat(cache.ttlOf("auth0:management-token:")).isEqualTo(Duration.ofSeconds(240));
    clock.advance(Duration.ofSeconds(241));
    assertThat(actFor("github|1").isAuthenticated()).isTrue();
    assertThat(issuer.tokenRequests).hasValue(2);
  }

  @Test
  void twoHostInstancesShareTheManagementTokenAndTheRoles() {
    try (Authenticator second = Fixtures.authenticator(settings, clock, cache)) {
      assertThat(actFor("github|1").isAuthenticated()).isTrue();
      AuthResult r = second.authenticate(new Credentials(webApp, "github|1", null));
      assertThat(r.caller().roles()).contains(Role.PROJECTS);
      issuer.addUser("github|2", "Datasets");
      assertThat(second.authenticate(new Credentials(webApp, "github|2", null)).caller().roles())
          .containsExactly(Role.DATASETS);
    }
    assertThat(issuer.tokenRequests).as("one management token for both instances").hasValue(1);
    assertThat(issuer.rolesRequests).hasValue(2);
  }

  @Test
  void aRevokedManagementTokenIsReplacedOnce() {
    actFor("github|1");
    issuer.revokeIssuedTokens();
    issuer.addUser("github|2", "Evaluation");
    AuthResult r = actFor("github|2");
    assertThat(r.caller().roles()).containsExactly(Role.EVALUATION);
    assertThat(issuer.tokenRequests).hasValue(2);
    assertThat(issuer.rolesRequests).as("401, then the retry with a new token").hasValue(3);
  }

  @Test
  void aTokenCacheThatIsDownCostsTokensButNotRequests() {
    cache.down = true;
    for (int i = 0; i < 3; i++) {
      assertThat(actFor("github|1").caller().roles()).contains(Role.PROJECTS);
    }
    assertThat(issuer.tokenRequests).hasValue(3);
  }

  @Test
  void aUserTheIssuerDoesNotKnowIsForbiddenAndThatIsCachedToo() {
    AuthResult r = actFor("github|404");
    assertThat(r.status()).isEqualTo(AuthResult.Status.FORBIDDEN);
    assertThat(r.reason()).contains("not a user of the identity provider");
    actFor("github|404");
    assertThat(issuer.rolesRequests).hasValue(1);
  }

  @Test
  void aManagementApiFailureIsUnavailableWithAReasonAndShowsInHealth() {
    issuer.managementStatus = 429;
    AuthResult r = actFor("github|1");
    assertThat(r.status()).isEqualTo(AuthResult.Status.UNAVAILABLE);
    assertThat(r.reason()).contains("could not be read").contains("try again later");
    Health h = auth.check();
    assertThat(h.healthy()).isTrue();
    assertThat(h.detail()).contains("degraded").contains("429").contains("Global limit");

    issuer.managementStatus = 0;
    assertThat(actFor("github|1").isAuthenticated()).as("failures are not cached").isTrue();
    assertThat(auth.check().detail()).doesNotContain("degraded");
  }

  @Test
  void aWrongManagementSecretIsReportedWithoutTheSecret() {
    auth.close();
    settings.put("management.client-secret", "not-the-secret-9876");
    auth = Fixtures.authenticator(settings, clock, cache);
    // the server's own configuration is wrong: the caller can only retry later (503), not fix it
    assertThat(actFor("github|1").status()).isEqualTo(AuthResult.Status.UNAVAILABLE);
    String detail = auth.check().detail();
    assertThat(detail).contains("401").contains("access_denied").contains("management.client-id")
        .doesNotContain("not-the-secret-9876");
  }

  @Test
  void userIdsAreOnePathSegmentAndImplausibleOnesAreRefused() {
    issuer.addUser("a/b c+d", "Playground");
    assertThat(actFor("a/b c+d").caller().roles()).containsExactly(Role.PLAYGROUND);
    assertThat(issuer.managementPaths).anySatisfy(p -> assertThat(p).startsWith("/api/v2/users/a%2Fb%20c%2Bd/roles"));
    for (String bad : new String[] {"..", "x".repeat(257), "line\nbreak"}) {
      AuthResult r = actFor(bad);
      assertThat(r.status()).isEqualTo(AuthResult.Status.FORBIDDEN);
      assertThat(r.reason()).contains("not a valid user id");
    }
  }

  @Test
  void aMachineClientActingForNobodyHasTheConfiguredMachineRoles() {
    AuthResult none = auth.authenticate(new Credentials(webApp, null, null));
    assertThat(none.caller()).isEqualTo(Caller.machineClient(Fixtures.WEB_APP_CLIENT, null, Set.of()));
    auth.close();
    settings.put("machine-roles", "Projects, monitoring");
    auth = Fixtures.authenticator(settings, clock, cache);
    assertThat(auth.authenticate(new Credentials(webApp, "", null)).caller().roles())
        .containsExactlyInAnyOrder(Role.PROJECTS, Role.MONITORING);
    assertThat(issuer.rolesRequests).hasValue(0);
  }

  @Test
  void provisioningAssignsTheDefaultRoleAndForgetsTheCachedRoles() {
    auth.close();
    settings.put("default-role-id", "rol_playground");
    auth = Fixtures.authenticator(settings, clock, cache);
    assertThat(actFor("auth0|new").caller().roles()).isEmpty();

    auth.userProvisioned(Caller.userToken("auth0|new", Set.of()));
    assertThat(issuer.roleIdsOf("auth0|new")).containsExactly("rol_playground");
    assertThat(actFor("auth0|new").caller().roles()).as("not the cached empty list").containsExactly(Role.PLAYGROUND);
  }

  @Test
  void provisioningFailuresAreLoggedNeverThrown() {
    auth.close();
    settings.put("default-role-id", "rol_does_not_exist");
    auth = Fixtures.authenticator(settings, clock, cache);
    assertThatCode(() -> auth.userProvisioned(Caller.userToken("auth0|new", Set.of()))).doesNotThrowAnyException();
    assertThat(issuer.assignRequests).hasValue(1);
    assertThat(auth.check().detail()).contains("degraded").contains("404");

    issuer.close();
    assertThatCode(() -> auth.userProvisioned(Caller.userToken("auth0|new", Set.of()))).doesNotThrowAnyException();
    assertThatCode(() -> auth.userProvisioned(null)).doesNotThrowAnyException();
    assertThatCode(() -> auth.userProvisioned(Caller.machineClient("c", null, Set.of()))).doesNotThrowAnyException();
  }

  @Test
  void withoutADefaultRoleProvisioningCallsNothing() {
    auth.userProvisioned(Caller.userToken("auth0|new", Set.of()));
    assertThat(issuer.assignRequests).hasValue(0);
    assertThat(issuer.tokenRequests).hasValue(0);
  }
}
