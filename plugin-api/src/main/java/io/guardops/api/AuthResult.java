package io.guardops.api;

import java.util.Objects;

/**
 * The outcome of authentication: either a principal or a reason for the rejection that is safe to
 * show the caller (it never echoes the credential).
 */
public final class AuthResult {
  private final Principal principal;
  private final String rejection;

  private AuthResult(Principal principal, String rejection) {
    this.principal = principal;
    this.rejection = rejection;
  }

  public static AuthResult accepted(Principal principal) {
    return new AuthResult(Objects.requireNonNull(principal), null);
  }

  public static AuthResult rejected(String reason) {
    return new AuthResult(null, Checks.notBlank(reason, "reason"));
  }

  public boolean isAccepted() {
    return principal != null;
  }

  /** The principal; throws if rejected. */
  public Principal principal() {
    if (principal == null) {
      throw new IllegalStateException("rejected: " + rejection);
    }
    return principal;
  }

  /** The rejection reason; {@code null} if accepted. */
  public String rejection() {
    return rejection;
  }

  @Override
  public String toString() {
    return principal != null ? "accepted(" + principal.userId() + ")" : "rejected(" + rejection + ")";
  }
}
