package io.guardops.engine;

import io.guardops.api.ApiKey;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a request's credentials into a {@link Caller}, once per request, before any handler runs:
 * the configured {@link Authenticator} for user-facing calls, API keys for ingestion. A user seen for
 * the first time through a token (or single-user mode's local user) is provisioned here, with their
 * Default Project, exactly once. Thread-safe. Obtain from {@link Engine#callers()}.
 */
@Singleton
public final class Callers {
  private static final Logger LOG = LoggerFactory.getLogger(Callers.class);
  private static final int MAX_KNOWN = 100_000;

  /** Whether a call needs its user to exist already. */
  public enum UserPolicy {
    /** The acting user must exist (unprotected mode: create it with create_user first). */
    EXISTING,
    /** Any user id (create_user itself, listing users). */
    ANY
  }

  private final Authenticator authenticator;
  private final Users users;
  private final ApiKeys keys;
  /** Users known to exist: provisioning is one store read per user and process, not per request. */
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  @Inject
  Callers(Authenticator authenticator, Users users, ApiKeys keys) {
    this.authenticator = authenticator;
    this.users = users;
    this.keys = keys;
  }

  /**
   * Authenticates a user-facing request.
   *
   * @throws EngineException UNAUTHORIZED or FORBIDDEN with the authenticator's reason; NOT_FOUND when
   *     an unprotected-mode user does not exist and {@code policy} is {@link UserPolicy#EXISTING}
   */
  public Caller authenticate(Credentials credentials, UserPolicy policy) {
    AuthResult result = authenticator.authenticate(Objects.requireNonNull(credentials, "credentials"));
    switch (result.status()) {
      case UNAUTHENTICATED:
        throw EngineException.unauthorized(result.reason());
      case FORBIDDEN:
        throw EngineException.forbidden(result.reason());
      case UNAVAILABLE:
        throw new EngineException(EngineException.Kind.UNAVAILABLE, result.reason());
      default:
        break;
    }
    Caller caller = result.caller();
    String user = caller.userId();
    if (user == null || known.contains(user)) {
      return caller;
    }
    switch (caller.kind()) {
      case USER_TOKEN, MACHINE_CLIENT, LOCAL_USER -> provision(caller);
      case CLAIMED_USER -> {
        if (users.exists(user)) {
          remember(user);
        } else if (policy == UserPolicy.EXISTING) {
          throw EngineException.notFound("user '" + user + "' not found; create it with create_user");
        }
      }
      default -> { }
    }
    return caller;
  }

  /** Creates the caller's user if new and tells the authenticator (once per user, across instances). */
  void provision(Caller caller) {
    if (users.provision(caller.userId())) {
      LOG.info("provisioned user {} with a Default Project", caller.userId());
      try {
        authenticator.userProvisioned(caller);
      } catch (RuntimeException e) {
        LOG.warn("the authenticator failed after provisioning user {}: {}", caller.userId(), e.toString());
      }
    }
    remember(caller.userId());
  }

  /** Forgets that a user exists (tests; a deleted user). */
  void forget(String userId) {
    known.remove(userId);
  }

  private void remember(String user) {
    if (known.size() > MAX_KNOWN) {
      known.clear();
    }
    known.add(user);
  }

  /**
   * An OTLP exporter's API key ({@code Authorization: Bearer} or {@code x-guardops-api-key}).
   *
   * @throws EngineException UNAUTHORIZED when it is missing, unknown or revoked
   */
  public Caller apiKey(String rawKey) {
    if (rawKey == null || rawKey.isBlank()) {
      throw EngineException.unauthorized(
          "an API key is required (Authorization: Bearer <key> or x-guardops-api-key)");
    }
    ApiKey key = keys.verifyRawKey(rawKey).orElseThrow(() -> EngineException.unauthorized("unknown or revoked API key"));
    return Caller.apiKey(key.keyId(), key.ownerId());
  }

  /**
   * The GuardOps Python library's credentials: {@code key_hash} (hex SHA-256 of the key) of the user
   * {@code user_id} names.
   *
   * @throws EngineException UNAUTHORIZED when the hash is not a key of that user
   */
  public Caller libraryKey(String userId, String keyHash) {
    if (userId == null || userId.isBlank()) {
      throw EngineException.badRequest("query parameter 'user_id' is required");
    }
    if (keyHash == null || keyHash.isBlank()) {
      throw EngineException.badRequest("query parameter 'key_hash' is required");
    }
    ApiKey key = keys.verifyKeyHash(keyHash).filter(k -> k.ownerId().equals(userId))
        .orElseThrow(() -> EngineException.unauthorized("unknown or revoked key_hash for user '" + userId + "'"));
    return Caller.apiKey(key.keyId(), key.ownerId());
  }
}
