package io.guardops.api.auth;

import io.guardops.api.Checks;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who called, for whom, and with which roles: the one record every request is authenticated into
 * before anything else runs. Engine services take a caller, never a bare user id.
 *
 * @param subject who authenticated: a token's {@code sub}, a machine client's id, an API key's id,
 *     the local user's id, or {@code "anonymous"}; never blank
 * @param kind how they authenticated
 * @param userId the user this call acts for, or {@code null} when it acts for nobody (an
 *     {@link Kind#ANONYMOUS} caller, or a {@link Kind#MACHINE_CLIENT} whose request names no user);
 *     a machine client acts for the user its request names
 * @param roles the roles held; {@link Role#FULL_ACCESS} implies every other
 */
public record Caller(String subject, Kind kind, String userId, Set<Role> roles) {

  /** How a caller authenticated. */
  public enum Kind {
    /** A user's own token (an OIDC access token whose {@code sub} is the user). */
    USER_TOKEN,
    /** A machine client (client credentials) acting for the user its request names. */
    MACHINE_CLIENT,
    /** An API key: ingestion only, acting for the key's owner. */
    API_KEY,
    /** Single-user mode: no login, the one local user. */
    LOCAL_USER,
    /** Unprotected mode: the {@code user_id} parameter, trusted without proof. */
    CLAIMED_USER,
    /** No identity. */
    ANONYMOUS
  }

  /** The subject of {@link #anonymous()}. */
  public static final String ANONYMOUS_SUBJECT = "anonymous";

  public Caller {
    Checks.notBlank(subject, "subject");
    Objects.requireNonNull(kind, "kind");
    if (userId != null && userId.isBlank()) {
      userId = null;
    }
    if (kind != Kind.ANONYMOUS && kind != Kind.MACHINE_CLIENT && userId == null) {
      throw new IllegalArgumentException("a " + kind + " caller must act for a user");
    }
    roles = roles == null || roles.isEmpty() ? Set.of() : Set.copyOf(roles);
  }

  /** Whether the caller holds {@code role}, directly or through {@link Role#FULL_ACCESS}. */
  public boolean has(Role role) {
    return roles.contains(Role.FULL_ACCESS) || roles.contains(role);
  }

  /** Whether this call acts for a user. */
  public boolean actsForUser() {
    return userId != null;
  }

  /** The single-user mode's caller: every role. */
  public static Caller localUser(String userId) {
    return new Caller(userId, Kind.LOCAL_USER, userId, EnumSet.of(Role.FULL_ACCESS));
  }

  /** Unprotected mode's caller for a {@code user_id} parameter: every role, nothing proven. */
  public static Caller claimedUser(String userId) {
    return new Caller(userId, Kind.CLAIMED_USER, userId, EnumSet.of(Role.FULL_ACCESS));
  }

  /** A user authenticated by their own token. */
  public static Caller userToken(String subject, Set<Role> roles) {
    return new Caller(subject, Kind.USER_TOKEN, subject, roles);
  }

  /**
   * A machine client acting for {@code userId} with that user's roles, or, when {@code userId} is
   * {@code null}, for nobody with the roles its configuration grants machine clients.
   */
  public static Caller machineClient(String clientId, String userId, Set<Role> roles) {
    return new Caller(clientId, Kind.MACHINE_CLIENT, userId, roles);
  }

  /** An API key of {@code ownerId}: no roles, ingestion only. */
  public static Caller apiKey(String keyId, String ownerId) {
    return new Caller(keyId, Kind.API_KEY, ownerId, Set.of());
  }

  /** No identity and the given roles (none, except in unprotected mode, which trusts everything). */
  public static Caller anonymous(Set<Role> roles) {
    return new Caller(ANONYMOUS_SUBJECT, Kind.ANONYMOUS, null, roles);
  }

  /** No identity, no roles. */
  public static Caller anonymous() {
    return anonymous(Set.of());
  }

  @Override
  public String toString() {
    // no secrets in a caller, but keep log lines short
    return kind + "(" + subject + (userId != null && !userId.equals(subject) ? " for " + userId : "") + ")";
  }
}
