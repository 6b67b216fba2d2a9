package io.guardops.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A user known to GuardOps. The id is the identity provider's subject ({@code github|123}) or
 * {@code "0"} in single-user mode.
 */
public record User(String userId, Instant createdAt) {
  public User {
    Checks.notBlank(userId, "userId");
    if (userId.length() > 256) {
      throw new IllegalArgumentException("userId must be at most 256 characters");
    }
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
