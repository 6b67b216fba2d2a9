package io.guardops.plugins.auth.auth0;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.tck.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real OIDC flows against mock-oauth2-server: user tokens, client credentials, roles claims, issuers. */
class OidcFlowsTest {
  static final MutableClock clock = new MutableClock(Instant.now());
  static MockIssuer issuer;
  Authenticator auth;

  @BeforeAll
  static void startIssuer() throws Exception {
    issuer = new MockIssuer(clock);
    issuer.management.addUser("github|7", "Evaluation", "Playground");
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @AfterEach
  void closeAuth() {
    if (auth != null) {
      auth.close();
    }
  }

  private Authenticator auth(String issuerId, Map<String, String> extra) {
    Map<String, String> settings = issuer.settings(issuerId);
    settings.putAll(extra);
    auth = Fixtures.authenticator(settings, clock, new MapTokenCache(clock));
    return auth;
  }

  @Test
  void rolesComeFromPermissionsOrANamespacedClaim() {
    auth(MockIssuer.AUTH0, Map.of("roles-claim", "permissions, https://guardops.io/roles"));
    String token = issuer.userToken(MockIssuer.AUTH0, "github|7", Map.of(
        "permissions", List.of("read:traces", "Projects"),
        "https://guardops.io/roles", List.of("Datasets", "full access", "Billing Admin")), 600);
    Caller c = auth.authenticate(new Credentials(token, null, null)).caller();
    assertThat(c).isEqualTo(Caller.userToken("github|7", Set.of(Role.PROJECTS, Role.DATASETS, Role.FULL_ACCESS)));
    assertThat(c.has(Role.MONITORING)).isTrue();

    String spaced = issuer.userToken(MockIssuer.AUTH0, "github|8", Map.of("permissions", "Monitoring Playground"), 600);
    assertThat(auth.authenticate(new Credentials(spaced, null, null)).caller().roles())
        .containsExactlyInAnyOrder(Role.MONITORING, Role.PLAYGROUND);
  }

  @Test
  void onlyTheConfiguredClaimCounts() {
    auth(MockIssuer.AUTH0, Map.of("roles-claim", "https://guardops.io/roles"));
    String token = issuer.userToken(MockIssuer.AUTH0, "github|7", Map.of("permissions", List.of("Full_Access")), 600);
    assertThat(auth.authenticate(new Credentials(token, null, null)).caller().roles()).isEmpty();
  }

  @Test
  void anAuth0StyleClientCredentialsTokenActsForNobodyOrForAUser() throws Exception {
    auth(MockIssuer.AUTH0, Map.of("machine-roles", "Monitoring"));
    String m2m = issuer.clientCredentials(MockIssuer.AUTH0, Fixtures.WEB_APP_CLIENT, "s", FakeIssuer.AUDIENCE);
    assertThat(auth.authenticate(new Credentials(m2m, null, null)).caller())
        .isEqualTo(Caller.machineClient(Fixtures.WEB_APP_CLIENT, null, Set.of(Role.MONITORING)));
    // the management token comes from the issuer's own token endpoint, by client credentials
    assertThat(auth.authenticate(new Credentials(m2m, "github|7", null)).caller())
        .isEqualTo(Caller.machineClient(Fixtures.WEB_APP_CLIENT, "github|7", Set.of(Role.EVALUATION, Role.PLAYGROUND)));
    String forOtherApi = issuer.clientCredentials(MockIssuer.AUTH0, Fixtures.WEB_APP_CLIENT, "s", "https://other");
    assertThat(auth.authenticate(new Credentials(forOtherApi, null, null)).reason()).contains("audience");
  }

  @Test
  void aGenericOidcClientCredentialsTokenIsAMachineTokenToo() throws Exception {
    auth(MockIssuer.GENERIC, Map.of());
    String m2m = issuer.clientCredentials(MockIssuer.GENERIC, Fixtures.WEB_APP_CLIENT, "s", FakeIssuer.AUDIENCE);
    AuthResult r = auth.authenticate(new Credentials(m2m, "github|7", null));
    assertThat(r.caller()).isEqualTo(Caller.machineClient(Fixtures.WEB_APP_CLIENT, "github|7",
        Set.of(Role.EVALUATION, Role.PLAYGROUND)));
    String other = issuer.clientCredentials(MockIssuer.GENERIC, Fixtures.OTHER_CLIENT, "s", FakeIssuer.AUDIENCE);
    assertThat(auth.authenticate(new Credentials(other, "github|7", null)).status())
        .isEqualTo(AuthResult.Status.FORBIDDEN);
  }

  @Test
  void aTokenOfAnotherIssuerOnTheSameServerIsRefused() {
    auth(MockIssuer.AUTH0, Map.of());
    String generic = issuer.userToken(MockIssuer.GENERIC, "github|7", Map.of("permissions", List.of("Full_Access")),
        600);
    AuthResult r = auth.authenticate(new Credentials(generic, null, null));
    assertThat(r.status()).isEqualTo(AuthResult.Status.UNAUTHENTICATED);
    assertThat(r.reason()).contains("does not publish");
  }
}
