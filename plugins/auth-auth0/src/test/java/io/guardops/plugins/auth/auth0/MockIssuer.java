package io.guardops.plugins.auth.auth0;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import no.nav.security.mock.oauth2.token.RequestMapping;
import no.nav.security.mock.oauth2.token.RequestMappingTokenCallback;

/**
 * mock-oauth2-server, in-process, as a real OIDC issuer: discovery, JWKS and a token endpoint that
 * runs the client-credentials flow. Its issuer {@code auth0} issues Auth0-shaped machine tokens
 * ({@code sub: <client>@clients}, {@code gty}, {@code azp}, {@code aud} from the {@code audience}
 * parameter); its issuer {@code generic} issues RFC 9068 ones ({@code sub} and {@code client_id}
 * are the client's id). Next to it, a {@link FakeIssuer} serves the management API and accepts only
 * management tokens that this server signed.
 */
final class MockIssuer implements AutoCloseable {
  static final String AUTH0 = "auth0";
  static final String GENERIC = "generic";

  final MockOAuth2Server server;
  final FakeIssuer management;

  MockIssuer(java.time.Clock clock) throws IOException, JOSEException {
    RequestMappingTokenCallback auth0 = new RequestMappingTokenCallback(AUTH0, List.of(new RequestMapping(
        "grant_type", "client_credentials", Map.of("sub", "${client_id}@clients", "aud", List.of("${audience}"),
            "gty", "client-credentials", "azp", "${client_id}"), "JWT")), 3600);
    RequestMappingTokenCallback generic = new RequestMappingTokenCallback(GENERIC, List.of(new RequestMapping(
        "grant_type", "client_credentials", Map.of("sub", "${client_id}", "aud", List.of("${audience}"),
            "client_id", "${client_id}"), "at+jwt")), 3600);
    OAuth2Config config = new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(),
        Set.of(auth0, generic), new MockWebServerWrapper());
    server = new MockOAuth2Server(config);
    server.start();
    management = new FakeIssuer(clock);
    management.managementTokenCheck = this::signedHereForManagement;
  }

  String issuer(String id) {
    return server.issuerUrl(id).toString();
  }

  String tokenEndpoint(String id) {
    return server.tokenEndpointUrl(id).toString();
  }

  /** The settings of a deployment on issuer {@code id}, management API included. */
  Map<String, String> settings(String id) {
    Map<String, String> s = new java.util.HashMap<>();
    s.put("issuer", issuer(id));
    s.put("audience", FakeIssuer.AUDIENCE);
    s.put("machine-clients", Fixtures.WEB_APP_CLIENT);
    s.put("management.client-id", Fixtures.MANAGEMENT_CLIENT);
    s.put("management.client-secret", Fixtures.MANAGEMENT_SECRET);
    s.put("management.token-endpoint", tokenEndpoint(id));
    s.put("management.audience", management.managementAudience);
    s.put("management.api-base", management.managementAudience);
    return s;
  }

  /** A user's access token as the issuer would give the web app (authorization code flow). */
  String userToken(String id, String subject, Map<String, Object> claims, long expiresInSeconds) {
    return server.issueToken(id, subject, FakeIssuer.AUDIENCE, claims, expiresInSeconds).serialize();
  }

  /** A machine token, fetched for real: client credentials at the issuer's token endpoint. */
  String clientCredentials(String id, String clientId, String secret, String audience) throws Exception {
    String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret)
        + "&audience=" + enc(audience);
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(tokenEndpoint(id)))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("token endpoint answered " + r.statusCode() + ": " + r.body());
    }
    return (String) JSONObjectUtils.parse(r.body()).get("access_token");
  }

  private boolean signedHereForManagement(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      String issuerId = URI.create(jwt.getJWTClaimsSet().getIssuer()).getPath().substring(1);
      for (JWK k : server.getConfig().getTokenProvider().publicJwkSet(issuerId).getKeys()) {
        if (jwt.verify(new RSASSAVerifier((RSAKey) k))) {
          JWTClaimsSet c = jwt.getJWTClaimsSet();
          return c.getAudience().contains(management.managementAudience)
              && c.getSubject().startsWith(Fixtures.MANAGEMENT_CLIENT)
              && c.getExpirationTime().toInstant().isAfter(Instant.now());
        }
      }
      return false;
    } catch (ParseException | JOSEException | RuntimeException e) {
      return false;
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.shutdown();
    management.close();
  }
}
