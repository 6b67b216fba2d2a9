package io.guardops.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.store.MetricsAggregation;
import io.guardops.api.store.SpanStat;
import io.guardops.engine.internal.InMemoryStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine-side metrics read every model call of a range in keyset chunks. */
class TracesTest {
  private static final long T0 = 1_700_000_000_000_000_000L;

  @Test
  void metricsReadEveryModelCallOfTheRangeInChunksWithoutLosingTiesAtTheBoundaries() {
    InMemoryStore store = new InMemoryStore();
    List<Span> spans = new ArrayList<>();
    // 103 calls; every start time is shared by 3 calls, so chunk boundaries fall inside ties
    for (int i = 0; i < 103; i++) {
      long start = T0 + (i / 3) * 1000L;
      spans.add(Span.builder().projectId("p").traceId(String.format("%032x", i + 1))
          .spanId(String.format("%016x", i + 1)).name("chat").startEpochNanos(start).endEpochNanos(start + 10)
          .llm(LlmFields.builder().requestModel("gpt-4o").inputTokens(1L).build()).build());
    }
    store.spans().write(spans);
    for (int chunk : new int[] {1, 2, 3, 4, 7, 10, 50, 103, 500}) {
      List<SpanStat> all = MetricsAggregation.allSpanStats(store.spans(), "p", T0, T0 + 1_000_000L, chunk, 1000);
      assertThat(all).as("chunk %d", chunk).hasSize(103);
      assertThat(all.stream().mapToLong(SpanStat::inputTokens).sum()).isEqualTo(103);
    }
    assertThatThrownBy(() -> MetricsAggregation.allSpanStats(store.spans(), "p", T0, T0 + 1_000_000L, 10, 50))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter range");
    assertThat(MetricsAggregation.allSpanStats(store.spans(), "p", T0 + 1000L, T0 + 2000L, 2, 1000)).hasSize(3);
  }
}
