package io.guardops.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An API key as stored: never the key itself. {@code hashOfHash} is the lowercase hex SHA-256 of
 * the lowercase hex SHA-256 of the raw key (the Python library sends the inner hash as
 * {@code key_hash}, so storing it would store a usable credential). {@code hint} is a short,
 * non-secret fragment that lets a user recognise the key.
 *
 * @param lastUsedAt when the key last authenticated a request; {@code null} if never
 */
public record ApiKey(String keyId, String ownerId, String hashOfHash, String hint, Instant createdAt,
    Instant lastUsedAt) {
  public ApiKey {
    Checks.notBlank(keyId, "keyId");
    Checks.notBlank(ownerId, "ownerId");
    Checks.hexId(hashOfHash, 64, "hashOfHash");
    hint = hint == null ? "" : hint;
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** This key with a new last-used time. */
  public ApiKey withLastUsedAt(Instant when) {
    return new ApiKey(keyId, ownerId, hashOfHash, hint, createdAt, when);
  }
}
