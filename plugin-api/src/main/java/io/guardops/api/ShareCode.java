package io.guardops.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A share code as stored: never the code itself, only its SHA-256. Single-use: it is redeemed at
 * most once, and not after it expires or is revoked.
 *
 * @param codeId a public id, so the owner can list and revoke codes without seeing them again
 * @param codeHash lowercase hex SHA-256 of the code
 * @param hint a short non-secret fragment of the code, so the owner can recognise it
 * @param usedBy who redeemed it, or {@code null}
 * @param usedAt when, or {@code null}
 * @param revokedAt when the owner revoked it, or {@code null}
 */
public record ShareCode(String codeId, String codeHash, String hint, SharedKind kind, String resourceId,
    String createdBy, Instant createdAt, Instant expiresAt, String usedBy, Instant usedAt, Instant revokedAt) {
  public ShareCode {
    Checks.notBlank(codeId, "codeId");
    Checks.hexId(codeHash, 64, "codeHash");
    hint = hint == null ? "" : hint;
    Objects.requireNonNull(kind, "kind");
    Checks.notBlank(resourceId, "resourceId");
    Checks.notBlank(createdBy, "createdBy");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!expiresAt.isAfter(createdAt)) {
      throw new IllegalArgumentException("a share code must expire after it is created");
    }
    if ((usedBy == null) != (usedAt == null)) {
      throw new IllegalArgumentException("usedBy and usedAt are set together");
    }
  }

  /** Whether it can still be redeemed at {@code now}. */
  public boolean redeemableAt(Instant now) {
    return usedBy == null && revokedAt == null && now.isBefore(expiresAt);
  }

  /** A new, unused code. */
  public static ShareCode issued(String codeId, String codeHash, String hint, SharedKind kind, String resourceId,
      String createdBy, Instant createdAt, Instant expiresAt) {
    return new ShareCode(codeId, codeHash, hint, kind, resourceId, createdBy, createdAt, expiresAt, null, null, null);
  }
}
