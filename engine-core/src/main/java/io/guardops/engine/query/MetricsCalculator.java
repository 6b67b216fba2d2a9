package io.guardops.engine.query;

import io.guardops.api.SpanStat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Latency, error, token and cost metrics per UTC time bucket and model, computed in the engine for
 * stores that cannot push the aggregation down. Internal: not API. Stateless and thread-safe.
 *
 * <p>Percentiles use the nearest-rank method on the exact durations of the bucket: the p-th
 * percentile is the smallest duration with at least p% of the values at or below it (the value at
 * 1-based rank {@code ceil(p/100 * n)} of the sorted list). It always returns an observed value.
 * Buckets start at UTC boundaries (minute, hour, midnight). Spans without a model are grouped under
 * {@link #UNKNOWN_MODEL}. Costs sum only the known ones; a group with no known cost has a
 * {@code null} cost, never 0.
 */
public final class MetricsCalculator {
  /** The model name of spans that have none. */
  public static final String UNKNOWN_MODEL = "unknown";

  /** Bucket sizes. */
  public enum Granularity {
    MINUTE(60_000_000_000L), HOUR(3_600_000_000_000L), DAY(86_400_000_000_000L);

    private final long nanos;

    Granularity(long nanos) {
      this.nanos = nanos;
    }

    /** The bucket length in nanoseconds. */
    public long nanos() {
      return nanos;
    }

    /** The start of the bucket holding {@code epochNanos}, aligned to UTC. */
    public long bucketStart(long epochNanos) {
      return Math.floorDiv(epochNanos, nanos) * nanos;
    }
  }

  /**
   * One row of metrics.
   *
   * @param bucketStart the bucket's start (UTC aligned)
   * @param model the model, {@link #UNKNOWN_MODEL}, or {@code null} in a total over all models
   * @param requests spans counted
   * @param errors spans with error status
   * @param errorRate errors / requests (0 when there are no requests)
   * @param latencyP50Ms median duration in milliseconds
   * @param latencyP95Ms 95th percentile in milliseconds
   * @param latencyP99Ms 99th percentile in milliseconds
   * @param inputTokens sum of input tokens
   * @param outputTokens sum of output tokens
   * @param cost sum of known costs in USD, or {@code null} when none is known
   */
  public record MetricsPoint(Instant bucketStart, String model, long requests, long errors, double errorRate,
      double latencyP50Ms, double latencyP95Ms, double latencyP99Ms, long inputTokens, long outputTokens,
      Double cost) {}

  private MetricsCalculator() {}

  /** Rows per bucket and model, ordered by bucket then model name. */
  public static List<MetricsPoint> perModel(Collection<SpanStat> stats, Granularity granularity) {
    return compute(stats, granularity, true);
  }

  /** Rows per bucket over all models ({@code model} is {@code null}), ordered by bucket. */
  public static List<MetricsPoint> total(Collection<SpanStat> stats, Granularity granularity) {
    return compute(stats, granularity, false);
  }

  private record Key(long bucket, String model) {}

  private static final class Acc {
    long[] durations = new long[8];
    int n;
    long errors;
    long input;
    long output;
    double cost;
    boolean costKnown;

    void add(SpanStat s) {
      if (n == durations.length) {
        durations = Arrays.copyOf(durations, n * 2);
      }
      durations[n++] = s.durationNanos();
      if (s.error()) {
        errors++;
      }
      input += s.inputTokens();
      output += s.outputTokens();
      if (s.cost() != null) {
        cost += s.cost();
        costKnown = true;
      }
    }
  }

  private static List<MetricsPoint> compute(Collection<SpanStat> stats, Granularity g, boolean byModel) {
    Objects.requireNonNull(g, "granularity");
    Map<Key, Acc> groups = new HashMap<>();
    for (SpanStat s : stats) {
      String model = byModel ? (s.model() == null || s.model().isBlank() ? UNKNOWN_MODEL : s.model()) : null;
      groups.computeIfAbsent(new Key(g.bucketStart(s.startEpochNanos()), model), k -> new Acc()).add(s);
    }
    List<Map.Entry<Key, Acc>> entries = new ArrayList<>(groups.entrySet());
    entries.sort(Comparator.comparingLong((Map.Entry<Key, Acc> e) -> e.getKey().bucket())
        .thenComparing(e -> e.getKey().model() == null ? "" : e.getKey().model()));
    List<MetricsPoint> out = new ArrayList<>(entries.size());
    for (Map.Entry<Key, Acc> e : entries) {
      Acc a = e.getValue();
      long[] d = Arrays.copyOf(a.durations, a.n);
      Arrays.sort(d);
      long b = e.getKey().bucket();
      out.add(new MetricsPoint(Instant.ofEpochSecond(Math.floorDiv(b, 1_000_000_000L), Math.floorMod(b, 1_000_000_000L)),
          e.getKey().model(), a.n, a.errors, (double) a.errors / a.n,
          millis(nearestRank(d, 50)), millis(nearestRank(d, 95)), millis(nearestRank(d, 99)),
          a.input, a.output, a.costKnown ? a.cost : null));
    }
    return out;
  }

  /** Nearest-rank percentile of sorted, non-empty {@code values}. */
  static long nearestRank(long[] sorted, double percentile) {
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.max(1, Math.min(rank, sorted.length)) - 1];
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
