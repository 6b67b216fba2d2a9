package io.guardops.api.auth;

import io.guardops.api.Health;

/**
 * Turns the credentials of a request into a {@link Caller}, or refuses them. Thread-safe: called
 * concurrently from request threads, once per request, before any handler runs.
 *
 * <p>Which {@code user_id} a caller may act for is the authenticator's decision: single-user mode
 * allows only its user, unprotected mode trusts any, a user token only its own subject, a machine
 * token those its configuration allows.
 */
public interface Authenticator extends AutoCloseable {
  /**
   * Authenticates one request.
   *
   * @param credentials what the request presented; never {@code null} (its fields may be)
   * @return never {@code null}; bad credentials are an {@link AuthResult#unauthenticated} result,
   *     not an exception
   */
  AuthResult authenticate(Credentials credentials);

  /**
   * The caller of a request without credentials, if this mode has one that needs no login
   * (single-user mode's local user): the engine provisions that user at start-up.
   */
  default java.util.Optional<Caller> implicitCaller() {
    return java.util.Optional.empty();
  }

  /**
   * Called once after the engine created a user on their first authenticated call (with their
   * Default Project), so an identity provider can, for example, assign a default role. Never called
   * twice for one user, also with several host instances. Must not throw: log and go on.
   */
  default void userProvisioned(Caller caller) {}

  /** Health as data; never throws. */
  default Health check() {
    return Health.up();
  }

  /** Releases resources; idempotent. */
  @Override
  default void close() {}
}
