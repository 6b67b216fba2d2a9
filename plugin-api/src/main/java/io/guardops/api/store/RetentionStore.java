package io.guardops.api.store;

import io.guardops.api.CleanupRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Retention bookkeeping: cleanup records and the lease that lets one instance sweep at a time. */
public interface RetentionStore {
  /** Stores a cleanup record; storing one with the same id again replaces it. */
  void addCleanupRecord(CleanupRecord record);

  /**
   * Cleanup records, newest first (by execution time, then record id, descending).
   *
   * @param projectId one project's, or {@code null} for every project's
   */
  List<CleanupRecord> listCleanupRecords(String projectId, int limit);

  /**
   * Takes or renews the lease {@code name} for {@code holder} until {@code now + ttl}, if it is free,
   * expired or already held by {@code holder}. Atomic across every store instance on the backend: at
   * most one holder wins.
   *
   * @return whether {@code holder} now holds the lease
   */
  boolean tryAcquireLease(String name, String holder, Instant now, Duration ttl);

  /** Releases the lease if {@code holder} holds it; otherwise nothing happens. */
  void releaseLease(String name, String holder);
}
