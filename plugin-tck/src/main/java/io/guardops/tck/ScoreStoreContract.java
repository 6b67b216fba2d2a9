package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.eval.TraceScore;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.ScoreStore;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ScoreStore}: scores on traces, their aggregation, and purges with their traces. */
public abstract class ScoreStoreContract extends StoreContractSupport {
  protected ScoreStore scores;

  @BeforeEach
  void scorePart() {
    Assumptions.assumeTrue(store.scores().isPresent(), "this store keeps no scores");
    scores = store.scores().get();
  }

  protected static TraceScore score(String id, String project, int trace, long traceStartMs, String name,
      Double value, String label, java.time.Instant created) {
    return new TraceScore(id, project, traceId(trace), T0 + traceStartMs * MS, null, name, value, label,
        "comment \u00e9", "api", "u1", created);
  }

  @Test
  void scoresPerTraceInCreationOrderAndDeletedPerProject() {
    TraceScore a = score("s1", "p1", 1, 0, "helpfulness", 0.8, null, NOW.plusSeconds(1));
    TraceScore b = new TraceScore("s2", "p1", traceId(1), T0, spanId(5), "thumbs", 1.0, "true", "", "human", "u2", NOW);
    TraceScore other = score("s3", "p1", 2, 0, "helpfulness", 0.1, null, NOW);
    TraceScore elsewhere = score("s4", "p2", 1, 0, "helpfulness", 0.5, null, NOW);
    scores.put(a);
    scores.put(b);
    scores.put(other);
    scores.put(elsewhere);
    assertThat(scores.forTrace("p1", traceId(1))).containsExactly(b, a);
    TraceScore replaced = score("s1", "p1", 1, 0, "helpfulness", 0.3, "meh", NOW.plusSeconds(1));
    scores.put(replaced);
    assertThat(scores.forTrace("p1", traceId(1))).containsExactly(b, replaced);
    assertThat(scores.delete("p2", "s1")).isFalse();
    assertThat(scores.delete("p1", "s1")).isTrue();
    assertThat(scores.forTrace("p1", traceId(1))).containsExactly(b);
    assertThat(scores.forTrace("p2", traceId(1))).containsExactly(elsewhere);
  }

  @Test
  void aggregatesCountAndAverageByBucketAndNameOnTraceStart() {
    long hour = 3600_000L;
    scores.put(score("s1", "p1", 1, 0, "quality", 1.0, null, NOW));
    scores.put(score("s2", "p1", 2, 10, "quality", 0.0, null, NOW));
    scores.put(score("s3", "p1", 3, 20, "label_only", null, "good", NOW));
    scores.put(score("s4", "p1", 4, hour + 5, "quality", 0.5, null, NOW));
    scores.put(score("s5", "p2", 5, 0, "quality", 0.9, null, NOW));
    List<ScoreStore.ScoreAggregate> rows = scores.aggregate(
        new MetricsQuery("p1", T0, T0 + 2 * hour * MS, MetricsQuery.Bucket.HOUR));
    long b0 = MetricsQuery.Bucket.HOUR.startOf(T0);
    long b1 = MetricsQuery.Bucket.HOUR.startOf(T0 + (hour + 5) * MS);
    assertThat(rows).containsExactly(
        new ScoreStore.ScoreAggregate(b0, "label_only", 1, null),
        new ScoreStore.ScoreAggregate(b0, "quality", 2, 0.5),
        new ScoreStore.ScoreAggregate(b1, "quality", 1, 0.5));
  }

  @Test
  void scoresLeaveWithTheirTraces() {
    scores.put(score("old", "p1", 1, 0, "q", 1.0, null, NOW));
    scores.put(score("new", "p1", 2, 50_000, "q", 1.0, null, NOW));
    scores.put(score("other", "p2", 3, 0, "q", 1.0, null, NOW));
    assertThat(scores.purge("p1", T0 + 10_000 * MS, 100)).isEqualTo(1);
    assertThat(scores.forTrace("p1", traceId(1))).isEmpty();
    assertThat(scores.forTrace("p1", traceId(2))).hasSize(1);
    assertThat(scores.forTrace("p2", traceId(3))).hasSize(1);
    assertThat(scores.purge("p1", T0 + 10_000 * MS, 100)).isZero();
  }
}
