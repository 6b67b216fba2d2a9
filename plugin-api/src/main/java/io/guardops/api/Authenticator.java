package io.guardops.api;

/**
 * Turns the credentials of a request into a {@link Principal}. Thread-safe: called concurrently
 * from request threads.
 */
public interface Authenticator extends AutoCloseable {
  /**
   * Authenticates one request.
   *
   * @param credentials what the request presented; never {@code null} (its fields may be)
   * @return accepted with a principal, or rejected with a reason that is safe to return to the
   *     caller; never {@code null}. Does not throw for bad credentials.
   */
  AuthResult authenticate(Credentials credentials);

  /**
   * Whether the caller's {@code user_id} parameter is trusted as their identity (single-user and
   * unprotected modes) rather than checked against a token.
   */
  default boolean trustsClaimedUserId() {
    return false;
  }

  /** Health as data; never throws. */
  default Health check() {
    return Health.up();
  }

  /** Releases resources; idempotent. */
  @Override
  default void close() {}
}
