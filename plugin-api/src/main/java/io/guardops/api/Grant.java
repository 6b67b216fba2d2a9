package io.guardops.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Access to another user's project or dataset, given by redeeming a share code. A member reads
 * the resource (and sends traces to a shared project with their own keys); only the owner changes,
 * deletes or shares it.
 *
 * @param resourceId the project or dataset id
 * @param userId the member
 * @param grantedBy the owner who issued the code
 * @param codeId the share code that was redeemed
 */
public record Grant(SharedKind kind, String resourceId, String userId, String grantedBy, String codeId,
    Instant createdAt) {
  public Grant {
    Objects.requireNonNull(kind, "kind");
    Checks.notBlank(resourceId, "resourceId");
    Checks.notBlank(userId, "userId");
    Checks.notBlank(grantedBy, "grantedBy");
    Checks.notBlank(codeId, "codeId");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
