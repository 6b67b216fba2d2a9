package io.guardops.api;

/**
 * What a request presents. Any field may be {@code null}.
 *
 * @param bearerToken     the token from {@code Authorization: Bearer ...}
 * @param claimedUserId   the {@code user_id} parameter (the old wire contract names the acting user)
 * @param remoteAddress   the peer address, for logging and rate limiting
 */
public record Credentials(String bearerToken, String claimedUserId, String remoteAddress) {}
