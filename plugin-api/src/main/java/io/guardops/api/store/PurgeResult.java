package io.guardops.api.store;

/**
 * What one purge call deleted. {@code complete} is false when the call stopped at its batch
 * limit and more traces older than the cutoff remain.
 */
public record PurgeResult(long deletedTraces, long deletedSpans, boolean complete) {
  public static final PurgeResult NOTHING = new PurgeResult(0, 0, true);
}
