package io.guardops.plugins.auth.auth0;

import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.guardops.api.TokenCache;
import io.guardops.api.auth.Role;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's management API (Auth0 Management API v2): a user's roles, and assigning a role. Calls
 * carry a client-credentials token that lives in the engine's {@link TokenCache} (shared by every host
 * instance when the cache is Redis) until shortly before its {@code expires_in}; a user's roles are
 * cached there too, for {@code roles-cache-ttl}. Both the token and role lists are keyed by a hash, so
 * neither user ids nor client ids appear as cache keys.
 */
final class ManagementApi {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementApi.class);
  private static final int PAGE_SIZE = 100;
  private static final int MAX_PAGES = 10;
  /** A management token without {@code expires_in} is reused this long. */
  static final Duration TOKEN_TTL_WITHOUT_EXPIRES_IN = Duration.ofMinutes(1);
  private static final String NO_SUCH_USER = "no-such-user";
  private static final String ROLES = "roles:";

  /** What a roles lookup found. */
  enum Found { ROLES, NO_SUCH_USER, FAILED }

  /** A user's roles, or that there is no such user, or why the lookup failed. */
  record Lookup(Found found, Set<Role> roles, String failure) {}

  /** A management API call that did not work; the message names the URL and the status, never a secret. */
  static final class CallFailed extends Exception {
    private static final long serialVersionUID = 1L;

    CallFailed(String message) {
      super(message);
    }
  }

  private final Auth0Settings.Management settings;
  private final Duration rolesTtl;
  private final IssuerHttp http;
  private final TokenCache cache;
  private final Clock clock;
  private final String tokenKey;
  private final String issuerScope;
  private final Object tokenLock = new Object();
  private final ConcurrentHashMap<String, CompletableFuture<Lookup>> lookups = new ConcurrentHashMap<>();
  private volatile String lastFailure;
  private volatile Instant lastFailureAt;
  /** Whether the last call failed (a later success clears it). */
  private volatile boolean failing;
  private volatile Instant lastWarningAt;

  ManagementApi(Auth0Settings settings, IssuerHttp http, TokenCache cache, Clock clock) {
    this.settings = settings.management();
    this.rolesTtl = settings.rolesCacheTtl();
    this.http = http;
    this.cache = cache;
    this.clock = clock;
    this.tokenKey = "auth0:management-token:" + hash(this.settings.tokenEndpoint() + "\n" + this.settings.clientId()
        + "\n" + this.settings.audience());
    this.issuerScope = settings.issuer() + "\n";
  }

  /** The roles of {@code userId}: from the cache, else from the API (one call per user at a time here). */
  Lookup rolesOf(String userId) {
    String key = rolesKey(userId);
    Optional<String> cached = cache.get(key);
    if (cached.isPresent()) {
      Lookup l = decode(cached.get());
      if (l != null) {
        return l;
      }
    }
    CompletableFuture<Lookup> mine = new CompletableFuture<>();
    CompletableFuture<Lookup> running = lookups.putIfAbsent(userId, mine);
    if (running != null) {
      return running.join();
    }
    Lookup l = new Lookup(Found.FAILED, Set.of(), "the roles lookup did not finish");
    try {
      l = fetchRoles(userId);
      if (l.found() != Found.FAILED) {
        cache.put(key, encode(l), rolesTtl);
      }
      return l;
    } catch (RuntimeException e) {
      l = new Lookup(Found.FAILED, Set.of(), e.toString());
      return l;
    } finally {
      // whatever happened, release the requests that joined this lookup
      mine.complete(l);
      lookups.remove(userId, mine);
    }
  }

  /** Assigns {@code roleId} to {@code userId} and forgets the user's cached roles. */
  void assignRole(String userId, String roleId) throws CallFailed {
    URI uri = userUri(userId, "roles");
    String body = JSONObjectUtils.toJSONString(Map.of("roles", List.of(roleId)));
    IssuerHttp.Response r = withToken(token -> http.postJson(uri, token, body), "POST " + uri);
    if (!r.ok()) {
      throw failure("POST " + uri + " answered " + r.status() + errorOf(r));
    }
    cache.invalidate(rolesKey(userId));
    succeeded();
  }

  /** The last failure, unless a call succeeded since, for health. */
  String problem() {
    return failing ? "the management API call at " + lastFailureAt + " failed: " + lastFailure : null;
  }

  private Lookup fetchRoles(String userId) {
    try {
      EnumSet<Role> roles = EnumSet.noneOf(Role.class);
      for (int page = 0; page < MAX_PAGES; page++) {
        URI uri = URI.create(userUri(userId, "roles") + "?per_page=" + PAGE_SIZE + "&page=" + page);
        IssuerHttp.Response r = withToken(token -> http.get(uri, token), "GET " + uri);
        if (r.status() == 404) {
          succeeded();
          return new Lookup(Found.NO_SUCH_USER, Set.of(), null);
        }
        if (!r.ok()) {
          throw failure("GET " + uri + " answered " + r.status() + errorOf(r));
        }
        List<Object> list;
        try {
          list = JSONArrayUtils.parse(r.body());
        } catch (ParseException e) {
          throw failure("GET " + uri + " did not answer a JSON array of roles");
        }
        for (Object o : list) {
          if (o instanceof Map<?, ?> m && m.get("name") instanceof String name) {
            Role role = Role.fromClaim(name);
            if (role != null) {
              roles.add(role);
            }
          }
        }
        if (list.size() < PAGE_SIZE) {
          break;
        }
      }
      succeeded();
      return new Lookup(Found.ROLES, Set.copyOf(roles), null);
    } catch (CallFailed e) {
      return new Lookup(Found.FAILED, Set.of(), e.getMessage());
    }
  }

  /** A call that needs the token cannot fail in ways the caller must handle twice. */
  private interface Call {
    IssuerHttp.Response send(String token) throws IOException;
  }

  /** Runs {@code call} with the cached token; on 401 fetches a new token once and tries again. */
  private IssuerHttp.Response withToken(Call call, String what) throws CallFailed {
    try {
      IssuerHttp.Response r = call.send(token(false));
      if (r.status() == 401) {
        // revoked, or signed with a key the issuer rotated away: the cached token is no good to anyone
        r = call.send(token(true));
      }
      return r;
    } catch (IOException e) {
      throw failure(e.getMessage() == null ? what + " failed" : e.getMessage());
    }
  }

  private String token(boolean renew) throws CallFailed {
    if (!renew) {
      Optional<String> cached = cache.get(tokenKey);
      if (cached.isPresent()) {
        return cached.get();
      }
    }
    synchronized (tokenLock) {
      if (renew) {
        cache.invalidate(tokenKey);
      } else {
        Optional<String> cached = cache.get(tokenKey);
        if (cached.isPresent()) {
          return cached.get();
        }
      }
      return fetchToken();
    }
  }

  private String fetchToken() throws CallFailed {
    URI uri = settings.tokenEndpoint();
    IssuerHttp.Response r;
    try {
      r = http.postForm(uri, Map.of("grant_type", "client_credentials", "client_id", settings.clientId(),
          "client_secret", settings.clientSecret(), "audience", settings.audience()));
    } catch (IOException e) {
      throw failure(e.getMessage());
    }
    if (!r.ok()) {
      throw failure("the token endpoint " + uri + " answered " + r.status() + errorOf(r)
          + ": check guardops.auth.auth0.management.client-id, client-secret and audience");
    }
    Map<String, Object> body;
    try {
      body = JSONObjectUtils.parse(r.body());
    } catch (ParseException e) {
      throw failure("the token endpoint " + uri + " did not answer JSON");
    }
    if (!(body.get("access_token") instanceof String token) || token.isBlank()) {
      throw failure("the token endpoint " + uri + " answered no access_token");
    }
    Duration ttl = TOKEN_TTL_WITHOUT_EXPIRES_IN;
    if (body.get("expires_in") instanceof Number n) {
      long seconds = n.longValue();
      if (seconds <= 1) {
        return token; // too short-lived to share
      }
      // stop handing it out a little before it expires: a minute early, or half its life if that is shorter
      ttl = Duration.ofSeconds(seconds - Math.min(60, seconds / 2));
    }
    cache.put(tokenKey, token, ttl);
    return token;
  }

  private URI userUri(String userId, String what) {
    // a user id such as "github|123" is one path segment: encode everything that is not unreserved
    String segment = URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
    return URI.create(settings.apiBase() + "users/" + segment + "/" + what);
  }

  private String rolesKey(String userId) {
    return "auth0:roles:" + hash(issuerScope + userId);
  }

  private CallFailed failure(String message) {
    lastFailure = message;
    Instant now = clock.instant();
    lastFailureAt = now;
    failing = true;
    Instant warned = lastWarningAt;
    // an issuer outage fails every lookup: warn once a minute, not once a request
    if (warned == null || now.isAfter(warned.plusSeconds(60))) {
      lastWarningAt = now;
      LOG.warn("management API of {}: {}", settings.apiBase(), message);
    } else {
      LOG.debug("management API of {}: {}", settings.apiBase(), message);
    }
    return new CallFailed(message);
  }

  private void succeeded() {
    failing = false;
  }

  /** The OAuth {@code error} / Auth0 {@code message} of a refusal: codes and texts, never credentials. */
  private static String errorOf(IssuerHttp.Response r) {
    try {
      Map<String, Object> body = JSONObjectUtils.parse(r.body());
      Object error = body.get("error");
      Object text = body.containsKey("error_description") ? body.get("error_description") : body.get("message");
      String out = (error instanceof String e ? e : "") + (text instanceof String t ? (error != null ? ": " : "") + t : "");
      return out.isBlank() ? "" : " (" + (out.length() > 200 ? out.substring(0, 200) + "..." : out) + ")";
    } catch (ParseException | RuntimeException e) {
      return "";
    }
  }

  private static String encode(Lookup l) {
    return l.found() == Found.NO_SUCH_USER ? NO_SUCH_USER
        : ROLES + l.roles().stream().map(Role::claimName).sorted().collect(Collectors.joining(","));
  }

  private static Lookup decode(String value) {
    if (value.equals(NO_SUCH_USER)) {
      return new Lookup(Found.NO_SUCH_USER, Set.of(), null);
    }
    if (!value.startsWith(ROLES)) {
      return null;
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : value.substring(ROLES.length()).split(",")) {
      Role r = Role.fromClaim(name);
      if (r != null) {
        roles.add(r);
      }
    }
    return new Lookup(Found.ROLES, Set.copyOf(roles), null);
  }

  private static String hash(String s) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
