package io.guardops.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsQueryTest {
  private static final long H = 3_600_000_000_000L;

  @Test
  void bucketsAlignToUtc() {
    assertThat(MetricsQuery.Bucket.HOUR.startOf(5 * H + 17)).isEqualTo(5 * H);
    assertThat(MetricsQuery.Bucket.DAY.startOf(25 * H)).isEqualTo(24 * H);
    assertThat(MetricsQuery.Bucket.parse(" Minute ")).isEqualTo(MetricsQuery.Bucket.MINUTE);
    assertThatThrownBy(() -> MetricsQuery.Bucket.parse("week")).hasMessageContaining("minute, hour or day");
  }

  @Test
  void rangesAreValidated() {
    assertThatThrownBy(() -> new MetricsQuery("p", 10, 10, MetricsQuery.Bucket.HOUR)).hasMessageContaining("after");
    assertThatThrownBy(() -> new MetricsQuery("p", 0, 30L * 24 * H, MetricsQuery.Bucket.MINUTE))
        .hasMessageContaining("buckets");
    assertThat(new MetricsQuery("p", 0, 30L * 24 * H, MetricsQuery.Bucket.HOUR).bucket()).isEqualTo(MetricsQuery.Bucket.HOUR);
  }

  @Test
  void referenceAggregationGroupsByBucketAndModel() {
    List<SpanStat> stats = List.of(
        new SpanStat(H + 1, 100, "b", false, 1, 2, 0.5),
        new SpanStat(H + 2, 300, "a", true, 3, 4, null),
        new SpanStat(H + 3, 200, "a", false, 5, 6, 0.25),
        new SpanStat(2 * H, 50, null, false, 0, 0, null));
    List<MetricsRow> rows = MetricsAggregation.aggregate(stats, MetricsQuery.Bucket.HOUR);
    assertThat(rows).extracting(MetricsRow::model).containsExactly("a", "b", "unknown");
    MetricsRow a = rows.get(0);
    assertThat(a.requests()).isEqualTo(2);
    assertThat(a.errors()).isEqualTo(1);
    assertThat(a.errorRate()).isEqualTo(0.5);
    assertThat(a.latencyP50Nanos()).isEqualTo(200);
    assertThat(a.latencyP99Nanos()).isEqualTo(300);
    assertThat(a.inputTokens()).isEqualTo(8);
    assertThat(a.cost()).isEqualTo(0.25);
    assertThat(rows.get(2).cost()).isNull();
    assertThat(rows.get(2).bucketStartEpochNanos()).isEqualTo(2 * H);
  }

  @Test
  void pagesOfTracesKnowTheirNextCursor() {
    io.guardops.api.TraceSummary t = new io.guardops.api.TraceSummary("p", "a".repeat(32), null, "r", 5, 9, 1, 0,
        0, 0, 0, null, null);
    assertThat(new TracePage(List.of(t), true).nextCursor()).contains(new TraceCursor(5, "a".repeat(32)));
    assertThat(new TracePage(List.of(t), false).nextCursor()).isEmpty();
    TraceCursor c = new TraceCursor(5, "b".repeat(32));
    assertThat(c.precedes(4, "f".repeat(32))).isTrue();
    assertThat(c.precedes(5, "a".repeat(32))).isTrue();
    assertThat(c.precedes(5, "b".repeat(32))).isFalse();
    assertThat(c.precedes(6, "0".repeat(31) + "1")).isFalse();
  }
}
