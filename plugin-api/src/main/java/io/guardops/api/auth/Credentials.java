package io.guardops.api.auth;

/**
 * What a request presents. Any field may be {@code null}.
 *
 * @param bearerToken the token from {@code Authorization: Bearer ...}
 * @param claimedUserId the {@code user_id} parameter (the wire contract names the acting user)
 * @param remoteAddress the peer address, for logging and rate limiting
 */
public record Credentials(String bearerToken, String claimedUserId, String remoteAddress) {
  /** No credentials at all. */
  public static Credentials none() {
    return new Credentials(null, null, null);
  }

  @Override
  public String toString() {
    // never print the token
    return "Credentials{bearer=" + (bearerToken == null ? "none" : "present") + ", user_id=" + claimedUserId
        + ", from=" + remoteAddress + "}";
  }
}
