package io.guardops.host;

import static io.guardops.host.AuthCalls.call;
import static io.guardops.host.AuthCalls.detail;
import static io.guardops.host.AuthCalls.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks over HTTP on a real host in auth0 mode: forged, stale and misdirected tokens, and a valid
 * token of one user aimed at another user's projects, traces, keys and share codes. Each is refused
 * with the right status (401: not a credential of this issuer for this API; 403: a good credential
 * acting for someone else; 404: another user's resource, answered like one that does not exist;
 * 410: a used share code), and nothing in the data changes.
 */
class Auth0AttackIT {
  static final String BOB = "auth0|bob";
  static final String MALLORY = "auth0|mallory";
  static final String CAROL = "auth0|carol";

  @TempDir
  static Path dir;
  static OidcIssuer issuer;
  static TestHost host;
  static String bob;
  static String mallory;
  static String carol;
  /** Bob's project, with a trace, a member (Carol), a used and an open share code. */
  static String project;
  static String traceId;
  static String bobsKey;
  static String bobsKeyHash;
  static String usedCode;
  static String openCodeId;

  @BeforeAll
  static void start() throws Exception {
    issuer = new OidcIssuer();
    for (String u : new String[] {BOB, MALLORY, CAROL}) {
      issuer.addUser(u);
    }
    bob = issuer.userToken(BOB, "Full_Access");
    mallory = issuer.userToken(MALLORY, "Full_Access");
    carol = issuer.userToken(CAROL, "Projects");
    TestHost.pluginsDir(dir);
    host = new TestHost(dir, issuer.hostSettings());
    project = call(host, "POST", "/api/create_project?project_name=secret", bob).json().get("project_id").asText();
    bobsKey = call(host, "POST", "/api/create_key", bob).json().asText();
    assertThat(AuthCalls.otlp(host, bobsKey, project)).isTrue();
    traceId = call(host, "GET", "/api/search_traces?project_id=" + project, bob).json().at("/traces/0/trace_id")
        .asText();
    bobsKeyHash = call(host, "GET", "/api/get_keys", bob).json().at("/keys/0/hash").asText();
    usedCode = call(host, "GET", "/api/share_project?project_id=" + project, bob).json().get("share_code").asText();
    assertThat(call(host, "POST", "/api/import_project?share_code=" + enc(usedCode), carol).status()).isEqualTo(200);
    openCodeId = call(host, "GET", "/api/share_project?project_id=" + project, bob).json().get("code_id").asText();
    assertThat(call(host, "GET", "/api/get_projects", mallory).status()).isEqualTo(200);
    assertThat(traceId).startsWith("0x");
  }

  @AfterAll
  static void stop() {
    host.close();
    issuer.close();
  }

  /** Everything the attacks could touch, as the owners see it. */
  private static String state() throws Exception {
    StringBuilder sb = new StringBuilder(host.engine.users().listIds().toString());
    for (String token : new String[] {bob, mallory, carol}) {
      sb.append('\n').append(call(host, "GET", "/api/get_projects", token).body());
      sb.append('\n').append(call(host, "GET", "/api/get_keys", token).body());
    }
    for (String q : new String[] {"/api/get_project_traces?project_id=" + project,
        "/api/get_project_members?project_id=" + project,
        "/api/get_trace?project_id=" + project + "&trace_id=" + traceId}) {
      TestHost.Reply r = call(host, "GET", q, bob);
      assertThat(r.status()).as(q).isEqualTo(200);
      sb.append('\n').append(r.body());
    }
    return sb.toString();
  }

  /** Claims that make the bearer Bob with every role: what each forgery wants. */
  private static Map<String, Object> bobsClaims() {
    Map<String, Object> c = new HashMap<>();
    c.put("iss", issuer.issuer());
    c.put("sub", BOB);
    c.put("aud", List.of(OidcIssuer.AUDIENCE));
    c.put("permissions", List.of("Full_Access"));
    c.put("jti", UUID.randomUUID().toString());
    return c;
  }

  private static Map<String, Object> bobsClaims(String name, Object value) {
    Map<String, Object> c = bobsClaims();
    c.put(name, value);
    return c;
  }

  private static String signed(RSAKey key, Map<String, Object> claims) throws Exception {
    Map<String, Object> c = new HashMap<>(claims);
    c.put("exp", secs(Instant.now().plusSeconds(3600)));
    c.put("iat", secs(Instant.now()));
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), JWTClaimsSet.parse(c));
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  /** A JWT time claim: seconds since the epoch. */
  private static long secs(Instant t) {
    return t.getEpochSecond();
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void forgedStaleAndMisdirectedTokensAreRefusedWith401AndChangeNothing() throws Exception {
    Instant now = Instant.now();
    RSAKey published = issuer.publicKey();
    Map<String, String> attacks = new LinkedHashMap<>();
    Map<String, String> reasons = new LinkedHashMap<>();

    attacks.put("alg none", new PlainJWT(JWTClaimsSet.parse(bobsClaims("exp",
        secs(now.plusSeconds(3600))))).serialize());
    reasons.put("alg none", "alg none");

    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(),
        JWTClaimsSet.parse(bobsClaims("exp", secs(now.plusSeconds(3600)))));
    hmac.sign(new MACSigner(published.toRSAPublicKey().getEncoded()));
    attacks.put("HS256 keyed with the issuer's public key", hmac.serialize());
    reasons.put("HS256 keyed with the issuer's public key", "token algorithm HS256 is not accepted");

    Map<String, Object> expired = bobsClaims("exp", secs(now.minusSeconds(300)));
    expired.put("iat", secs(now.minusSeconds(3900)));
    expired.put("nbf", secs(now.minusSeconds(3900)));
    attacks.put("expired", issuer.signedByIssuer(expired));
    reasons.put("expired", "expired");

    attacks.put("not yet valid", issuer.signedByIssuer(bobsClaims("nbf", secs(now.plusSeconds(300)))));
    reasons.put("not yet valid", "not valid yet");

    attacks.put("wrong audience", issuer.signedByIssuer(bobsClaims("aud", List.of("https://another.api.test"))));
    reasons.put("wrong audience", "audience does not include " + OidcIssuer.AUDIENCE);

    attacks.put("wrong issuer", issuer.signedByIssuer(bobsClaims("iss", issuer.server.issuerUrl("other-tenant")
        .toString())));
    reasons.put("wrong issuer", "was not issued by " + issuer.issuer());

    attacks.put("another tenant of the same server", issuer.server.issueToken("other-tenant", BOB,
        OidcIssuer.AUDIENCE, Map.of("permissions", List.of("Full_Access")), 3600).serialize());
    reasons.put("another tenant of the same server", "does not publish");

    // Mallory's real token with Bob's claims pasted in: the signature no longer matches
    String[] parts = issuer.userToken(MALLORY, "Projects").split("\\.");
    attacks.put("tampered payload", parts[0] + "." + b64("{\"iss\":\"" + issuer.issuer() + "\",\"sub\":\"" + BOB
        + "\",\"aud\":[\"" + OidcIssuer.AUDIENCE + "\"],\"permissions\":[\"Full_Access\"],\"exp\":"
        + now.plusSeconds(3600).getEpochSecond() + "}") + "." + parts[2]);
    reasons.put("tampered payload", "signature is not valid");

    attacks.put("unknown key", signed(new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate(),
        bobsClaims("sub", "auth0|newcomer")));
    reasons.put("unknown key", "does not publish");

    attacks.put("another key under the issuer's kid", signed(new RSAKeyGenerator(2048)
        .keyID(published.getKeyID()).generate(), bobsClaims()));
    reasons.put("another key under the issuer's kid", "signature is not valid");

    String before = state();
    for (Map.Entry<String, String> attack : attacks.entrySet()) {
      String token = attack.getValue();
      for (String[] c : new String[][] {
          {"DELETE", "/api/delete_project?project_id=" + project + "&cascade=true"},
          {"POST", "/api/create_project?project_name=pwned"},
          {"GET", "/api/get_projects?user_id=" + enc(BOB)},
          {"DELETE", "/api/delete_key?key_hash=" + bobsKeyHash},
          {"GET", "/api/get_userids"}}) {
        TestHost.Reply r = call(host, c[0], c[1], token);
        assertThat(r.status()).as("%s: %s %s -> %s", attack.getKey(), c[0], c[1], r.body()).isEqualTo(401);
        assertThat(detail(r)).as(attack.getKey()).contains(reasons.get(attack.getKey())).doesNotContain(token);
      }
    }
    assertThat(state()).as("nothing changed").isEqualTo(before);
    // the baseline: Bob's real token is accepted
    assertThat(call(host, "GET", "/api/get_projects", bob).status()).isEqualTo(200);
  }

  @Test
  void aValidTokenOfOneUserReachesNothingOfAnother() throws Exception {
    String before = state();
    String p = "project_id=" + project;
    String[][] notFound = {
        {"GET", "/api/get_project_traces?" + p},
        {"GET", "/api/search_traces?" + p},
        {"GET", "/api/get_trace?" + p + "&trace_id=" + traceId},
        {"GET", "/api/get_metrics?" + p},
        {"GET", "/api/get_data_for_traces_viz?" + p},
        {"GET", "/api/get_thresholds_for_viz?" + p},
        {"GET", "/api/get_cleanup_records?" + p},
        {"PATCH", "/api/update_project?" + p + "&project_name=mine"},
        {"DELETE", "/api/delete_project?" + p + "&cascade=true"},
        {"GET", "/api/share_project?" + p},
        {"GET", "/api/get_project_members?" + p},
        {"DELETE", "/api/remove_project_member?" + p + "&member_id=" + enc(CAROL)},
        {"DELETE", "/api/revoke_share_code?" + p + "&code_id=" + openCodeId},
        {"DELETE", "/api/leave_project?" + p},
        {"DELETE", "/api/delete_key?key_hash=" + bobsKeyHash},
        {"POST", "/api/import_project?share_code=" + enc("gsp-" + openCodeId)},
    };
    for (String[] c : notFound) {
      TestHost.Reply r = call(host, c[0], c[1], mallory);
      assertThat(r.status()).as("%s %s -> %s", c[0], c[1], r.body()).isEqualTo(404);
      // answered like an id that does not exist: nothing says whose it is
      assertThat(detail(r)).containsAnyOf("not found", "no such", "unknown").doesNotContain(BOB);
    }
    // Mallory's token acting for Bob, on any route
    for (String[] c : new String[][] {
        {"GET", "/api/get_projects?user_id=" + enc(BOB)},
        {"GET", "/api/get_project_traces?" + p + "&user_id=" + enc(BOB)},
        {"DELETE", "/api/delete_key?key_hash=" + bobsKeyHash + "&user_id=" + enc(BOB)},
        {"POST", "/api/create_user?user_id=" + enc(BOB)}}) {
      TestHost.Reply r = call(host, c[0], c[1], mallory);
      assertThat(r.status()).as("%s %s -> %s", c[0], c[1], r.body()).isEqualTo(403);
      assertThat(detail(r)).contains("cannot act for user_id '" + BOB + "'");
    }
    // the share code Carol redeemed is spent
    TestHost.Reply used = call(host, "POST", "/api/import_project?share_code=" + enc(usedCode), mallory);
    assertThat(used.status()).isEqualTo(410);
    assertThat(detail(used)).contains("already used");
    // Mallory's own API key cannot send into Bob's project
    String mallorysKey = call(host, "POST", "/api/create_key", mallory).json().asText();
    assertThat(AuthCalls.otlp(host, mallorysKey, project)).isFalse();
    String mallorysHash = call(host, "GET", "/api/get_keys", mallory).json().at("/keys/0/hash").asText();
    assertThat(call(host, "DELETE", "/api/delete_key?key_hash=" + mallorysHash, mallory).status()).isEqualTo(200);

    assertThat(state()).as("nothing of Bob's changed").isEqualTo(before);
    // Bob's key, which Mallory tried to delete, still sends
    assertThat(AuthCalls.otlp(host, bobsKey, project)).isTrue();
  }
}
