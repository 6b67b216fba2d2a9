package io.guardops.plugins.auth.auth0;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An Auth0-shaped issuer on a real local HTTP server (the JDK's), for what mock-oauth2-server does
 * not let a test control: OIDC discovery, a JWKS whose keys the test rotates or takes down, a
 * client-credentials token endpoint, and the Management API v2 role endpoints with their data.
 * Tokens are signed with real RSA keys; the management API checks the tokens it is given.
 */
final class FakeIssuer implements AutoCloseable {
  static final String AUDIENCE = "https://api.guardops.test";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  final String base;

  // issuer
  private volatile RSAKey signingKey;
  private final List<RSAKey> published = new CopyOnWriteArrayList<>();
  volatile boolean discoveryDown;
  /** The issuer the discovery document names; another value makes it a document for another issuer. */
  volatile String discoveryIssuer;
  volatile boolean jwksDown;
  volatile Duration jwksDelay = Duration.ZERO;
  final AtomicInteger discoveryRequests = new AtomicInteger();
  final AtomicInteger jwksRequests = new AtomicInteger();

  // token endpoint
  private final Map<String, String> clients = new ConcurrentHashMap<>();
  volatile long expiresIn = 86_400;
  final AtomicInteger tokenRequests = new AtomicInteger();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  private final List<String> issued = new CopyOnWriteArrayList<>();

  // management API
  final String managementAudience;
  private final Map<String, String> roleNames = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> userRoleIds = new ConcurrentHashMap<>();
  volatile int managementStatus; // 0: answer normally
  volatile Predicate<String> managementTokenCheck;
  final AtomicInteger rolesRequests = new AtomicInteger();
  final AtomicInteger assignRequests = new AtomicInteger();
  final List<String> managementPaths = new CopyOnWriteArrayList<>();

  FakeIssuer(Clock clock) throws IOException, JOSEException {
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    this.base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    this.managementAudience = base + "api/v2/";
    this.discoveryIssuer = base;
    this.signingKey = newKey();
    published.add(signingKey);
    this.managementTokenCheck = this::isOwnManagementToken;
    server.createContext("/.well-known/openid-configuration", this::discovery);
    server.createContext("/.well-known/jwks.json", this::jwks);
    server.createContext("/oauth/token", this::token);
    server.createContext("/api/v2/users/", this::users);
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-issuer");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    for (String[] role : new String[][] {{"rol_projects", "Projects"}, {"rol_datasets", "Datasets"},
        {"rol_evaluation", "Evaluation"}, {"rol_monitoring", "Monitoring"}, {"rol_playground", "Playground"},
        {"rol_full", "Full_Access"}, {"rol_other", "Billing Admin"}}) {
      roleNames.put(role[0], role[1]);
    }
  }

  String issuer() {
    return base;
  }

  String jwksUri() {
    return base + ".well-known/jwks.json";
  }

  static RSAKey newKey() throws JOSEException {
    return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
  }

  RSAKey signingKey() {
    return signingKey;
  }

  /** Publishes a new key next to the old one and signs with it from now on (a rotation). */
  RSAKey rotate() throws JOSEException {
    RSAKey next = newKey();
    published.add(next);
    signingKey = next;
    return next;
  }

  /** Stops publishing {@code key} (a revoked key). */
  void withdraw(RSAKey key) {
    published.removeIf(k -> k.getKeyID().equals(key.getKeyID()));
  }

  void registerClient(String clientId, String secret) {
    clients.put(clientId, secret);
  }

  /** A user with the given roles (by name, such as {@code Projects}); unknown to the API until then. */
  void addUser(String userId, String... roles) {
    Set<String> ids = new LinkedHashSet<>();
    for (String name : roles) {
      ids.add(roleNames.entrySet().stream().filter(e -> e.getValue().equals(name)).findFirst().orElseThrow().getKey());
    }
    userRoleIds.put(userId, ids);
  }

  Set<String> roleIdsOf(String userId) {
    return userRoleIds.getOrDefault(userId, Set.of());
  }

  /** Makes every management token issued so far invalid at the management API. */
  void revokeIssuedTokens() {
    revoked.addAll(issued);
  }

  // ---- tokens

  JWTClaimsSet.Builder claims(String subject) {
    Date now = Date.from(clock.instant());
    return new JWTClaimsSet.Builder().issuer(base).subject(subject).audience(List.of(AUDIENCE, base + "userinfo"))
        .issueTime(now).notBeforeTime(now).expirationTime(Date.from(clock.instant().plusSeconds(3600)))
        .jwtID(UUID.randomUUID().toString());
  }

  /** An Auth0 user access token with RBAC permissions. */
  String userToken(String subject, String... permissions) {
    return sign(claims(subject).claim("azp", "spa-client").claim("scope", "openid profile")
        .claim("permissions", List.of(permissions)).build());
  }

  /** An Auth0 client-credentials token, as its token endpoint would issue it. */
  String machineToken(String clientId) {
    return sign(machineClaims(clientId, AUDIENCE).build());
  }

  JWTClaimsSet.Builder machineClaims(String clientId, String audience) {
    Date now = Date.from(clock.instant());
    return new JWTClaimsSet.Builder().issuer(base).subject(clientId + "@clients").audience(audience)
        .issueTime(now).expirationTime(Date.from(clock.instant().plusSeconds(expiresIn)))
        .claim("azp", clientId).claim("gty", "client-credentials").jwtID(UUID.randomUUID().toString());
  }

  String sign(JWTClaimsSet claims) {
    return sign(signingKey, JWSAlgorithm.RS256, claims);
  }

  static String sign(RSAKey key, JWSAlgorithm alg, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
          claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- handlers

  private void discovery(HttpExchange x) throws IOException {
    discoveryRequests.incrementAndGet();
    if (discoveryDown) {
      send(x, 503, "{\"error\":\"down\"}");
      return;
    }
    send(x, 200, JSONObjectUtils.toJSONString(Map.of("issuer", discoveryIssuer, "jwks_uri", jwksUri(),
        "token_endpoint", base + "oauth/token", "id_token_signing_alg_values_supported", List.of("RS256"))));
  }

  private void jwks(HttpExchange x) throws IOException {
    jwksRequests.incrementAndGet();
    if (!jwksDelay.isZero()) {
      try {
        Thread.sleep(jwksDelay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (jwksDown) {
      send(x, 503, "{\"error\":\"temporarily unavailable\"}");
      return;
    }
    List<JWK> keys = new ArrayList<>();
    published.forEach(k -> keys.add(k.toPublicJWK()));
    send(x, 200, new JWKSet(keys).toString());
  }

  private void token(HttpExchange x) throws IOException {
    tokenRequests.incrementAndGet();
    Map<String, String> form = form(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String clientId = form.get("client_id");
    if (!"client_credentials".equals(form.get("grant_type"))) {
      send(x, 400, "{\"error\":\"unsupported_grant_type\"}");
      return;
    }
    if (clientId == null || !form.getOrDefault("client_secret", "").equals(clients.get(clientId))) {
      send(x, 401, "{\"error\":\"access_denied\",\"error_description\":\"Unauthorized\"}");
      return;
    }
    String token = sign(machineClaims(clientId, form.getOrDefault("audience", AUDIENCE)).build());
    issued.add(token);
    send(x, 200, JSONObjectUtils.toJSONString(Map.of("access_token", token, "expires_in", expiresIn,
        "token_type", "Bearer")));
  }

  private void users(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getRawPath();
    managementPaths.add(path + (x.getRequestURI().getRawQuery() == null ? "" : "?" + x.getRequestURI().getRawQuery()));
    String[] parts = path.substring("/api/v2/users/".length()).split("/");
    if (parts.length != 2 || !parts[1].equals("roles")) {
      send(x, 404, "{\"message\":\"no such endpoint\"}");
      return;
    }
    String userId = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
    boolean post = x.getRequestMethod().equals("POST");
    (post ? assignRequests : rolesRequests).incrementAndGet();
    String auth = x.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.startsWith("Bearer ") || !managementTokenCheck.test(auth.substring(7))) {
      send(x, 401, "{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"Invalid token\"}");
      return;
    }
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
          if (!roleNames.containsKey((String) id)) {
            send(x, 404, "{\"message\":\"role not found\"}");
            return;
          }
          ids.add((String) id);
        }
      } catch (java.text.ParseException | RuntimeException e) {
        send(x, 400, "{\"message\":\"bad body\"}");
        return;
      }
      send(x, 204, null);
      return;
    }
    Map<String, String> query = form(x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery());
    int perPage = Integer.parseInt(query.getOrDefault("per_page", "50"));
    int page = Integer.parseInt(query.getOrDefault("page", "0"));
    List<Object> out = new ArrayList<>();
    List<String> all = new ArrayList<>(ids);
    for (int i = page * perPage; i < Math.min(all.size(), (page + 1) * perPage); i++) {
      Map<String, Object> role = new LinkedHashMap<>();
      role.put("id", all.get(i));
      role.put("name", roleNames.get(all.get(i)));
      role.put("description", "role " + roleNames.get(all.get(i)));
      out.add(role);
    }
    send(x, 200, JSONArrayUtils.toJSONString(out));
  }

  /** The management API's own check: a token of this issuer, for the management audience, not revoked. */
  private boolean isOwnManagementToken(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      boolean signed = false;
      for (RSAKey k : published) {
        if (k.getKeyID().equals(jwt.getHeader().getKeyID()) && jwt.verify(new RSASSAVerifier(k.toPublicJWK()))) {
          signed = true;
        }
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      return signed && !revoked.contains(token) && c.getAudience().contains(managementAudience)
          && c.getExpirationTime().toInstant().isAfter(clock.instant());
    } catch (java.text.ParseException | JOSEException e) {
      return false;
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
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

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
