package io.guardops.plugins.store.sqlite;

import io.guardops.api.CleanupRecord;
import io.guardops.api.store.RetentionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Cleanup records and leases. */
final class SqliteRetentionStore implements RetentionStore {
  /** The leases expired at a time, through {@code leases_expires}. */
  static final String EXPIRE = "DELETE FROM leases WHERE expires_at <= ?";

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteRetentionStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public void addCleanupRecord(CleanupRecord r) {
    Objects.requireNonNull(r, "record");
    writer.call(c -> Sql.update(c, "INSERT OR REPLACE INTO cleanup_records (record_id, executed_at, project_id, cutoff,"
        + " deleted_traces, deleted_spans, duration_ns) VALUES (?, ?, ?, ?, ?, ?, ?)", r.recordId(),
        Sql.nanos(r.executedAt()), r.projectId(), Sql.nanos(r.cutoff()), r.deletedTraces(), r.deletedSpans(),
        r.duration().toNanos()));
  }

  /** Newest first, through {@code cleanup_records_project_recent} or {@code cleanup_records_recent}. */
  static String listSql(boolean oneProject) {
    return "SELECT record_id, executed_at, project_id, cutoff, deleted_traces, deleted_spans, duration_ns"
        + " FROM cleanup_records" + (oneProject ? " WHERE project_id = ?" : "")
        + " ORDER BY executed_at DESC, record_id DESC LIMIT ?";
  }

  @Override
  public List<CleanupRecord> listCleanupRecords(String projectId, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    Object[] params = projectId == null ? new Object[] {limit} : new Object[] {projectId, limit};
    return reads.read(c -> Sql.query(c, listSql(projectId != null), rs -> new CleanupRecord(rs.getString(1),
        Sql.instant(rs.getLong(2)), rs.getString(3), Sql.instant(rs.getLong(4)), rs.getLong(5), rs.getLong(6),
        Duration.ofNanos(rs.getLong(7))), params));
  }

  @Override
  public boolean tryAcquireLease(String name, String holder, Instant now, Duration ttl) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("lease ttl must be positive, was " + ttl);
    }
    long until = Sql.nanos(now.plus(ttl));
    return writer.call(c -> {
      // an expired lease is as good as none: clear those of holders that never released them (a crash),
      // so per-dataset and per-experiment names do not pile up
      Sql.update(c, EXPIRE, Sql.nanos(now));
      // one statement decides: free, expired or our own lease is taken; anything else changes no row
      return Sql.update(c, "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
          + " WHERE leases.holder = excluded.holder OR leases.expires_at <= ?", name, holder, until,
          Sql.nanos(now)) == 1;
    });
  }

  /** Deletes the lease's row (a released lease leaves nothing behind), if {@code holder} holds it. */
  @Override
  public void releaseLease(String name, String holder) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(holder, "holder");
    writer.call(c -> Sql.update(c, "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder));
  }
}
