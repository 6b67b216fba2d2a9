package io.guardops.engine;

import io.guardops.api.Grant;
import io.guardops.api.ShareCode;
import io.guardops.api.SharedKind;
import io.guardops.api.store.SharingStore.Redemption;
import io.guardops.api.store.Store;
import io.guardops.engine.internal.IdGenerator;
import io.guardops.engine.internal.Settings;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Share codes and grants for any shareable resource (projects, datasets). A code is
 * {@code gs<kind>-} followed by 43 characters of base64url (256 random bits), shown once; only its
 * SHA-256 is stored. It is single-use, expires ({@code guardops.sharing.code-ttl}, default 7 days) and
 * its owner can revoke it while unused. Redeeming it grants the redeemer access to the resource.
 * Authorisation (who may issue, list and revoke) is the resource service's job; this class only
 * keeps the codes honest. Thread-safe.
 */
@Singleton
public final class Sharing {
  /** A code as issued: the only time the code itself exists outside the caller's hands. */
  public record IssuedCode(String code, ShareCode record) {}

  private final Store store;
  private final Clock clock;
  private final IdGenerator ids;
  private final SecureRandom random;
  private final Duration ttl;

  @Inject
  Sharing(Store store, Clock clock, IdGenerator ids, SecureRandom random, Settings settings) {
    this.store = store;
    this.clock = clock;
    this.ids = ids;
    this.random = random;
    this.ttl = settings.shareCodeTtl();
  }

  /** Issues a new code for a resource owned by {@code ownerId}. */
  public IssuedCode issue(SharedKind kind, String resourceId, String ownerId) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String code = prefix(kind) + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Instant now = clock.instant();
    ShareCode record = ShareCode.issued(ids.newId(), ApiKeys.sha256Hex(code), prefix(kind) + "..."
        + code.substring(code.length() - 4), kind, resourceId, ownerId, now, now.plus(ttl));
    store.sharing().createCode(record);
    return new IssuedCode(code, record);
  }

  /**
   * Redeems a code for {@code userId} and grants access. A retried request by the same user (the
   * code already used by them) succeeds again without a second grant.
   *
   * @param expected the kind the endpoint shares; a code of another kind is refused
   * @param isOwner whether {@code userId} owns the code's resource (owners need no code)
   * @return the resource id now shared with the user
   * @throws EngineException BAD_REQUEST for a malformed code, a code of another kind or the owner's
   *     own resource; NOT_FOUND for an unknown code; GONE for a used, expired or revoked one
   */
  public String redeem(SharedKind expected, String code, String userId, java.util.function.Predicate<String> isOwner) {
    String c = code == null ? "" : code.trim();
    if (c.isEmpty()) {
      throw EngineException.badRequest("share_code is required");
    }
    for (SharedKind k : SharedKind.values()) {
      if (k != expected && c.startsWith(prefix(k))) {
        throw EngineException.badRequest("this is a " + k.id() + " share code; import it with import_" + k.id());
      }
    }
    if (!c.startsWith(prefix(expected)) || c.length() > 200) {
      throw EngineException.badRequest("share_code is not a GuardOps " + expected.id() + " share code (they start with '"
          + prefix(expected) + "')");
    }
    String hash = ApiKeys.sha256Hex(c);
    ShareCode found = store.sharing().findCode(hash)
        .orElseThrow(() -> EngineException.notFound("unknown share code"));
    if (isOwner.test(found.resourceId())) {
      throw EngineException.badRequest("you own this " + expected.id() + "; a share code is for someone else");
    }
    if (store.sharing().findGrant(expected, found.resourceId(), userId).isPresent()) {
      // already a member: do not burn a code meant for someone else
      return found.resourceId();
    }
    Redemption r = store.sharing().redeem(hash, userId, clock.instant());
    switch (r) {
      case REDEEMED, ALREADY_REDEEMED_BY_YOU -> {
        store.sharing().addGrant(new Grant(expected, found.resourceId(), userId, found.createdBy(), found.codeId(),
            clock.instant()));
        return found.resourceId();
      }
      case USED -> throw EngineException.gone("this share code was already used; ask the owner for a new one");
      case EXPIRED -> throw EngineException.gone("this share code expired on " + found.expiresAt()
          + "; ask the owner for a new one");
      case REVOKED -> throw EngineException.gone("this share code was revoked by its owner");
      default -> throw EngineException.notFound("unknown share code");
    }
  }

  /** The codes and grants of a resource. */
  public List<ShareCode> codes(SharedKind kind, String resourceId) {
    return store.sharing().listCodes(kind, resourceId);
  }

  public List<Grant> grants(SharedKind kind, String resourceId) {
    return store.sharing().listGrants(kind, resourceId);
  }

  /** The grants a user holds. */
  public List<Grant> grantsTo(String userId, SharedKind kind) {
    return store.sharing().listGrantsTo(userId, kind);
  }

  /** Whether a user holds a grant. */
  public Optional<Grant> grant(SharedKind kind, String resourceId, String userId) {
    return store.sharing().findGrant(kind, resourceId, userId);
  }

  /**
   * Revokes an unused code.
   *
   * @throws EngineException NOT_FOUND when the resource has no such unused code
   */
  public void revokeCode(SharedKind kind, String resourceId, String codeId) {
    if (codeId == null || codeId.isBlank()) {
      throw EngineException.badRequest("code_id is required");
    }
    if (!store.sharing().revokeCode(kind, resourceId, codeId.trim(), clock.instant())) {
      throw EngineException.notFound("no unused share code '" + codeId + "' for this " + kind.id());
    }
  }

  /**
   * Removes a member's grant.
   *
   * @throws EngineException NOT_FOUND when the user is not a member
   */
  public void removeGrant(SharedKind kind, String resourceId, String userId) {
    if (userId == null || userId.isBlank()) {
      throw EngineException.badRequest("member_id is required");
    }
    if (!store.sharing().removeGrant(kind, resourceId, userId.trim())) {
      throw EngineException.notFound("'" + userId + "' is not a member of this " + kind.id());
    }
  }

  /** Removes every grant and code of a deleted resource. */
  public void removeAll(SharedKind kind, String resourceId) {
    store.sharing().removeAll(kind, resourceId);
  }

  private static String prefix(SharedKind kind) {
    return "gs" + kind.id().substring(0, 1).toLowerCase(Locale.ROOT) + "-";
  }
}
