package io.guardops.api.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics computed in the engine from {@link SpanStat}s, for stores that cannot push the
 * aggregation down (the default of {@link SpanStore#aggregate}), and the reference that pushed-down
 * implementations are tested against.
 *
 * <p>Percentiles are nearest-rank on the exact durations of a bucket: the p-th percentile is the
 * value at 1-based rank {@code ceil(p/100 * n)} of the sorted durations, always an observed value.
 * Calls without a model are grouped under {@link #UNKNOWN_MODEL}. Costs sum only the known ones; a
 * group with no known cost has a {@code null} cost. Stateless and thread-safe.
 */
public final class MetricsAggregation {
  /** The model name of calls that have none. */
  public static final String UNKNOWN_MODEL = "unknown";
  /** Calls read from the store per round trip. */
  public static final int CHUNK = 50_000;
  /** Most calls one engine-side aggregation reads (about 8 bytes each in memory); more is refused. */
  public static final int MAX_CALLS = 5_000_000;

  private MetricsAggregation() {}

  /**
   * Reads every model call of the query's range from {@code spans} in keyset chunks and aggregates
   * them.
   *
   * @throws IllegalArgumentException when the range holds more than {@link #MAX_CALLS} calls: metrics
   *     are never computed from a silently truncated sample
   */
  public static List<MetricsRow> fromSpanStats(SpanStore spans, MetricsQuery q) {
    return aggregate(allSpanStats(spans, q.projectId(), q.fromEpochNanos(), q.toEpochNanos(), CHUNK, MAX_CALLS),
        q.bucket());
  }

  /**
   * Every model call of {@code [from, to)}, read in chunks by start time. A chunk's trailing calls that
   * share its last start time are read again with the next chunk, and an instant with more calls than
   * a chunk is read on its own, so none is lost or counted twice at a boundary.
   */
  public static List<SpanStat> allSpanStats(SpanStore store, String projectId, long from, long to, int chunk, int max) {
    List<SpanStat> all = new ArrayList<>();
    long cursor = from;
    while (cursor < to && all.size() <= max) {
      List<SpanStat> page = store.spanStats(projectId, cursor, to, chunk);
      if (page.size() < chunk) {
        all.addAll(page);
        break;
      }
      long last = page.get(page.size() - 1).startEpochNanos();
      int keep = page.size();
      while (keep > 0 && page.get(keep - 1).startEpochNanos() == last) {
        keep--;
      }
      if (keep == 0) {
        all.addAll(store.spanStats(projectId, last, last + 1, max + 1));
        cursor = last + 1;
      } else {
        all.addAll(page.subList(0, keep));
        cursor = last;
      }
    }
    if (all.size() > max) {
      throw new IllegalArgumentException("the time range holds more than " + max
          + " model calls; ask for a shorter range (from/to)");
    }
    return all;
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

  /** Rows per bucket and model, ordered by bucket start, then model. */
  public static List<MetricsRow> aggregate(Collection<SpanStat> stats, MetricsQuery.Bucket bucket) {
    Map<Key, Acc> groups = new HashMap<>();
    for (SpanStat s : stats) {
      String model = s.model() == null || s.model().isBlank() ? UNKNOWN_MODEL : s.model();
      groups.computeIfAbsent(new Key(bucket.startOf(s.startEpochNanos()), model), k -> new Acc()).add(s);
    }
    List<Map.Entry<Key, Acc>> entries = new ArrayList<>(groups.entrySet());
    entries.sort(Comparator.comparingLong((Map.Entry<Key, Acc> e) -> e.getKey().bucket())
        .thenComparing(e -> e.getKey().model()));
    List<MetricsRow> out = new ArrayList<>(entries.size());
    for (Map.Entry<Key, Acc> e : entries) {
      Acc a = e.getValue();
      long[] d = Arrays.copyOf(a.durations, a.n);
      Arrays.sort(d);
      out.add(new MetricsRow(e.getKey().bucket(), e.getKey().model(), a.n, a.errors, nearestRank(d, 50),
          nearestRank(d, 95), nearestRank(d, 99), a.input, a.output, a.costKnown ? a.cost : null));
    }
    return out;
  }

  /** Nearest-rank percentile of sorted, non-empty {@code values}. */
  public static long nearestRank(long[] sorted, double percentile) {
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.max(1, Math.min(rank, sorted.length)) - 1];
  }
}
