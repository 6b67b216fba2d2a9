package io.guardops.api.auth;

import io.guardops.api.Checks;
import java.util.Objects;

/**
 * The outcome of authenticating one request: a {@link Caller}, or a refusal that the host turns
 * into 401 (no or bad credentials: authenticate and try again), 403 (authenticated, but this is not
 * allowed: do not retry) or 503 (the identity provider cannot be asked right now: retry later). A
 * refusal's reason is shown to the caller, so it says what to do and never echoes the credential.
 */
public final class AuthResult {
  /** Which of the three outcomes. */
  public enum Status {
    AUTHENTICATED, UNAUTHENTICATED, FORBIDDEN, UNAVAILABLE
  }

  private final Status status;
  private final Caller caller;
  private final String reason;

  private AuthResult(Status status, Caller caller, String reason) {
    this.status = status;
    this.caller = caller;
    this.reason = reason;
  }

  /** The request is authenticated as {@code caller}. */
  public static AuthResult authenticated(Caller caller) {
    return new AuthResult(Status.AUTHENTICATED, Objects.requireNonNull(caller, "caller"), null);
  }

  /** Missing, malformed, expired or unknown credentials (HTTP 401). */
  public static AuthResult unauthenticated(String reason) {
    return new AuthResult(Status.UNAUTHENTICATED, null, Checks.notBlank(reason, "reason"));
  }

  /** Valid credentials that may not make this request (HTTP 403). */
  public static AuthResult forbidden(String reason) {
    return new AuthResult(Status.FORBIDDEN, null, Checks.notBlank(reason, "reason"));
  }

  /**
   * The credentials could not be checked because something they depend on is unreachable (the
   * issuer's keys were never fetched, the management API is down) (HTTP 503: retry later).
   */
  public static AuthResult unavailable(String reason) {
    return new AuthResult(Status.UNAVAILABLE, null, Checks.notBlank(reason, "reason"));
  }

  public Status status() {
    return status;
  }

  public boolean isAuthenticated() {
    return status == Status.AUTHENTICATED;
  }

  /** The caller; throws if the request was refused. */
  public Caller caller() {
    if (caller == null) {
      throw new IllegalStateException(status + ": " + reason);
    }
    return caller;
  }

  /** Why the request was refused; {@code null} when authenticated. */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return caller != null ? "authenticated(" + caller + ")" : status.name().toLowerCase() + "(" + reason + ")";
  }
}
