package io.guardops.plugins.auth.auth0;

import com.nimbusds.jose.JWSAlgorithm;
import io.guardops.api.ComponentConfig;
import io.guardops.api.auth.Role;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The settings of the auth0 authenticator ({@code guardops.auth.auth0.*}), read and checked once at
 * start-up: every mistake is reported with the full key (and the original environment name where
 * there is one) before the first request.
 *
 * @param issuer exactly as tokens carry it in {@code iss} (Auth0: {@code https://TENANT.auth0.com/})
 * @param jwksUri {@code null}: found through OIDC discovery
 * @param management {@code null} when no management API is configured
 * @param defaultRoleId {@code null}: provisioning assigns no role
 */
record Auth0Settings(String issuer, String audience, Set<JWSAlgorithm> algorithms, Duration clockSkew, URI jwksUri,
    Duration httpTimeout, Duration jwksRefreshMinInterval, Duration jwksMaxAge, List<String> rolesClaims,
    Set<String> machineClients, Set<Role> machineRoles, Management management, Duration rolesCacheTtl,
    String defaultRoleId, boolean allowHttp) {

  /** The algorithms this plugin verifies: asymmetric signatures only. */
  static final Set<JWSAlgorithm> SUPPORTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
      JWSAlgorithm.ES512);

  /**
   * The issuer's management API (Auth0 Management API v2 shape), called with a client-credentials
   * token. {@code clientSecret} is never printed.
   */
  record Management(URI tokenEndpoint, String clientId, String clientSecret, String audience, URI apiBase) {
    @Override
    public String toString() {
      return "Management{" + tokenEndpoint + ", clientId=" + clientId + ", audience=" + audience + ", apiBase="
          + apiBase + "}";
    }
  }

  static Auth0Settings from(ComponentConfig config) {
    boolean allowHttp = config.getBoolean("allow-http", false);
    String domain = config.get("domain").map(d -> domain(config, d)).orElse(null);
    String issuer = config.get("issuer").orElse(null);
    if (issuer == null && domain == null) {
      throw new IllegalArgumentException("set " + config.fullKey("issuer") + " (AUTH0_ISSUER), such as"
          + " https://TENANT.auth0.com/, or " + config.fullKey("domain") + " (AUTH0_DOMAIN), such as TENANT.auth0.com");
    }
    if (issuer == null) {
      issuer = "https://" + domain + "/";
    }
    URI issuerUri = url(config, "issuer", issuer, allowHttp);
    if (issuerUri.getRawQuery() != null || issuerUri.getRawFragment() != null) {
      throw new IllegalArgumentException(config.fullKey("issuer") + " must have no query or fragment, was " + issuer);
    }

    String audience = config.get("audience").orElseThrow(() -> new IllegalArgumentException("set "
        + config.fullKey("audience") + " (AUTH0_API_AUDIENCE): the identifier of the GuardOps API at the issuer, which"
        + " every access token must name in its aud claim"));

    Set<JWSAlgorithm> algorithms = algorithms(config);
    Duration clockSkew = config.getDuration("clock-skew", Duration.ofSeconds(60));
    if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(config.fullKey("clock-skew") + " must be between 0s and 10m, was " + clockSkew);
    }
    URI jwksUri = config.get("jwks-uri").map(u -> url(config, "jwks-uri", u, allowHttp)).orElse(null);
    Duration httpTimeout = between(config, "http-timeout", Duration.ofSeconds(5), Duration.ofMillis(50),
        Duration.ofMinutes(1));
    Duration minInterval = between(config, "jwks-refresh-min-interval", Duration.ofSeconds(30), Duration.ZERO,
        Duration.ofHours(1));
    Duration maxAge = between(config, "jwks-max-age", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(7));

    List<String> rolesClaims = list(config.getString("roles-claim", "permissions"));
    if (rolesClaims.isEmpty()) {
      throw new IllegalArgumentException(config.fullKey("roles-claim") + " must name at least one claim");
    }
    Set<String> machineClients = new LinkedHashSet<>(list(config.getString("machine-clients", "")));
    Set<Role> machineRoles = EnumSet.noneOf(Role.class);
    for (String name : list(config.getString("machine-roles", ""))) {
      Role r = Role.fromClaim(name);
      if (r == null) {
        throw new IllegalArgumentException(config.fullKey("machine-roles") + " names an unknown role '" + name
            + "'; roles are Projects, Datasets, Evaluation, Monitoring, Playground, Full_Access");
      }
      machineRoles.add(r);
    }

    Management management = management(config, domain != null ? "https://" + domain + "/" : withSlash(issuer),
        allowHttp);
    String defaultRoleId = config.get("default-role-id").orElse(null);
    if (management == null && !machineClients.isEmpty()) {
      throw new IllegalArgumentException(config.fullKey("machine-clients") + " lets machine clients act for users,"
          + " whose roles are read from the issuer's management API: set " + config.fullKey("management.client-id")
          + " and " + config.fullKey("management.client-secret") + " (an application allowed to call the API with"
          + " read:users and read:roles)");
    }
    if (management == null && defaultRoleId != null) {
      throw new IllegalArgumentException(config.fullKey("default-role-id") + " is assigned through the issuer's"
          + " management API: set " + config.fullKey("management.client-id") + " and "
          + config.fullKey("management.client-secret"));
    }
    Duration rolesCacheTtl = between(config, "roles-cache-ttl", Duration.ofSeconds(60), Duration.ofSeconds(1),
        Duration.ofDays(1));
    return new Auth0Settings(issuerUri.toString(), audience, algorithms, clockSkew, jwksUri, httpTimeout, minInterval,
        maxAge, List.copyOf(rolesClaims), Set.copyOf(machineClients), Set.copyOf(machineRoles), management,
        rolesCacheTtl, defaultRoleId, allowHttp);
  }

  /** AUTH0_DOMAIN is a bare host name; tolerate a scheme or a trailing slash pasted with it. */
  private static String domain(ComponentConfig config, String value) {
    String d = value.trim();
    if (d.startsWith("https://")) {
      d = d.substring("https://".length());
    }
    while (d.endsWith("/")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty() || d.contains("/") || d.contains("@") || d.contains("://")) {
      throw new IllegalArgumentException(config.fullKey("domain") + " (AUTH0_DOMAIN) must be a host name such as"
          + " TENANT.auth0.com, was '" + value + "'");
    }
    return d.toLowerCase(Locale.ROOT);
  }

  private static Set<JWSAlgorithm> algorithms(ComponentConfig config) {
    // the original AUTH0_ALGORITHMS held "RS256"; tolerate a pasted list like ["RS256"]
    String raw = config.getString("algorithms", "RS256").replace("[", " ").replace("]", " ").replace("\"", " ")
        .replace("'", " ");
    Set<JWSAlgorithm> out = new LinkedHashSet<>();
    for (String name : list(raw)) {
      String n = name.toUpperCase(Locale.ROOT);
      if (n.equals("NONE")) {
        throw new IllegalArgumentException(config.fullKey("algorithms") + " (AUTH0_ALGORITHMS) must not contain 'none':"
            + " it means unsigned tokens, which anyone can forge. Use RS256");
      }
      if (n.startsWith("HS")) {
        throw new IllegalArgumentException(config.fullKey("algorithms") + " (AUTH0_ALGORITHMS) must not contain " + n
            + ": HMAC tokens are signed with a shared secret, and accepting them next to public keys lets anyone who"
            + " knows the public key forge tokens. Set the API's signing algorithm to RS256 at the issuer and use RS256");
      }
      JWSAlgorithm alg = JWSAlgorithm.parse(n);
      if (!SUPPORTED.contains(alg)) {
        throw new IllegalArgumentException(config.fullKey("algorithms") + " (AUTH0_ALGORITHMS) names " + name
            + ", which this plugin does not verify; use one or more of RS256, RS384, RS512, PS256, PS384, PS512,"
            + " ES256, ES384, ES512");
      }
      out.add(alg);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(config.fullKey("algorithms") + " must name at least one algorithm, such as RS256");
    }
    return Set.copyOf(out);
  }

  private static Management management(ComponentConfig config, String base, boolean allowHttp) {
    String clientId = config.get("management.client-id").orElse(null);
    String secret = config.get("management.client-secret").orElse(null);
    if (clientId == null && secret == null) {
      return null;
    }
    if (clientId == null || secret == null) {
      throw new IllegalArgumentException("set both " + config.fullKey("management.client-id") + " and "
          + config.fullKey("management.client-secret") + ", or neither");
    }
    URI tokenEndpoint = url(config, "management.token-endpoint",
        config.getString("management.token-endpoint", base + "oauth/token"), allowHttp);
    String audience = config.getString("management.audience", base + "api/v2/");
    URI apiBase = url(config, "management.api-base", withSlash(config.getString("management.api-base",
        base + "api/v2/")), allowHttp);
    return new Management(tokenEndpoint, clientId, secret, audience, apiBase);
  }

  /** An absolute http(s) URL; plain http only to this machine unless {@code allow-http} is set. */
  static URI url(ComponentConfig config, String key, String value, boolean allowHttp) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(config.fullKey(key) + " must be an https URL, was '" + value + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(config.fullKey(key) + " must be an https URL, was '" + value + "'");
    }
    if (scheme.equals("http") && !allowHttp && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException(config.fullKey(key) + " uses plain http to " + uri.getHost() + ": keys and"
          + " tokens could be tampered with on the way. Use https, or set " + config.fullKey("allow-http")
          + "=true for an issuer on a network you trust");
    }
    return uri;
  }

  static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    // only literal addresses: never resolve a name to decide what is safe
    if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":")) {
      try {
        return InetAddress.getByName(h).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  private static Duration between(ComponentConfig config, String key, Duration dflt, Duration min, Duration max) {
    Duration d = config.getDuration(key, dflt);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0 || (d.isZero() && !min.isZero())) {
      throw new IllegalArgumentException(config.fullKey(key) + " must be between " + min + " and " + max + ", was " + d);
    }
    return d;
  }

  static String withSlash(String s) {
    return s.endsWith("/") ? s : s + "/";
  }

  private static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split("[,\\s]+")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }
}
