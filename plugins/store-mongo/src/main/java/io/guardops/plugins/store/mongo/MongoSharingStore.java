package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.guardops.api.Grant;
import io.guardops.api.ShareCode;
import io.guardops.api.SharedKind;
import io.guardops.api.store.SharingStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@code ShareCodes} ({@code {_id: code id, code_hash, hint, kind, resource_id, created_by, created_ns,
 * expires_ns, used_by, used_ns, revoked_ns}}) and {@code Grants} ({@code {kind, resource_id, user_id,
 * granted_by, code_id, created_ns}}, unique on (kind, resource, user)). A code is redeemed by one
 * conditional update that admits only an unused, unrevoked, unexpired code, so of concurrent
 * redeemers on any instances exactly one matches.
 */
final class MongoSharingStore implements SharingStore {
  private final MongoCollection<Document> codes;
  private final MongoCollection<Document> grants;

  MongoSharingStore(MongoCollection<Document> codes, MongoCollection<Document> grants) {
    this.codes = codes;
    this.grants = grants;
  }

  @Override
  public void createCode(ShareCode c) {
    Document d = new Document("_id", c.codeId()).append("code_hash", c.codeHash()).append("hint", c.hint())
        .append("kind", c.kind().id()).append("resource_id", c.resourceId()).append("created_by", c.createdBy())
        .append("created_ns", Mongo.nanos(c.createdAt())).append("expires_ns", Mongo.nanos(c.expiresAt()))
        .append("used_by", c.usedBy()).append("used_ns", c.usedAt() == null ? null : Mongo.nanos(c.usedAt()))
        .append("revoked_ns", c.revokedAt() == null ? null : Mongo.nanos(c.revokedAt()));
    if (!Mongo.call("share code create", () -> Mongo.unlessDuplicate(() -> codes.insertOne(d)))) {
      throw new IllegalArgumentException("a share code with id '" + c.codeId() + "' or the same hash exists");
    }
  }

  @Override
  public Optional<ShareCode> findCode(String codeHash) {
    return Mongo.call("share code lookup",
        () -> Optional.ofNullable(codes.find(eq("code_hash", codeHash)).first()).map(MongoSharingStore::code));
  }

  @Override
  public List<ShareCode> listCodes(SharedKind kind, String resourceId) {
    return Mongo.call("share code list", () -> {
      List<ShareCode> out = new ArrayList<>();
      for (Document d : codes.find(and(eq("kind", kind.id()), eq("resource_id", resourceId)))
          .sort(Sorts.ascending("created_ns", "_id"))) {
        out.add(code(d));
      }
      return out;
    });
  }

  @Override
  public Redemption redeem(String codeHash, String userId, Instant now) {
    long t = Mongo.nanos(now);
    return Mongo.call("share code redemption", () -> {
      // {field: null} matches a null or missing field: unused and unrevoked
      long matched = codes.updateOne(
          and(eq("code_hash", codeHash), eq("used_by", null), eq("revoked_ns", null), gt("expires_ns", t)),
          Updates.combine(Updates.set("used_by", userId), Updates.set("used_ns", t))).getMatchedCount();
      if (matched == 1) {
        return Redemption.REDEEMED;
      }
      Document d = codes.find(eq("code_hash", codeHash)).first();
      if (d == null) {
        return Redemption.UNKNOWN;
      }
      String usedBy = d.getString("used_by");
      if (usedBy != null) {
        return usedBy.equals(userId) ? Redemption.ALREADY_REDEEMED_BY_YOU : Redemption.USED;
      }
      if (d.get("revoked_ns") != null) {
        return Redemption.REVOKED;
      }
      return Redemption.EXPIRED;
    });
  }

  @Override
  public boolean revokeCode(SharedKind kind, String resourceId, String codeId, Instant now) {
    long t = Mongo.nanos(now);
    return Mongo.call("share code revocation", () -> codes.updateOne(
        and(eq("_id", codeId), eq("kind", kind.id()), eq("resource_id", resourceId), eq("used_by", null),
            eq("revoked_ns", null)),
        Updates.set("revoked_ns", t)).getMatchedCount() == 1);
  }

  @Override
  public boolean addGrant(Grant g) {
    Document d = new Document("kind", g.kind().id()).append("resource_id", g.resourceId()).append("user_id", g.userId())
        .append("granted_by", g.grantedBy()).append("code_id", g.codeId()).append("created_ns", Mongo.nanos(g.createdAt()));
    return Mongo.call("grant create", () -> Mongo.unlessDuplicate(() -> grants.insertOne(d)));
  }

  private static Bson grantKey(SharedKind kind, String resourceId, String userId) {
    return and(eq("kind", kind.id()), eq("resource_id", resourceId), eq("user_id", userId));
  }

  @Override
  public Optional<Grant> findGrant(SharedKind kind, String resourceId, String userId) {
    return Mongo.call("grant lookup", () -> Optional.ofNullable(grants.find(grantKey(kind, resourceId, userId)).first())
        .map(MongoSharingStore::grant));
  }

  @Override
  public List<Grant> listGrants(SharedKind kind, String resourceId) {
    return Mongo.call("grant list", () -> {
      List<Grant> out = new ArrayList<>();
      // grants_key serves the filter; a resource has few grants, so they are ordered here
      for (Document d : grants.find(and(eq("kind", kind.id()), eq("resource_id", resourceId)))) {
        out.add(grant(d));
      }
      out.sort(Comparator.comparing(Grant::createdAt).thenComparing(Grant::userId));
      return out;
    });
  }

  @Override
  public List<Grant> listGrantsTo(String userId, SharedKind kind) {
    return Mongo.call("grant list", () -> {
      List<Grant> out = new ArrayList<>();
      for (Document d : grants.find(and(eq("user_id", userId), eq("kind", kind.id())))
          .sort(Sorts.ascending("created_ns", "resource_id"))) {
        out.add(grant(d));
      }
      return out;
    });
  }

  @Override
  public boolean removeGrant(SharedKind kind, String resourceId, String userId) {
    return Mongo.call("grant delete", () -> grants.deleteOne(grantKey(kind, resourceId, userId)).getDeletedCount() == 1);
  }

  @Override
  public void removeAll(SharedKind kind, String resourceId) {
    Bson of = and(eq("kind", kind.id()), eq("resource_id", resourceId));
    Mongo.run("sharing cleanup", () -> {
      grants.deleteMany(of);
      codes.deleteMany(of);
    });
  }

  private static ShareCode code(Document d) {
    return new ShareCode(d.getString("_id"), d.getString("code_hash"), d.getString("hint"),
        SharedKind.fromId(d.getString("kind")), d.getString("resource_id"), d.getString("created_by"),
        Mongo.instant(Mongo.longOf(d, "created_ns")), Mongo.instant(Mongo.longOf(d, "expires_ns")),
        d.getString("used_by"), Mongo.instantOrNull(d, "used_ns"), Mongo.instantOrNull(d, "revoked_ns"));
  }

  private static Grant grant(Document d) {
    return new Grant(SharedKind.fromId(d.getString("kind")), d.getString("resource_id"), d.getString("user_id"),
        d.getString("granted_by"), d.getString("code_id"), Mongo.instant(Mongo.longOf(d, "created_ns")));
  }
}
