package io.guardops.plugins.store.sqlite;

import io.guardops.api.Grant;
import io.guardops.api.ShareCode;
import io.guardops.api.SharedKind;
import io.guardops.api.store.SharingStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Share codes and grants. Codes are found by their unique hash and listed per resource through
 * {@code share_codes_resource}; grants are unique per (kind, resource, user) and listed through
 * {@code grants_resource} and {@code grants_user}. Redeeming reads and marks the code in one write
 * transaction, so of concurrent redeemers (in any process on the file) exactly one wins.
 */
final class SqliteSharingStore implements SharingStore {
  private static final String CODE_COLUMNS = "code_id, code_hash, hint, kind, resource_id, created_by, created_at,"
      + " expires_at, used_by, used_at, revoked_at";
  private static final String GRANT_COLUMNS = "kind, resource_id, user_id, granted_by, code_id, created_at";
  static final String LIST_CODES = "SELECT " + CODE_COLUMNS + " FROM share_codes WHERE kind = ? AND resource_id = ?"
      + " ORDER BY created_at, code_id";
  static final String LIST_GRANTS = "SELECT " + GRANT_COLUMNS + " FROM grants WHERE kind = ? AND resource_id = ?"
      + " ORDER BY created_at, user_id";
  static final String LIST_GRANTS_TO = "SELECT " + GRANT_COLUMNS + " FROM grants WHERE user_id = ? AND kind = ?"
      + " ORDER BY created_at, resource_id";
  private static final String FIND_CODE = "SELECT " + CODE_COLUMNS + " FROM share_codes WHERE code_hash = ?";

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteSharingStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public void createCode(ShareCode code) {
    Objects.requireNonNull(code, "code");
    writer.call(c -> {
      if (Sql.exists(c, "SELECT 1 FROM share_codes WHERE code_id = ?", code.codeId())) {
        throw new IllegalArgumentException("a share code with id " + code.codeId() + " already exists");
      }
      if (Sql.exists(c, "SELECT 1 FROM share_codes WHERE code_hash = ?", code.codeHash())) {
        throw new IllegalArgumentException("a share code with this hash already exists");
      }
      return Sql.update(c, "INSERT INTO share_codes (" + CODE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          code.codeId(), code.codeHash(), code.hint(), code.kind().id(), code.resourceId(), code.createdBy(),
          Sql.nanos(code.createdAt()), Sql.nanos(code.expiresAt()), code.usedBy(), Sql.nanosOrNull(code.usedAt()),
          Sql.nanosOrNull(code.revokedAt()));
    });
  }

  @Override
  public Optional<ShareCode> findCode(String codeHash) {
    Objects.requireNonNull(codeHash, "codeHash");
    return reads.read(c -> Sql.first(c, FIND_CODE, SqliteSharingStore::readCode, codeHash));
  }

  @Override
  public List<ShareCode> listCodes(SharedKind kind, String resourceId) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(resourceId, "resourceId");
    return reads.read(c -> Sql.query(c, LIST_CODES, SqliteSharingStore::readCode, kind.id(), resourceId));
  }

  @Override
  public Redemption redeem(String codeHash, String userId, Instant now) {
    Objects.requireNonNull(codeHash, "codeHash");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(now, "now");
    return writer.call(c -> {
      Optional<ShareCode> found = Sql.first(c, FIND_CODE, SqliteSharingStore::readCode, codeHash);
      if (found.isEmpty()) {
        return Redemption.UNKNOWN;
      }
      ShareCode code = found.get();
      // a used code answers for its user first, so a retried redeem after expiry still says "yours"
      if (code.usedBy() != null) {
        return code.usedBy().equals(userId) ? Redemption.ALREADY_REDEEMED_BY_YOU : Redemption.USED;
      }
      if (code.revokedAt() != null) {
        return Redemption.REVOKED;
      }
      if (!now.isBefore(code.expiresAt())) {
        return Redemption.EXPIRED;
      }
      Sql.update(c, "UPDATE share_codes SET used_by = ?, used_at = ? WHERE code_id = ?", userId, Sql.nanos(now),
          code.codeId());
      return Redemption.REDEEMED;
    });
  }

  @Override
  public boolean revokeCode(SharedKind kind, String resourceId, String codeId, Instant now) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(codeId, "codeId");
    Objects.requireNonNull(now, "now");
    return writer.call(c -> Sql.update(c, "UPDATE share_codes SET revoked_at = ? WHERE code_id = ? AND kind = ?"
        + " AND resource_id = ? AND used_by IS NULL AND revoked_at IS NULL", Sql.nanos(now), codeId, kind.id(),
        resourceId) == 1);
  }

  @Override
  public boolean addGrant(Grant g) {
    Objects.requireNonNull(g, "grant");
    return writer.call(c -> Sql.update(c, "INSERT INTO grants (" + GRANT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (kind, resource_id, user_id) DO NOTHING", g.kind().id(), g.resourceId(), g.userId(),
        g.grantedBy(), g.codeId(), Sql.nanos(g.createdAt())) == 1);
  }

  @Override
  public Optional<Grant> findGrant(SharedKind kind, String resourceId, String userId) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(userId, "userId");
    return reads.read(c -> Sql.first(c, "SELECT " + GRANT_COLUMNS + " FROM grants WHERE kind = ?"
        + " AND resource_id = ? AND user_id = ?", SqliteSharingStore::readGrant, kind.id(), resourceId, userId));
  }

  @Override
  public List<Grant> listGrants(SharedKind kind, String resourceId) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(resourceId, "resourceId");
    return reads.read(c -> Sql.query(c, LIST_GRANTS, SqliteSharingStore::readGrant, kind.id(), resourceId));
  }

  @Override
  public List<Grant> listGrantsTo(String userId, SharedKind kind) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(kind, "kind");
    return reads.read(c -> Sql.query(c, LIST_GRANTS_TO, SqliteSharingStore::readGrant, userId, kind.id()));
  }

  @Override
  public boolean removeGrant(SharedKind kind, String resourceId, String userId) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(userId, "userId");
    return writer.call(c -> Sql.update(c, "DELETE FROM grants WHERE kind = ? AND resource_id = ? AND user_id = ?",
        kind.id(), resourceId, userId) == 1);
  }

  @Override
  public void removeAll(SharedKind kind, String resourceId) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(resourceId, "resourceId");
    writer.call(c -> Sql.update(c, "DELETE FROM grants WHERE kind = ? AND resource_id = ?", kind.id(), resourceId)
        + Sql.update(c, "DELETE FROM share_codes WHERE kind = ? AND resource_id = ?", kind.id(), resourceId));
  }

  private static ShareCode readCode(ResultSet rs) throws SQLException {
    return new ShareCode(rs.getString(1), rs.getString(2), rs.getString(3), SharedKind.fromId(rs.getString(4)),
        rs.getString(5), rs.getString(6), Sql.instant(rs.getLong(7)), Sql.instant(rs.getLong(8)), rs.getString(9),
        Sql.instantOrNull(rs, 10), Sql.instantOrNull(rs, 11));
  }

  private static Grant readGrant(ResultSet rs) throws SQLException {
    return new Grant(SharedKind.fromId(rs.getString(1)), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), Sql.instant(rs.getLong(6)));
  }
}
