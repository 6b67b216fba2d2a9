package io.guardops.host;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import no.nav.security.mock.oauth2.token.RequestMapping;
import no.nav.security.mock.oauth2.token.RequestMappingTokenCallback;

/**
 * The identity provider of the auth0 integration tests, all local and real over HTTP.
 *
 * <ul>
 *   <li><b>mock-oauth2-server</b> in-process as the OIDC issuer {@value #TENANT}: discovery, JWKS, and a
 *       token endpoint running the client-credentials flow, which issues Auth0-shaped machine tokens
 *       ({@code sub: <client>@clients}, {@code gty}, {@code azp}, {@code aud} from the {@code audience}
 *       parameter). It runs on its Netty transport: its MockWebServer transport needs okhttp 4, which
 *       cannot share a class path with the OpenTelemetry exporter's okhttp 5 (see host-app's pom).</li>
 *   <li><b>Auth0's Management API v2</b> role endpoints ({@code GET/POST /api/v2/users/{id}/roles}) on
 *       a JDK HTTP server, which mock-oauth2-server does not have. It accepts only management tokens
 *       that the issuer signed for the management audience and the management client, and counts
 *       what it is asked.</li>
 * </ul>
 */
final class OidcIssuer implements AutoCloseable {
  static final String TENANT = "tenant";
  static final String AUDIENCE = "https://api.guardops.test";
  static final String MANAGEMENT_CLIENT = "mgmt-client";
  static final String MANAGEMENT_SECRET = "mgmt-secret-value-1234";
  /** The web app's backend: allow-listed to act for users. */
  static final String WEB_APP_CLIENT = "webapp-m2m";
  /** Another machine client of the tenant, not allow-listed. */
  static final String OTHER_CLIENT = "other-m2m";
  /** The role id new users get ({@code default-role-id}). */
  static final String DEFAULT_ROLE_ID = "rol_playground";
  private static final Map<String, String> ROLE_NAMES = Map.of("rol_projects", "Projects", "rol_datasets", "Datasets",
      "rol_evaluation", "Evaluation", "rol_monitoring", "Monitoring", "rol_playground", "Playground",
      "rol_full", "Full_Access", "rol_billing", "Billing Admin");

  final MockOAuth2Server server;
  private final HttpServer management;
  private final ExecutorService managementThreads;
  /** Base URL of the management API, also the management token's audience (as with Auth0). */
  final String managementBase;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final Map<String, AtomicInteger> tokensIssued = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> userRoleIds = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> roleReads = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> roleAssignments = new ConcurrentHashMap<>();
  private final Set<String> managementTokensSeen = ConcurrentHashMap.newKeySet();
  /** Non-zero: the management API answers every call with this status (an outage, a rate limit). */
  volatile int managementStatus;

  OidcIssuer() throws IOException {
    OAuth2Config config = new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(),
        Set.of(new Auth0MachineTokens()), new NettyWrapper());
    server = new MockOAuth2Server(config);
    server.start();
    management = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    managementBase = "http://127.0.0.1:" + management.getAddress().getPort() + "/api/v2/";
    management.createContext("/api/v2/users/", this::users);
    managementThreads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "management-api");
      t.setDaemon(true);
      return t;
    });
    management.setExecutor(managementThreads);
    management.start();
  }

  String issuer() {
    return server.issuerUrl(TENANT).toString();
  }

  String tokenEndpoint() {
    return server.tokenEndpointUrl(TENANT).toString();
  }

  /** The settings of an auth0-mode host against this issuer, with the management API and a default role. */
  Map<String, String> hostSettings() {
    Map<String, String> s = new HashMap<>();
    String p = "guardops.auth.auth0.";
    s.put("guardops.auth", "auth0");
    s.put(p + "issuer", issuer());
    s.put(p + "audience", AUDIENCE);
    s.put(p + "machine-clients", WEB_APP_CLIENT);
    s.put(p + "management.client-id", MANAGEMENT_CLIENT);
    s.put(p + "management.client-secret", MANAGEMENT_SECRET);
    s.put(p + "management.token-endpoint", tokenEndpoint());
    s.put(p + "management.audience", managementBase);
    s.put(p + "management.api-base", managementBase);
    s.put(p + "default-role-id", DEFAULT_ROLE_ID);
    return s;
  }

  // ---------------------------------------------------------------- tokens

  /** A user's access token for the GuardOps API, as a login would give the web console. */
  String userToken(String subject, String... roles) {
    return server.issueToken(TENANT, subject, AUDIENCE, Map.of("permissions", List.of(roles)), 3600).serialize();
  }

  /** Any claims, signed with the issuer's real key ({@code iat}, {@code nbf}, {@code exp} default to now / +1 h). */
  String signedByIssuer(Map<String, Object> claims) {
    return server.getConfig().getTokenProvider().jwt(claims, Duration.ofHours(1), TENANT).serialize();
  }

  /** The issuer's current signing key (public part). */
  RSAKey publicKey() {
    return (RSAKey) server.getConfig().getTokenProvider().publicJwkSet(TENANT).getKeys().get(0);
  }

  /** A machine token, fetched for real: client credentials at the issuer's token endpoint. */
  String clientCredentials(String clientId, String audience) throws Exception {
    String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(clientId
        + "-secret") + "&audience=" + enc(audience);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(tokenEndpoint()))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("token endpoint answered " + r.statusCode() + ": " + r.body());
    }
    return (String) JSONObjectUtils.parse(r.body()).get("access_token");
  }

  /** How many tokens the token endpoint issued to {@code clientId}. */
  int tokensIssuedTo(String clientId) {
    AtomicInteger n = tokensIssued.get(clientId);
    return n == null ? 0 : n.get();
  }

  /** Auth0's client-credentials token shape, counting the tokens issued per client. */
  private final class Auth0MachineTokens implements OAuth2TokenCallback {
    private final RequestMappingTokenCallback shape = new RequestMappingTokenCallback(TENANT, List.of(
        new RequestMapping("grant_type", "client_credentials", Map.of("sub", "${client_id}@clients",
            "aud", List.of("${audience}"), "gty", "client-credentials", "azp", "${client_id}"), "JWT")), 3600);

    @Override
    public String issuerId() {
      return TENANT;
    }

    @Override
    public String subject(TokenRequest request) {
      return shape.subject(request);
    }

    @Override
    public String typeHeader(TokenRequest request) {
      return shape.typeHeader(request);
    }

    @Override
    public List<String> audience(TokenRequest request) {
      return shape.audience(request);
    }

    @Override
    public Map<String, Object> addClaims(TokenRequest request) {
      // called once per token issued
      String client = request.getClientAuthentication() != null
          ? request.getClientAuthentication().getClientID().getValue() : String.valueOf(request.getClientID());
      tokensIssued.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet();
      return shape.addClaims(request);
    }

    @Override
    public long tokenExpiry() {
      return shape.tokenExpiry();
    }
  }

  // ---------------------------------------------------------------- management API

  /** A user the tenant knows, with roles by name (such as {@code Projects}). */
  void addUser(String userId, String... roleNames) {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    for (String name : roleNames) {
      ids.add(ROLE_NAMES.entrySet().stream().filter(e -> e.getValue().equals(name)).findFirst().orElseThrow().getKey());
    }
    userRoleIds.put(userId, ids);
  }

  /** The role ids the tenant has for {@code userId}. */
  Set<String> roleIdsOf(String userId) {
    return Set.copyOf(userRoleIds.getOrDefault(userId, Set.of()));
  }

  /** How often the roles of {@code userId} were read. */
  int roleReads(String userId) {
    AtomicInteger n = roleReads.get(userId);
    return n == null ? 0 : n.get();
  }

  /** How often a role was assigned to {@code userId}. */
  int roleAssignments(String userId) {
    AtomicInteger n = roleAssignments.get(userId);
    return n == null ? 0 : n.get();
  }

  /** The distinct management tokens the API was called with. */
  Set<String> managementTokensSeen() {
    return Set.copyOf(managementTokensSeen);
  }

  private void users(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getRawPath();
    String[] parts = path.substring("/api/v2/users/".length()).split("/");
    if (parts.length != 2 || !parts[1].equals("roles")) {
      send(x, 404, "{\"statusCode\":404,\"message\":\"no such endpoint\"}");
      return;
    }
    String userId = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
    boolean post = x.getRequestMethod().equals("POST");
    String auth = x.getRequestHeaders().getFirst("Authorization");
    String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
    if (token == null || !issuedHereForManagement(token)) {
      send(x, 401, "{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"Invalid token\"}");
      return;
    }
    managementTokensSeen.add(token);
    (post ? roleAssignments : roleReads).computeIfAbsent(userId, u -> new AtomicInteger()).incrementAndGet();
    if (managementStatus != 0) {
      send(x, managementStatus, "{\"statusCode\":" + managementStatus + ",\"error\":\"Too Many Requests\","
          + "\"message\":\"Global limit has been reached\"}");
      return;
    }
    Set<String> ids = userRoleIds.get(userId);
    if (ids == null) {
      send(x, 404, "{\"statusCode\":404,\"error\":\"Not Found\",\"message\":\"The user does not exist.\"}");
      return;
    }
    if (post) {
      try {
        Map<String, Object> body = JSONObjectUtils.parse(new String(x.getRequestBody().readAllBytes(),
            StandardCharsets.UTF_8));
        for (Object id : (List<?>) body.get("roles")) {
          if (!ROLE_NAMES.containsKey((String) id)) {
            send(x, 404, "{\"statusCode\":404,\"message\":\"The role does not exist.\"}");
            return;
          }
          ids.add((String) id);
        }
      } catch (ParseException | RuntimeException e) {
        send(x, 400, "{\"statusCode\":400,\"message\":\"Payload validation error\"}");
        return;
      }
      send(x, 204, null);
      return;
    }
    List<Object> out = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      Map<String, Object> role = new LinkedHashMap<>();
      role.put("id", id);
      role.put("name", ROLE_NAMES.get(id));
      role.put("description", "");
      out.add(role);
    }
    send(x, 200, JSONArrayUtils.toJSONString(out));
  }

  /** What Auth0 checks: signed by this issuer's key, for the management audience, for the management client, live. */
  private boolean issuedHereForManagement(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      JWK key = server.getConfig().getTokenProvider().publicJwkSet(TENANT).getKeyByKeyId(jwt.getHeader().getKeyID());
      if (!(key instanceof RSAKey rsa) || !jwt.verify(new RSASSAVerifier(rsa))) {
        return false;
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      return issuer().equals(c.getIssuer()) && c.getAudience().contains(managementBase)
          && MANAGEMENT_CLIENT.equals(c.getStringClaim("azp"))
          && c.getExpirationTime().toInstant().isAfter(Instant.now());
    } catch (ParseException | JOSEException | RuntimeException e) {
      return false;
    }
  }

  private static void send(HttpExchange x, int status, String body) throws IOException {
    if (body == null) {
      x.sendResponseHeaders(status, -1);
      x.close();
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.shutdown();
    management.stop(0);
    managementThreads.shutdownNow();
  }
}
