package io.guardops.plugins.auth.auth0;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import io.guardops.api.Health;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Credentials;
import io.guardops.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Key rotation, withdrawal, outages and slow issuers, against a local issuer whose JWKS the test controls. */
class IssuerKeysTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  FakeIssuer issuer;
  Map<String, String> settings;
  Authenticator auth;

  @BeforeEach
  void start() throws Exception {
    issuer = new FakeIssuer(clock);
    settings = Fixtures.auth0(issuer);
  }

  @AfterEach
  void stop() {
    if (auth != null) {
      auth.close();
    }
    issuer.close();
  }

  private Authenticator auth() {
    auth = Fixtures.authenticator(settings, clock, new MapTokenCache(clock));
    return auth;
  }

  private AuthResult present(String token) {
    return auth.authenticate(new Credentials(token, null, null));
  }

  @Test
  void aRotatedKeyIsAcceptedWithoutANewAuthenticator() throws Exception {
    auth();
    String old = issuer.userToken("github|1");
    assertThat(present(old).isAuthenticated()).isTrue();
    assertThat(issuer.jwksRequests).hasValue(1);

    clock.advance(Duration.ofMinutes(1));
    issuer.rotate();
    String rotated = issuer.userToken("github|1");
    AuthResult r = present(rotated);
    assertThat(r.isAuthenticated()).as("%s", r).isTrue();
    assertThat(issuer.jwksRequests).hasValue(2);
    assertThat(present(old).isAuthenticated()).as("the old key is still published").isTrue();
    assertThat(auth.check().detail()).contains("2 signing keys");
  }

  @Test
  void aRotationRightAfterTheLastRefreshWaitsForTheRateLimit() throws Exception {
    auth();
    issuer.rotate();
    String rotated = issuer.userToken("github|1");
    clock.advance(Duration.ofSeconds(10));
    assertThat(present(rotated).reason()).contains("does not publish");
    assertThat(issuer.jwksRequests).as("keys fetched 10 s ago: no refresh yet").hasValue(1);
    clock.advance(Duration.ofSeconds(20));
    assertThat(present(rotated).isAuthenticated()).isTrue();
    assertThat(issuer.jwksRequests).hasValue(2);
  }

  @Test
  void aWithdrawnKeyStopsBeingAcceptedOnceTheKeysAreOlderThanTheirMaxAge() throws Exception {
    settings.put("jwks-max-age", "5m");
    auth();
    RSAKey first = issuer.signingKey();
    String old = issuer.userToken("github|1");
    issuer.rotate();
    issuer.withdraw(first);
    clock.advance(Duration.ofMinutes(4));
    assertThat(present(old).isAuthenticated()).as("keys are 4 minutes old: no refresh").isTrue();
    assertThat(issuer.jwksRequests).hasValue(1);

    clock.advance(Duration.ofMinutes(2));
    // this request starts a refresh in the background; it is answered with whichever keys are current
    present(old);
    awaitTrue(() -> issuer.jwksRequests.get() == 2 && !present(old).isAuthenticated());
    assertThat(present(old).reason()).contains("does not publish");
    assertThat(present(issuer.userToken("github|1")).isAuthenticated()).isTrue();
  }

  @Test
  void aJwksOutageKeepsTheLastGoodKeysAndShowsInHealth() throws Exception {
    auth();
    String token = issuer.userToken("github|1");
    issuer.jwksDown = true;
    clock.advance(Duration.ofMinutes(1));
    issuer.rotate();
    assertThat(present(issuer.userToken("github|1")).reason()).as("the new key cannot be fetched")
        .contains("does not publish");
    assertThat(issuer.jwksRequests).hasValue(2);
    assertThat(present(token).isAuthenticated()).as("old keys kept").isTrue();
    Health h = auth.check();
    assertThat(h.healthy()).isTrue();
    assertThat(h.detail()).contains("degraded").contains("503").contains("1 signing key");

    issuer.jwksDown = false;
    clock.advance(Duration.ofMinutes(1));
    assertThat(present(issuer.userToken("github|1")).isAuthenticated()).isTrue();
    assertThat(auth.check().detail()).doesNotContain("degraded").contains("2 signing keys");
  }

  @Test
  void anIssuerDownAtStartUpIsDownInHealthAndRecoversByItself() throws Exception {
    issuer.discoveryDown = true;
    auth();
    Health down = auth.check();
    assertThat(down.healthy()).isFalse();
    assertThat(down.detail()).contains("no signing keys").contains("openid-configuration").contains("503");
    AuthResult noKeys = present(issuer.userToken("github|1"));
    assertThat(noKeys.status()).isEqualTo(AuthResult.Status.UNAVAILABLE);
    assertThat(noKeys.reason()).contains("could not be fetched");

    issuer.discoveryDown = false;
    clock.advance(Duration.ofSeconds(31));
    assertThat(present(issuer.userToken("github|1")).isAuthenticated()).isTrue();
    assertThat(auth.check().healthy()).isTrue();
    assertThat(issuer.discoveryRequests).hasValue(2);
  }

  @Test
  void healthPollingAloneNoticesARecoveredIssuer() throws Exception {
    issuer.jwksDown = true;
    auth();
    assertThat(auth.check().healthy()).isFalse();
    issuer.jwksDown = false;
    clock.advance(Duration.ofSeconds(31));
    auth.check(); // starts a refresh
    awaitTrue(() -> auth.check().healthy());
  }

  @Test
  void keysComeFromDiscoveryOrTheConfiguredUri() {
    auth();
    assertThat(issuer.discoveryRequests).hasValue(1);
    assertThat(auth.check().detail()).contains(issuer.jwksUri());
    auth.close();

    settings.put("jwks-uri", issuer.jwksUri());
    auth();
    assertThat(issuer.discoveryRequests).as("no discovery with a configured JWKS URI").hasValue(1);
    assertThat(present(issuer.userToken("github|1")).isAuthenticated()).isTrue();
  }

  @Test
  void aDiscoveryDocumentForAnotherIssuerIsNotTrusted() {
    issuer.discoveryIssuer = "https://evil.example/";
    auth();
    Health h = auth.check();
    assertThat(h.healthy()).isFalse();
    assertThat(h.detail()).contains("names another issuer").contains("guardops.auth.auth0.issuer");
    assertThat(issuer.jwksRequests).as("its jwks_uri is not followed").hasValue(0);
    assertThat(present(issuer.userToken("github|1")).isAuthenticated()).isFalse();
  }

  @Test
  void anIssuerWithoutDiscoveryNeedsTheJwksUri() {
    settings.put("issuer", issuer.base + "tenant-b/");
    auth();
    Health h = auth.check();
    assertThat(h.healthy()).isFalse();
    assertThat(h.detail()).contains("tenant-b/.well-known/openid-configuration answered 404")
        .contains("guardops.auth.auth0.jwks-uri");
  }

  @Test
  void aSlowIssuerHoldsUpOnlyTheRequestsThatNeedNewKeys() throws Exception {
    settings.put("http-timeout", "300ms");
    auth();
    String known = issuer.userToken("github|1");
    issuer.rotate();
    String unknown = issuer.userToken("github|1");
    issuer.jwksDelay = Duration.ofSeconds(3);
    clock.advance(Duration.ofMinutes(1));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<AuthResult>> waiting = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        waiting.add(pool.submit(() -> present(unknown)));
      }
      awaitTrue(() -> issuer.jwksRequests.get() == 2);
      long knownStart = System.nanoTime();
      assertThat(pool.submit(() -> present(known)).get(5, TimeUnit.SECONDS).isAuthenticated()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - knownStart))
          .as("a token with a known key does not wait for the refresh").isLessThan(Duration.ofMillis(250));
      for (Future<AuthResult> f : waiting) {
        assertThat(f.get(10, TimeUnit.SECONDS).reason()).contains("does not publish");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded by the timeouts, not by the slow issuer")
          .isLessThan(Duration.ofMillis(2500));
      assertThat(issuer.jwksRequests).as("one refresh for five waiting requests").hasValue(2);
      assertThat(auth.check().detail()).contains("degraded").contains("timed out");
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits (bounded) for work on the authenticator's own refresh thread. */
  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.sleep(10);
    }
  }
}
