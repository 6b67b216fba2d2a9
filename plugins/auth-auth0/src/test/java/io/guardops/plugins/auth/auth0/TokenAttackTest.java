package io.guardops.plugins.auth.auth0;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.tck.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forged, replayed and misdirected tokens, each refused with the right status (401: bad token; 403:
 * good token, not allowed) and a reason that helps and never repeats the token.
 */
class TokenAttackTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  FakeIssuer issuer;
  MapTokenCache cache;
  Authenticator auth;

  @BeforeEach
  void start() throws Exception {
    issuer = new FakeIssuer(clock);
    cache = new MapTokenCache(clock);
    Map<String, String> settings = Fixtures.auth0(issuer);
    settings.put("machine-roles", "Monitoring");
    auth = Fixtures.authenticator(settings, clock, cache);
    issuer.addUser("github|1", "Projects");
  }

  @AfterEach
  void stop() {
    auth.close();
    issuer.close();
  }

  private AuthResult unauthenticated(String token, String reasonPart) {
    AuthResult r = auth.authenticate(new Credentials(token, null, "10.0.0.9"));
    assertThat(r.status()).as("%s", r).isEqualTo(AuthResult.Status.UNAUTHENTICATED);
    assertThat(r.reason()).contains(reasonPart);
    if (token != null && !token.isBlank()) {
      assertThat(r.reason()).doesNotContain(token);
    }
    return r;
  }

  @Test
  void theBaselineIsAccepted() {
    AuthResult r = auth.authenticate(new Credentials(issuer.userToken("github|1", "Projects", "read:traces"), null, null));
    assertThat(r.isAuthenticated()).as("%s", r).isTrue();
    assertThat(r.caller().kind()).isEqualTo(Caller.Kind.USER_TOKEN);
    assertThat(r.caller().userId()).isEqualTo("github|1");
    assertThat(r.caller().roles()).containsExactly(Role.PROJECTS);
  }

  @Test
  void algNoneIsRefused() {
    JWTClaimsSet claims = issuer.claims("github|1").claim("permissions", List.of("Full_Access")).build();
    unauthenticated(new PlainJWT(claims).serialize(), "alg none");
    // the same, spelled in capitals, with a signature part that is not empty
    String header = b64("{\"alg\":\"NONE\",\"kid\":\"" + issuer.signingKey().getKeyID() + "\"}");
    String forged = header + "." + claims.toPayload().toBase64URL() + "." + b64("sig");
    unauthenticated(forged, "not accepted");
  }

  @Test
  void hs256SignedWithTheIssuersPublicKeyIsRefused() throws Exception {
    JWTClaimsSet claims = issuer.claims("github|1").claim("permissions", List.of("Full_Access")).build();
    RSAKey pub = issuer.signingKey().toPublicJWK();
    // the classic confusion attack: the public key, in every form a verifier might use, as the HMAC secret
    byte[][] secrets = {pub.toRSAPublicKey().getEncoded(), pem(pub).getBytes(StandardCharsets.US_ASCII),
        pub.toJSONString().getBytes(StandardCharsets.UTF_8)};
    for (byte[] secret : secrets) {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(pub.getKeyID()).build(), claims);
      jwt.sign(new MACSigner(secret));
      AuthResult r = unauthenticated(jwt.serialize(), "token algorithm HS256 is not accepted");
      assertThat(r.reason()).contains("RS256");
    }
  }

  @Test
  void expiredTokensAreRefusedBeyondTheClockSkew() {
    String expired = issuer.sign(issuer.claims("github|1").expirationTime(Date.from(clock.instant().minusSeconds(61)))
        .build());
    unauthenticated(expired, "expired");
    String withinSkew = issuer.sign(issuer.claims("github|1")
        .expirationTime(Date.from(clock.instant().minusSeconds(59))).build());
    assertThat(auth.authenticate(new Credentials(withinSkew, null, null)).isAuthenticated()).isTrue();
    String noExpiry = issuer.sign(issuer.claims("github|1").expirationTime(null).build());
    unauthenticated(noExpiry, "no expiry");
  }

  @Test
  void notYetValidTokensAreRefused() {
    String early = issuer.sign(issuer.claims("github|1").notBeforeTime(Date.from(clock.instant().plusSeconds(300)))
        .build());
    unauthenticated(early, "not valid yet");
    String future = issuer.sign(issuer.claims("github|1").issueTime(Date.from(clock.instant().plusSeconds(300)))
        .build());
    unauthenticated(future, "issued in the future");
  }

  @Test
  void aTokenForAnotherApiIsRefused() {
    String other = issuer.sign(issuer.claims("github|1").audience("https://another-api.example").build());
    unauthenticated(other, "audience does not include " + FakeIssuer.AUDIENCE);
    String none = issuer.sign(issuer.claims("github|1").audience((String) null).build());
    unauthenticated(none, "audience does not include");
  }

  @Test
  void aTokenOfAnotherIssuerIsRefusedEvenWithAGoodSignature() {
    String other = issuer.sign(issuer.claims("github|1").issuer("https://evil.example/").build());
    unauthenticated(other, "not issued by " + issuer.issuer());
    String noSlash = issuer.sign(issuer.claims("github|1").issuer(issuer.issuer().replaceAll("/$", "")).build());
    unauthenticated(noSlash, "not issued by");
  }

  @Test
  void aTamperedPayloadIsRefused() {
    String mine = issuer.userToken("github|2", "Playground");
    String admin = issuer.userToken("github|1", "Full_Access");
    String[] m = mine.split("\\.");
    String[] a = admin.split("\\.");
    // a valid signature of another payload
    unauthenticated(m[0] + "." + a[1] + "." + m[2], "signature is not valid");
    // the payload edited by hand
    String edited = new String(Base64.getUrlDecoder().decode(m[1]), StandardCharsets.UTF_8)
        .replace("Playground", "Full_Access");
    unauthenticated(m[0] + "." + b64(edited) + "." + m[2], "signature is not valid");
    // no signature at all
    unauthenticated(m[0] + "." + m[1] + ".", "not signed");
  }

  @Test
  void anUnknownKeyIsRefusedAndRefreshesTheKeysAtMostOncePerInterval() throws Exception {
    int before = issuer.jwksRequests.get();
    clock.advance(Duration.ofSeconds(31));
    RSAKey stranger = FakeIssuer.newKey();
    JWTClaimsSet claims = issuer.claims("github|1").build();
    unauthenticated(FakeIssuer.sign(stranger, JWSAlgorithm.RS256, claims), "key the issuer does not publish");
    assertThat(issuer.jwksRequests.get()).as("one refresh for the unknown kid").isEqualTo(before + 1);
    for (int i = 0; i < 20; i++) {
      RSAKey another = new RSAKey.Builder(stranger).keyID("kid-" + i).build();
      unauthenticated(FakeIssuer.sign(another, JWSAlgorithm.RS256, claims), "does not publish");
    }
    assertThat(issuer.jwksRequests.get()).as("unknown kids cannot make us hammer the issuer").isEqualTo(before + 1);
  }

  @Test
  void aKeyThatIsNotTheIssuersIsRefused() throws Exception {
    JWTClaimsSet claims = issuer.claims("github|1").claim("permissions", List.of("Full_Access")).build();
    RSAKey attacker = FakeIssuer.newKey();
    // self-signed, with a kid the issuer does not have, the attacker's key embedded in the header
    SignedJWT embedded = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(attacker.getKeyID())
        .jwk(attacker.toPublicJWK()).build(), claims);
    embedded.sign(new RSASSASigner(attacker));
    unauthenticated(embedded.serialize(), "does not publish");
    // self-signed, claiming the issuer's kid (and pointing at a key URL of its own)
    SignedJWT spoofed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(issuer.signingKey().getKeyID())
        .jwkURL(java.net.URI.create("https://evil.example/jwks.json")).build(), claims);
    spoofed.sign(new RSASSASigner(attacker));
    unauthenticated(spoofed.serialize(), "signature is not valid");
    // an EC key under the issuer's (RSA) kid: no key of that family has that id
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID(issuer.signingKey().getKeyID()).generate();
    SignedJWT ecToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims);
    ecToken.sign(new ECDSASigner(ec));
    unauthenticated(ecToken.serialize(), "ES256 is not accepted");
  }

  @Test
  void anAlgorithmOutsideTheConfiguredListIsRefusedEvenWithTheIssuersKey() {
    String rs512 = FakeIssuer.sign(issuer.signingKey(), JWSAlgorithm.RS512, issuer.claims("github|1").build());
    unauthenticated(rs512, "RS512 is not accepted");
    String ps256 = FakeIssuer.sign(issuer.signingKey(), JWSAlgorithm.PS256, issuer.claims("github|1").build());
    unauthenticated(ps256, "PS256 is not accepted");
  }

  @Test
  void criticalHeadersAndOtherTokenTypesAreRefused() throws Exception {
    JWTClaimsSet claims = issuer.claims("github|1").build();
    SignedJWT crit = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(issuer.signingKey().getKeyID())
        .criticalParams(Set.of("exp")).build(), claims);
    crit.sign(new RSASSASigner(issuer.signingKey()));
    unauthenticated(crit.serialize(), "critical header");
    SignedJWT logout = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(issuer.signingKey().getKeyID())
        .type(new JOSEObjectType("logout+jwt")).build(), claims);
    logout.sign(new RSASSASigner(issuer.signingKey()));
    unauthenticated(logout.serialize(), "not an access token");
    SignedJWT at = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(issuer.signingKey().getKeyID())
        .type(new JOSEObjectType("at+jwt")).build(), claims);
    at.sign(new RSASSASigner(issuer.signingKey()));
    assertThat(auth.authenticate(new Credentials(at.serialize(), null, null)).isAuthenticated())
        .as("RFC 9068 access tokens are fine").isTrue();
  }

  @Test
  void garbageIsUnauthenticated() {
    unauthenticated(null, "no bearer token");
    unauthenticated("   ", "no bearer token");
    unauthenticated("not-a-jwt-at-all", "not a JWT");
    unauthenticated("a.b.c", "not a JWT");
    unauthenticated("x".repeat(20_000), "longer than");
    String noSub = issuer.sign(issuer.claims(null).build());
    unauthenticated(noSub, "no subject");
    String badExp = issuer.sign(issuer.claims("github|1").claim("exp", "tomorrow").build());
    unauthenticated(badExp, "malformed");
  }

  @Test
  void userAActingAsUserBIsForbidden() {
    String alice = issuer.userToken("github|1", "Full_Access");
    AuthResult r = auth.authenticate(new Credentials(alice, "github|2", null));
    assertThat(r.status()).isEqualTo(AuthResult.Status.FORBIDDEN);
    assertThat(r.reason()).contains("github|1").contains("github|2").contains("own user").doesNotContain(alice);
    assertThat(auth.authenticate(new Credentials(alice, "github|1", null)).caller().userId()).isEqualTo("github|1");
    assertThat(auth.authenticate(new Credentials(alice, "", null)).caller().userId()).isEqualTo("github|1");
  }

  @Test
  void aMachineClientThatIsNotAllowListedCannotActForAUser() {
    String other = issuer.machineToken(Fixtures.OTHER_CLIENT);
    AuthResult r = auth.authenticate(new Credentials(other, "github|1", null));
    assertThat(r.status()).isEqualTo(AuthResult.Status.FORBIDDEN);
    assertThat(r.reason()).contains(Fixtures.OTHER_CLIENT).contains("machine-clients").doesNotContain(other);
    assertThat(issuer.rolesRequests).as("refused before asking the management API").hasValue(0);

    AuthResult nobody = auth.authenticate(new Credentials(other, null, null));
    assertThat(nobody.isAuthenticated()).isTrue();
    assertThat(nobody.caller()).isEqualTo(Caller.machineClient(Fixtures.OTHER_CLIENT, null, Set.of(Role.MONITORING)));

    AuthResult allowed = auth.authenticate(new Credentials(issuer.machineToken(Fixtures.WEB_APP_CLIENT), "github|1",
        null));
    assertThat(allowed.caller()).isEqualTo(Caller.machineClient(Fixtures.WEB_APP_CLIENT, "github|1",
        Set.of(Role.PROJECTS)));
  }

  private static String b64(String s) {
    return Base64URL.encode(s.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String pem(RSAKey key) throws Exception {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.toRSAPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }
}
