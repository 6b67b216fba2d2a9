package io.guardops.host;

import static io.guardops.host.AuthCalls.call;
import static io.guardops.host.AuthCalls.detail;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing-key rotation at the issuer, seen by a running host: a token signed with a newly published
 * key is accepted without a restart, a withdrawn key stops working, and an issuer that is down at
 * start-up makes calls wait (503), not fail for good. mock-oauth2-server cannot
 * rotate its keys, so this issuer is a local one (OIDC discovery and a JWKS on a JDK HTTP server,
 * tokens signed with nimbus). The host runs on a clock the test moves, which drives the plugin's
 * refresh rate limit and key age.
 */
class Auth0KeyRotationIT {
  static final String AUDIENCE = "https://api.guardops.test";

  @TempDir
  Path dir;
  HttpServer server;
  String issuer;
  final List<RSAKey> published = new CopyOnWriteArrayList<>();
  volatile RSAKey signing;
  final AtomicInteger jwksRequests = new AtomicInteger();
  /** The JWKS answers 503 (an issuer outage). */
  volatile boolean down;
  final SharingIT.TestClock clock = new SharingIT.TestClock();

  @BeforeEach
  void startIssuer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    server.createContext("/.well-known/openid-configuration", x -> send(x, JSONObjectUtils.toJSONString(Map.of(
        "issuer", issuer, "jwks_uri", issuer + ".well-known/jwks.json", "token_endpoint", issuer + "oauth/token",
        "id_token_signing_alg_values_supported", List.of("RS256")))));
    server.createContext("/.well-known/jwks.json", x -> {
      jwksRequests.incrementAndGet();
      if (down) {
        x.sendResponseHeaders(503, -1);
        x.close();
        return;
      }
      List<JWK> keys = new ArrayList<>();
      published.forEach(k -> keys.add(k.toPublicJWK()));
      send(x, new JWKSet(keys).toString());
    });
    server.start();
    signing = newKey();
    published.add(signing);
  }

  @AfterEach
  void stopIssuer() {
    server.stop(0);
  }

  private static RSAKey newKey() throws JOSEException {
    return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
  }

  private static void send(HttpExchange x, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(200, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  /** A user token signed with {@code key}, valid for an hour on the test's clock. */
  private String token(RSAKey key, String subject) throws JOSEException {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(AUDIENCE)
        .issueTime(Date.from(clock.instant())).expirationTime(Date.from(clock.instant().plusSeconds(3600)))
        .claim("permissions", List.of("Projects")).jwtID(UUID.randomUUID().toString()).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private TestHost host() throws IOException {
    TestHost.pluginsDir(dir);
    Map<String, String> settings = Map.of("guardops.auth", "auth0", "guardops.auth.auth0.issuer", issuer,
        "guardops.auth.auth0.audience", AUDIENCE);
    return new TestHost(dir, settings, b -> b.clock(clock));
  }

  @Test
  void anIssuerDownAtStartUpGives503UntilItAnswersThenTokensWork() throws Exception {
    down = true;
    try (TestHost host = host()) {
      String token = token(signing, "auth0|early");
      TestHost.Reply refused = call(host, "GET", "/api/get_projects", token);
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(detail(refused)).contains("signing keys could not be fetched").contains("try again later");
      TestHost.Reply health = host.send("GET", "/health");
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json().at("/components/auth/detail").asText()).contains("no signing keys");
      assertThat(host.engine.users().listIds()).doesNotContain("auth0|early");

      down = false;
      clock.advance(Duration.ofSeconds(31)); // the next fetch may run once the refresh interval has passed
      assertThat(call(host, "GET", "/api/get_projects", token).status()).isEqualTo(200);
      assertThat(host.send("GET", "/health").status()).isEqualTo(200);
    }
  }

  @Test
  void aRotatedKeyIsAcceptedAndAWithdrawnOneRefusedWithoutARestart() throws Exception {
    try (TestHost host = host()) {
      RSAKey first = signing;
      String before = token(first, "auth0|rotator");
      assertThat(call(host, "GET", "/api/get_projects", before).status()).isEqualTo(200);
      assertThat(jwksRequests.get()).as("keys fetched once, at start-up").isEqualTo(1);

      // the issuer publishes a new key and signs with it from now on
      RSAKey second = newKey();
      published.add(second);
      signing = second;
      clock.advance(Duration.ofSeconds(31)); // past jwks-refresh-min-interval (30 s) since the start-up fetch
      String after = token(second, "auth0|rotator");
      TestHost.Reply rotated = call(host, "GET", "/api/get_projects", after);
      assertThat(rotated.status()).as("a token with the new key: %s", rotated.body()).isEqualTo(200);
      assertThat(jwksRequests.get()).as("the unknown key id made one refresh").isEqualTo(2);
      assertThat(call(host, "GET", "/api/get_projects", before).status()).as("the old key is still published")
          .isEqualTo(200);
      assertThat(jwksRequests.get()).isEqualTo(2);

      // the issuer withdraws the old key; keys older than jwks-max-age (10 min) are fetched again
      published.remove(first);
      clock.advance(Duration.ofMinutes(11));
      // a token with a key id nobody published joins (and waits for) the refresh its age started
      assertThat(call(host, "GET", "/api/get_projects", token(newKey(), "auth0|rotator")).status()).isEqualTo(401);
      assertThat(jwksRequests.get()).isEqualTo(3);
      TestHost.Reply withdrawn = call(host, "GET", "/api/get_projects", token(first, "auth0|rotator"));
      assertThat(withdrawn.status()).isEqualTo(401);
      assertThat(detail(withdrawn)).contains("does not publish");
      assertThat(call(host, "GET", "/api/get_projects", token(second, "auth0|rotator")).status()).isEqualTo(200);
      assertThat(host.send("GET", "/health").json().at("/components/auth/detail").asText())
          .contains("1 signing key").contains(issuer);
    }
  }
}
