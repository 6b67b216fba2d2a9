package io.guardops.plugins.auth.auth0;

import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.tck.AuthenticatorContract;
import io.guardops.tck.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The authenticator contract with mock-oauth2-server as the issuer: real discovery, real JWKS, real
 * client-credentials tokens for the machine client and for the management API.
 */
class OidcAuthenticatorContractTest extends AuthenticatorContract {
  static final MutableClock clock = new MutableClock(Instant.now());
  static MockIssuer issuer;
  static String alice;
  static String expired;
  static String wrongAudience;
  static String webApp;
  static String otherClient;

  @BeforeAll
  static void startIssuer() throws Exception {
    issuer = new MockIssuer(clock);
    issuer.management.addUser("alice", "Projects");
    alice = issuer.userToken(MockIssuer.AUTH0, "github|149702207", Map.of("permissions", List.of("Full_Access")), 3600);
    expired = issuer.userToken(MockIssuer.AUTH0, "github|149702207", Map.of(), -3600);
    wrongAudience = issuer.server.issueToken(MockIssuer.AUTH0, "github|149702207", "https://elsewhere", Map.of(), 3600L)
        .serialize();
    webApp = issuer.clientCredentials(MockIssuer.AUTH0, Fixtures.WEB_APP_CLIENT, "secret", FakeIssuer.AUDIENCE);
    otherClient = issuer.clientCredentials(MockIssuer.AUTH0, Fixtures.OTHER_CLIENT, "secret", FakeIssuer.AUDIENCE);
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @Override
  protected Authenticator newAuthenticator() {
    return Fixtures.authenticator(issuer.settings(MockIssuer.AUTH0), clock, new MapTokenCache(clock));
  }

  @Override
  protected List<Accepted> accepted() {
    return List.of(
        new Accepted(new Credentials(alice, null, "10.0.0.1"), Caller.Kind.USER_TOKEN, "github|149702207"),
        new Accepted(new Credentials(alice, "github|149702207", null), Caller.Kind.USER_TOKEN, "github|149702207"),
        new Accepted(new Credentials(webApp, "alice", null), Caller.Kind.MACHINE_CLIENT, "alice"),
        new Accepted(new Credentials(webApp, null, null), Caller.Kind.MACHINE_CLIENT, null));
  }

  @Override
  protected List<Credentials> unauthenticated() {
    return List.of(Credentials.none(), new Credentials("garbage-not-a-token", null, null),
        new Credentials(expired, null, null), new Credentials(wrongAudience, null, null),
        new Credentials(expired, "github|149702207", null));
  }

  @Override
  protected List<Credentials> forbidden() {
    return List.of(new Credentials(alice, "github|someone-else", null), new Credentials(otherClient, "alice", null),
        new Credentials(webApp, "user-the-issuer-does-not-know", null));
  }
}
