package io.guardops.host;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The static token a Prometheus server scrapes {@code /metrics} with ({@code guardops.metrics.token}),
 * compared in constant time: both sides are hashed first, so neither the content nor the length of
 * the configured token leaks through timing. Never logged or shown.
 */
final class ScrapeToken {
  private final byte[] hash;

  /** @param token the configured token, or null when scraping needs a role */
  ScrapeToken(String token) {
    if (token != null && token.length() < 16) {
      throw new IllegalArgumentException("guardops.metrics.token must be at least 16 characters (use a random"
          + " value, such as: openssl rand -hex 24)");
    }
    this.hash = token == null ? null : sha256(token);
  }

  boolean matches(String presented) {
    return hash != null && presented != null && MessageDigest.isEqual(hash, sha256(presented));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return hash == null ? "ScrapeToken{none}" : "ScrapeToken{set}";
  }
}
