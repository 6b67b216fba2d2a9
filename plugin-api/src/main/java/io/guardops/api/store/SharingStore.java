package io.guardops.api.store;

import io.guardops.api.Grant;
import io.guardops.api.ShareCode;
import io.guardops.api.SharedKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who else may use a project or dataset: grants, and the single-use share codes that create them.
 * See {@link Store} for the rules every part follows.
 */
public interface SharingStore {
  /** Outcome of {@link #redeem}. */
  enum Redemption {
    /** This call redeemed the code. */
    REDEEMED,
    /** The code was redeemed before, by the same user (a retried request): nothing changed. */
    ALREADY_REDEEMED_BY_YOU,
    /** Redeemed before by someone else. */
    USED,
    /** Expired before {@code now}. */
    EXPIRED,
    /** Revoked by its owner. */
    REVOKED,
    /** No code with this hash. */
    UNKNOWN
  }

  /**
   * Stores a new share code.
   *
   * @throws IllegalArgumentException if a code with that id or hash exists
   */
  void createCode(ShareCode code);

  /** The code with this hash. */
  Optional<ShareCode> findCode(String codeHash);

  /** The codes issued for one resource, ordered by (creation time, code id). */
  List<ShareCode> listCodes(SharedKind kind, String resourceId);

  /**
   * Marks a code used by {@code userId} if it is redeemable at {@code now}. Atomic across store
   * instances: of concurrent redeemers of one code exactly one gets {@link Redemption#REDEEMED}.
   */
  Redemption redeem(String codeHash, String userId, Instant now);

  /**
   * Revokes an unused code of the resource.
   *
   * @return {@code false} if the resource has no such code, or it was used or revoked already
   */
  boolean revokeCode(SharedKind kind, String resourceId, String codeId, Instant now);

  /**
   * Adds a grant; idempotent (a grant of the same resource to the same user is kept as it is).
   *
   * @return whether this call added it
   */
  boolean addGrant(Grant grant);

  /** The grant of one resource to one user. */
  Optional<Grant> findGrant(SharedKind kind, String resourceId, String userId);

  /** The grants of one resource, ordered by (creation time, user id). */
  List<Grant> listGrants(SharedKind kind, String resourceId);

  /** The grants a user holds of one kind, ordered by (creation time, resource id). */
  List<Grant> listGrantsTo(String userId, SharedKind kind);

  /**
   * Removes one grant.
   *
   * @return {@code false} if there was none
   */
  boolean removeGrant(SharedKind kind, String resourceId, String userId);

  /** Removes every grant and share code of a resource (it was deleted). */
  void removeAll(SharedKind kind, String resourceId);
}
