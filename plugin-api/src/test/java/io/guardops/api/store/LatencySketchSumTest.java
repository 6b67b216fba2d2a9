package io.guardops.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Summing encoded sketches gives exactly what decoding and merging them gives. */
class LatencySketchSumTest {
  @Test
  void sumOfEncodedSketchesEqualsTheirMerge() {
    Random random = new Random(3);
    LatencySketch.Sum sum = new LatencySketch.Sum();
    LatencySketch merged = new LatencySketch();
    for (int s = 0; s < 200; s++) {
      LatencySketch one = new LatencySketch();
      int n = random.nextInt(60);
      for (int i = 0; i < n; i++) {
        // zeros, nanoseconds and up to half an hour: bins far apart on both sides of the first sketch's
        long nanos = switch (random.nextInt(6)) {
          case 0 -> 0;
          case 1 -> 1 + random.nextInt(1000);
          default -> (long) Math.exp(random.nextDouble() * Math.log(1.8e12));
        };
        one.add(nanos);
      }
      sum.addEncoded(one.encode());
      merged.merge(LatencySketch.decode(one.encode()));
    }
    LatencySketch total = sum.toSketch();
    assertThat(total.encode()).isEqualTo(merged.encode());
    assertThat(total.count()).isEqualTo(merged.count());
    for (double p : new double[] {1, 50, 95, 99, 100}) {
      assertThat(total.quantile(p)).isEqualTo(merged.quantile(p));
    }
  }

  @Test
  void aSingleSketchComesBackAsItIs() {
    LatencySketch one = new LatencySketch().add(0).add(3).add(7_000_000).add(7_000_001).add(42_000_000_000L);
    LatencySketch.Sum sum = new LatencySketch.Sum();
    sum.addEncoded(new byte[0]);
    sum.addEncoded(one.encode());
    assertThat(sum.toSketch().encode()).isEqualTo(one.encode());
    sum.addEncoded(one.encode());
    assertThat(sum.toSketch().encode()).isEqualTo(new LatencySketch().merge(one).merge(one).encode());
  }

  @Test
  void emptyInputsGiveAnEmptySketch() {
    LatencySketch.Sum sum = new LatencySketch.Sum();
    sum.addEncoded(new byte[0]);
    sum.addEncoded(new LatencySketch().encode());
    assertThat(sum.toSketch().isEmpty()).isTrue();
  }

  @Test
  void bytesThatAreNoSketchAreRefused() {
    byte[] good = new LatencySketch().add(5_000_000).add(9_000_000).encode();
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 1);
    LatencySketch.Sum alone = new LatencySketch.Sum();
    alone.addEncoded(cut);
    assertThatThrownBy(alone::toSketch).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a latency sketch");
    LatencySketch.Sum summed = new LatencySketch.Sum();
    summed.addEncoded(good);
    assertThatThrownBy(() -> summed.addEncoded(cut)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a latency sketch");
  }
}
