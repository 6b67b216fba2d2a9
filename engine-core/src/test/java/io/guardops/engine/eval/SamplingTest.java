package io.guardops.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplingTest {
  @Test
  void theSameTraceGetsTheSameAnswerAndRaisingARateOnlyAddsTraces() {
    Random r = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      String id = hex(r.nextLong()) + hex(r.nextLong());
      boolean at10 = Sampling.sampled(id, 0.1);
      assertThat(Sampling.sampled(id, 0.1)).isEqualTo(at10);
      if (at10) {
        assertThat(Sampling.sampled(id, 0.5)).isTrue();
      }
      assertThat(Sampling.sampled(id, 1.0)).isTrue();
    }
  }

  @Test
  void theShareSampledIsTheRateForRandomAndForSequentialIds() {
    Random r = new Random(7);
    int random = 0;
    int sequential = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      random += Sampling.sampled(hex(r.nextLong()) + hex(r.nextLong()), 0.2) ? 1 : 0;
      // ids from a counter, as some tests and homemade tracers make them
      sequential += Sampling.sampled("0000000000000000" + hex(i + 1), 0.2) ? 1 : 0;
    }
    // 5 standard deviations of a binomial(100000, 0.2) are about 0.0063
    assertThat(random / (double) n).isCloseTo(0.2, within(0.0065));
    assertThat(sequential / (double) n).isCloseTo(0.2, within(0.0065));
  }

  private static String hex(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }
}
