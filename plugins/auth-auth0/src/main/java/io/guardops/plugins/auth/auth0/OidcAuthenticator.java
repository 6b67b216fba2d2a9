package io.guardops.plugins.auth.auth0;

import com.nimbusds.jwt.JWTClaimsSet;
import io.guardops.api.Health;
import io.guardops.api.TokenCache;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import java.text.ParseException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Auth0 / OIDC bearer tokens into callers.
 *
 * <p>A <b>user token</b> acts for its own {@code sub}, with the roles of the configured roles claim;
 * a {@code user_id} naming anyone else is forbidden. A <b>machine token</b> (client credentials: see
 * {@link #clientIdOf}) acts for nobody, with the configured machine roles, unless it names a
 * {@code user_id}: then its client must be on the allow-list, and it acts for that user with the
 * user's roles as the issuer's management API reports them.
 */
final class OidcAuthenticator implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(OidcAuthenticator.class);

  private final Auth0Settings settings;
  private final IssuerKeys keys;
  private final TokenVerifier verifier;
  private final ManagementApi management;

  private OidcAuthenticator(Auth0Settings settings, IssuerKeys keys, TokenVerifier verifier, ManagementApi management) {
    this.settings = settings;
    this.keys = keys;
    this.verifier = verifier;
    this.management = management;
  }

  /** Builds the authenticator and fetches the issuer's keys once (an issuer that is down is not fatal). */
  static OidcAuthenticator start(Auth0Settings settings, Clock clock, TokenCache cache) {
    IssuerHttp http = new IssuerHttp(settings.httpTimeout());
    IssuerKeys keys = new IssuerKeys(settings, http, clock);
    ManagementApi management = settings.management() == null ? null : new ManagementApi(settings, http, cache, clock);
    OidcAuthenticator auth = new OidcAuthenticator(settings, keys, new TokenVerifier(settings, keys, clock), management);
    keys.load();
    LOG.info("auth0: issuer {}, audience {}, algorithms {}, roles from {}, {} machine client(s) may act for users{}",
        settings.issuer(), settings.audience(), settings.algorithms(), settings.rolesClaims(),
        settings.machineClients().size(), management == null ? "" : ", management API " + settings.management().apiBase());
    return auth;
  }

  @Override
  public AuthResult authenticate(Credentials credentials) {
    try {
      keys.refreshIfStale();
      TokenVerifier.Outcome outcome = verifier.verify(credentials.bearerToken());
      AuthResult result = outcome.verified()
          ? authorise(outcome.claims(), blankToNull(credentials.claimedUserId()))
          : outcome.issuerUnavailable() ? AuthResult.unavailable(outcome.refusal())
          : AuthResult.unauthenticated(outcome.refusal());
      if (!result.isAuthenticated() && LOG.isDebugEnabled()) {
        // the credentials' toString never prints the token
        LOG.debug("refused {}: {}", credentials, result);
      }
      return result;
    } catch (RuntimeException e) {
      // a bug must not turn into a 500 with a stack trace, nor into an accepted request
      LOG.error("authenticating {} failed unexpectedly", credentials, e);
      return AuthResult.unauthenticated("the token could not be checked (internal error)");
    }
  }

  private AuthResult authorise(JWTClaimsSet claims, String claimedUserId) {
    String subject = claims.getSubject();
    String clientId = clientIdOf(claims);
    if (clientId == null) {
      if (claimedUserId != null && !claimedUserId.equals(subject)) {
        return AuthResult.forbidden("this token is user '" + shorten(subject) + "''s and cannot act for user_id '"
            + shorten(claimedUserId) + "': a user token acts only for its own user");
      }
      return AuthResult.authenticated(Caller.userToken(subject, roles(claims)));
    }
    if (claimedUserId == null) {
      return AuthResult.authenticated(Caller.machineClient(clientId, null, settings.machineRoles()));
    }
    if (!settings.machineClients().contains(clientId)) {
      return AuthResult.forbidden("machine client '" + shorten(clientId) + "' may not act for users: it is not on this"
          + " server's list of machine clients (guardops.auth.auth0.machine-clients)");
    }
    if (!plausibleUserId(claimedUserId)) {
      return AuthResult.forbidden("user_id is not a valid user id");
    }
    ManagementApi.Lookup lookup = management.rolesOf(claimedUserId);
    switch (lookup.found()) {
      case ROLES:
        return AuthResult.authenticated(Caller.machineClient(clientId, claimedUserId, lookup.roles()));
      case NO_SUCH_USER:
        return AuthResult.forbidden("user_id '" + shorten(claimedUserId) + "' is not a user of the identity provider");
      default:
        return AuthResult.unavailable("the roles of user_id '" + shorten(claimedUserId) + "' could not be read from the"
            + " identity provider's management API; try again later");
    }
  }

  /**
   * The client id of a machine (client-credentials) token, or {@code null} for a user token. Auth0
   * marks machine tokens with {@code gty: client-credentials} and {@code sub: <client id>@clients};
   * other OIDC issuers (RFC 9068) set {@code sub} to the client's id, which they also put in
   * {@code azp} or {@code client_id}. The client id is {@code azp}, else {@code client_id}, else
   * {@code sub} without {@code @clients}.
   */
  static String clientIdOf(JWTClaimsSet claims) {
    String sub = claims.getSubject();
    String gty = stringClaim(claims, "gty");
    String azp = stringClaim(claims, "azp");
    String clientIdClaim = stringClaim(claims, "client_id");
    boolean machine = "client-credentials".equals(gty) || sub.endsWith("@clients") || sub.equals(azp)
        || sub.equals(clientIdClaim);
    if (!machine) {
      return null;
    }
    if (azp != null && !azp.isBlank()) {
      return azp;
    }
    if (clientIdClaim != null && !clientIdClaim.isBlank()) {
      return clientIdClaim;
    }
    String id = sub.endsWith("@clients") ? sub.substring(0, sub.length() - "@clients".length()) : sub;
    return id.isBlank() ? sub : id;
  }

  /**
   * The roles named by the configured claims: a JSON array of strings (Auth0 {@code permissions}, an
   * Action's namespaced claim) or one space- or comma-separated string. Unknown values are ignored.
   */
  private Set<Role> roles(JWTClaimsSet claims) {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : settings.rolesClaims()) {
      Object value = claims.getClaim(name);
      if (value instanceof List<?> list) {
        for (Object o : list) {
          add(roles, o);
        }
      } else if (value instanceof String s) {
        for (String part : s.split("[,\\s]+")) {
          add(roles, part);
        }
      }
    }
    return roles;
  }

  private static void add(Set<Role> roles, Object value) {
    if (value instanceof String s) {
      Role r = Role.fromClaim(s);
      if (r != null) {
        roles.add(r);
      }
    }
  }

  @Override
  public void userProvisioned(Caller caller) {
    if (settings.defaultRoleId() == null || caller == null || caller.userId() == null) {
      return;
    }
    try {
      management.assignRole(caller.userId(), settings.defaultRoleId());
      LOG.info("assigned the default role {} to new user {}", settings.defaultRoleId(), caller.userId());
    } catch (ManagementApi.CallFailed e) {
      LOG.warn("could not assign the default role {} to new user {}: {}; assign it at the issuer by hand",
          settings.defaultRoleId(), caller.userId(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("could not assign the default role {} to new user {}", settings.defaultRoleId(), caller.userId(), e);
    }
  }

  @Override
  public Health check() {
    try {
      Health h = keys.check();
      String problem = management == null ? null : management.problem();
      return problem == null ? h : new Health(h.healthy(), h.detail() + "; degraded: " + problem);
    } catch (RuntimeException e) {
      return Health.down(e);
    }
  }

  @Override
  public void close() {
    keys.close();
  }

  /** Not blank, not too long, no control characters, and not a path step. */
  private static boolean plausibleUserId(String id) {
    if (id.length() > 256 || id.equals(".") || id.equals("..")) {
      return false;
    }
    return id.chars().noneMatch(Character::isISOControl);
  }

  private static String stringClaim(JWTClaimsSet claims, String name) {
    try {
      return claims.getStringClaim(name);
    } catch (ParseException e) {
      return null;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String shorten(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 80 ? clean : clean.substring(0, 80) + "...";
  }
}
