package io.guardops.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanStat;
import io.guardops.engine.internal.InMemoryStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading traces: metrics over more model calls than one store round trip returns. */
class TracesTest {
  private static final long T0 = 1_700_000_000_000_000_000L;

  @TempDir
  Path dir;

  @Test
  void metricsReadEveryModelCallOfTheRangeInChunksWithoutLosingTiesAtTheBoundaries() {
    InMemoryStore store = new InMemoryStore();
    try (Engine engine = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(store).tokenCache(new MapTokenCache()).setting("guardops.auth", "unprotected")
        .startScheduler(false).build()) {
      String project = engine.projects().create("alice", "p", "", List.of(), 0).projectId();
      List<Span> spans = new ArrayList<>();
      // 103 calls; every start time is shared by 3 calls, so chunk boundaries fall inside ties
      for (int i = 0; i < 103; i++) {
        long start = T0 + (i / 3) * 1000L;
        spans.add(Span.builder().projectId(project).traceId(String.format("%032x", i + 1))
            .spanId(String.format("%016x", i + 1)).name("chat").startEpochNanos(start).endEpochNanos(start + 10)
            .llm(LlmFields.builder().requestModel("gpt-4o").inputTokens(1L).build()).build());
      }
      store.writeSpans(spans);
      Traces traces = engine.traces();
      for (int chunk : new int[] {1, 2, 3, 4, 7, 10, 50, 103, 500}) {
        List<SpanStat> all = traces.allSpanStats(project, T0, T0 + 1_000_000L, chunk, 1000);
        assertThat(all).as("chunk %d", chunk).hasSize(103);
        assertThat(all.stream().mapToLong(SpanStat::inputTokens).sum()).isEqualTo(103);
      }
      assertThatThrownBy(() -> traces.allSpanStats(project, T0, T0 + 1_000_000L, 10, 50))
          .isInstanceOf(EngineException.class).hasMessageContaining("shorter range");
      assertThat(traces.allSpanStats(project, T0 + 1000L, T0 + 2000L, 2, 1000)).hasSize(3);
    }
  }
}
