package io.guardops.api;

import java.util.Set;

/** The authenticated caller: a user id and its roles. */
public record Principal(String userId, Set<Role> roles) {
  public Principal {
    Checks.notBlank(userId, "userId");
    roles = Set.copyOf(roles);
  }

  /** Whether the caller holds {@code role} directly or through {@link Role#FULL_ACCESS}. */
  public boolean has(Role role) {
    return roles.contains(Role.FULL_ACCESS) || roles.contains(role);
  }

  /** A principal with every role. */
  public static Principal fullAccess(String userId) {
    return new Principal(userId, Set.of(Role.FULL_ACCESS));
  }
}
