package io.guardops.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencySketchTest {
  @Test
  void quantilesAreWithinTheRelativeAccuracyOfNearestRank() {
    Random random = new Random(1);
    for (int round = 0; round < 20; round++) {
      int n = 1 + random.nextInt(5000);
      long[] values = new long[n];
      LatencySketch s = new LatencySketch();
      for (int i = 0; i < n; i++) {
        // from a microsecond to ten minutes, heavy-tailed
        values[i] = (long) Math.exp(random.nextDouble() * Math.log(600e9 / 1e3)) * 1000 + random.nextInt(1000);
        s.add(values[i]);
      }
      Arrays.sort(values);
      for (double p : new double[] {1, 25, 50, 90, 95, 99, 99.9, 100}) {
        long exact = MetricsAggregation.nearestRank(values, p);
        assertThat((double) s.quantile(p)).as("p%s of %d values", p, n)
            .isBetween(exact * (1 - LatencySketch.RELATIVE_ACCURACY) - 1, exact * (1 + LatencySketch.RELATIVE_ACCURACY) + 1);
      }
    }
  }

  @Test
  void zeroDurationsAreExact() {
    LatencySketch s = new LatencySketch().add(0).add(0).add(1_000_000);
    assertThat(s.quantile(50)).isZero();
    assertThat(s.quantile(100)).isCloseTo(1_000_000, org.assertj.core.data.Offset.offset(5_000L));
  }

  @Test
  void mergeEqualsAddingEverything() {
    LatencySketch a = new LatencySketch();
    LatencySketch b = new LatencySketch();
    LatencySketch all = new LatencySketch();
    Random random = new Random(3);
    for (int i = 0; i < 1000; i++) {
      long v = 1 + random.nextInt(10_000_000);
      (i % 2 == 0 ? a : b).add(v);
      all.add(v);
    }
    a.merge(b);
    assertThat(a.count()).isEqualTo(1000);
    assertThat(a.encode()).isEqualTo(all.encode());
  }

  @Test
  void removeUndoesAdd() {
    LatencySketch s = new LatencySketch().add(5_000_000).add(7_000_000);
    byte[] before = s.encode();
    s.add(123_456_789).remove(123_456_789);
    assertThat(s.encode()).isEqualTo(before);
    s.remove(1);
    assertThat(s.count()).isEqualTo(2);
  }

  @Test
  void encodingRoundTrips() {
    LatencySketch s = new LatencySketch().add(0).add(1).add(999).add(10_000_000_000L, 3);
    LatencySketch back = LatencySketch.decode(s.encode());
    assertThat(back.count()).isEqualTo(6);
    assertThat(back.encode()).isEqualTo(s.encode());
    assertThat(LatencySketch.decode(new byte[0]).isEmpty()).isTrue();
    assertThatThrownBy(() -> LatencySketch.decode(new byte[] {5, 1})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LatencySketch().quantile(50)).isInstanceOf(IllegalStateException.class);
  }
}
