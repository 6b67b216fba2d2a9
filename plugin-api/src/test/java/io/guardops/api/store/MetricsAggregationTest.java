package io.guardops.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsAggregationTest {
  static final long T0 = Instant.parse("2026-11-01T10:00:00Z").getEpochSecond() * 1_000_000_000L;
  static final long MS = 1_000_000L;

  static SpanStat stat(long offsetNanos, long durationMs, String model, boolean error, long in, long out, Double cost) {
    return new SpanStat(T0 + offsetNanos, durationMs * MS, model, error, in, out, cost);
  }

  static long nanos(String instant) {
    return Instant.parse(instant).getEpochSecond() * 1_000_000_000L;
  }

  @Test
  void percentilesUseNearestRank() {
    List<SpanStat> stats = new ArrayList<>();
    // durations 1..100 ms in one minute
    for (int i = 1; i <= 100; i++) {
      stats.add(stat(i * MS, i, "gpt-4o", i % 10 == 0, 10, 5, 0.01));
    }
    List<MetricsRow> rows = MetricsAggregation.aggregate(stats, MetricsQuery.Bucket.MINUTE);
    assertThat(rows).hasSize(1);
    MetricsRow p = rows.get(0);
    assertThat(p.bucketStartEpochNanos()).isEqualTo(nanos("2026-11-01T10:00:00Z"));
    assertThat(p.model()).isEqualTo("gpt-4o");
    assertThat(p.requests()).isEqualTo(100);
    assertThat(p.errors()).isEqualTo(10);
    assertThat(p.errorRate()).isEqualTo(0.1);
    assertThat(p.latencyP50Nanos()).isEqualTo(50 * MS);
    assertThat(p.latencyP95Nanos()).isEqualTo(95 * MS);
    assertThat(p.latencyP99Nanos()).isEqualTo(99 * MS);
    assertThat(p.inputTokens()).isEqualTo(1000);
    assertThat(p.outputTokens()).isEqualTo(500);
    assertThat(p.cost()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void smallSamplesAndSingleValues() {
    assertThat(MetricsAggregation.nearestRank(new long[] {7}, 99)).isEqualTo(7);
    assertThat(MetricsAggregation.nearestRank(new long[] {1, 2, 3, 4}, 50)).isEqualTo(2);
    assertThat(MetricsAggregation.nearestRank(new long[] {1, 2, 3, 4}, 95)).isEqualTo(4);
    assertThat(MetricsAggregation.nearestRank(new long[] {1, 2, 3, 4}, 0)).isEqualTo(1);
  }

  @Test
  void bucketsAlignToUtcAndSplitByModel() {
    long hour = 3_600_000_000_000L;
    List<SpanStat> stats = List.of(
        stat(0, 100, "gpt-4o", false, 1, 1, 0.5),
        stat(59 * 60_000 * MS, 300, "gpt-4o", true, 2, 2, null),
        stat(30 * 60_000 * MS, 200, "claude-3-5-sonnet", false, 3, 3, null),
        stat(hour + 5 * MS, 50, null, false, 0, 0, null),
        stat(-1, 10, "gpt-4o", false, 0, 0, null));
    List<MetricsRow> hourly = MetricsAggregation.aggregate(stats, MetricsQuery.Bucket.HOUR);
    assertThat(hourly).extracting(MetricsRow::bucketStartEpochNanos, MetricsRow::model).containsExactly(
        org.assertj.core.groups.Tuple.tuple(nanos("2026-11-01T09:00:00Z"), "gpt-4o"),
        org.assertj.core.groups.Tuple.tuple(nanos("2026-11-01T10:00:00Z"), "claude-3-5-sonnet"),
        org.assertj.core.groups.Tuple.tuple(nanos("2026-11-01T10:00:00Z"), "gpt-4o"),
        org.assertj.core.groups.Tuple.tuple(nanos("2026-11-01T11:00:00Z"), MetricsAggregation.UNKNOWN_MODEL));
    MetricsRow gpt = hourly.get(2);
    assertThat(gpt.requests()).isEqualTo(2);
    assertThat(gpt.errorRate()).isEqualTo(0.5);
    assertThat(gpt.latencyP50Nanos()).isEqualTo(100 * MS);
    assertThat(gpt.latencyP99Nanos()).isEqualTo(300 * MS);
    assertThat(gpt.cost()).isEqualTo(0.5);
    assertThat(hourly.get(1).cost()).isNull();
    assertThat(MetricsAggregation.aggregate(List.of(), MetricsQuery.Bucket.MINUTE)).isEmpty();
  }
}
