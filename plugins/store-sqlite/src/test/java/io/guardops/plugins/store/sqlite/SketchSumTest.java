package io.guardops.plugins.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.store.LatencySketch;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Summing encoded sketches gives exactly what decoding and merging them gives. */
class SketchSumTest {
  @Test
  void sumOfEncodedSketchesEqualsTheirMerge() {
    Random random = new Random(3);
    SketchSum sum = new SketchSum();
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
  void emptyInputsGiveAnEmptySketch() {
    SketchSum sum = new SketchSum();
    sum.addEncoded(new byte[0]);
    sum.addEncoded(new LatencySketch().encode());
    assertThat(sum.toSketch().isEmpty()).isTrue();
  }

  @Test
  void bytesThatAreNoSketchAreRefused() {
    byte[] cut = new LatencySketch().add(5_000_000).add(9_000_000).encode();
    assertThatThrownBy(() -> new SketchSum().addEncoded(java.util.Arrays.copyOf(cut, cut.length - 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a latency sketch");
  }
}
