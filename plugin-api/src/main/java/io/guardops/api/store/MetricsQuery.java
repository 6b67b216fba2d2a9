package io.guardops.api.store;

import io.guardops.api.Checks;
import java.util.Locale;
import java.util.Objects;

/**
 * Metrics of one project's model calls that started in {@code [from, to)}, per UTC-aligned bucket
 * and model.
 */
public record MetricsQuery(String projectId, long fromEpochNanos, long toEpochNanos, Bucket bucket) {

  /** Bucket sizes, aligned to UTC (minute, hour, midnight). */
  public enum Bucket {
    MINUTE(60_000_000_000L), HOUR(3_600_000_000_000L), DAY(86_400_000_000_000L);

    private final long nanos;

    Bucket(long nanos) {
      this.nanos = nanos;
    }

    /** The bucket length in nanoseconds. */
    public long nanos() {
      return nanos;
    }

    /** The start of the bucket holding {@code epochNanos}. */
    public long startOf(long epochNanos) {
      return Math.floorDiv(epochNanos, nanos) * nanos;
    }

    /** {@code minute}, {@code hour} or {@code day}. */
    public static Bucket parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("bucket must be minute, hour or day, was '" + text + "'");
      }
    }
  }

  /** Most buckets one query may produce per model (a week of minutes). */
  public static final long MAX_BUCKETS = 10_080;

  public MetricsQuery {
    Checks.notBlank(projectId, "projectId");
    Objects.requireNonNull(bucket, "bucket");
    if (toEpochNanos <= fromEpochNanos) {
      throw new IllegalArgumentException("'to' must be after 'from'");
    }
    long buckets = (bucket.startOf(toEpochNanos - 1) - bucket.startOf(fromEpochNanos)) / bucket.nanos() + 1;
    if (buckets > MAX_BUCKETS) {
      throw new IllegalArgumentException("the range holds " + buckets + " " + bucket.name().toLowerCase(Locale.ROOT)
          + " buckets; at most " + MAX_BUCKETS + " are served: choose a larger bucket or a shorter range");
    }
  }
}
