package io.guardops.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.SpanStore;
import io.guardops.api.store.TraceQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The in-memory store's bound: whole traces go, oldest start first, and what stays is intact. */
class InMemoryStoreBoundTest {
  private static final long T0 = 1_700_000_000_000_000_000L;

  private static String traceId(int n) {
    return String.format("%032x", n + 1);
  }

  /** A trace of {@code spans} spans starting {@code startSecond} seconds after T0. */
  private static List<Span> trace(String project, int n, int startSecond, int spans) {
    List<Span> out = new ArrayList<>();
    for (int i = 0; i < spans; i++) {
      long start = T0 + startSecond * 1_000_000_000L + i * 1_000_000L;
      out.add(Span.builder().projectId(project).traceId(traceId(n)).spanId(String.format("%016x", i + 1))
          .parentSpanId(i == 0 ? null : String.format("%016x", 1)).name("s" + i).startEpochNanos(start)
          .endEpochNanos(start + 5_000_000L).build());
    }
    return out;
  }

  private static List<String> listed(SpanStore spans, String project) {
    return spans.findTraces(TraceQuery.page(project, 0, 1000)).traces().stream().map(TraceSummary::traceId).toList();
  }

  @Test
  void evictsWholeTracesOldestStartFirstNotOldestArrival() {
    InMemoryStore store = new InMemoryStore(new InMemoryStore.Backend(40));
    // 10 traces of 4 spans arrive with starts in shuffled order: 7, 2, 9, 0, 5, 1, 8, 3, 6, 4
    int[] starts = {7, 2, 9, 0, 5, 1, 8, 3, 6, 4};
    for (int i = 0; i < starts.length; i++) {
      store.spans().write(trace("p", starts[i], starts[i] * 10, 4));
    }
    assertThat(listed(store.spans(), "p")).hasSize(10);
    assertThat(store.check().detail()).contains("40 of 40 spans (100% full)");

    // three more traces, one of them older than all: the oldest starts go, whatever their arrival
    store.spans().write(trace("p", 10, 100, 4));
    store.spans().write(trace("q", 11, 105, 4));
    store.spans().write(trace("p", 12, -5, 4));
    List<String> kept = listed(store.spans(), "p");
    // each write went 4 spans over: the oldest start went each time (0, then 1, then the late arrival at -5)
    assertThat(kept).doesNotContain(traceId(0), traceId(1), traceId(12))
        .containsExactly(traceId(10), traceId(9), traceId(8), traceId(7), traceId(6), traceId(5), traceId(4),
            traceId(3), traceId(2));
    assertThat(listed(store.spans(), "q")).containsExactly(traceId(11));
    assertThat(store.spans().findSpans("p", kept)).hasSize(kept.size() * 4);
    for (String t : kept) {
      assertThat(store.spans().findTrace("p", t).orElseThrow().spanCount()).isEqualTo(4);
    }
    assertThat(store.check().detail()).contains("40 of 40 spans").contains("3 oldest traces evicted");
  }

  @Test
  void aTraceThatGrowsEarlierMovesInTheAgeOrder() {
    InMemoryStore store = new InMemoryStore(new InMemoryStore.Backend(12));
    store.spans().write(trace("p", 0, 10, 4));
    store.spans().write(trace("p", 1, 20, 4));
    store.spans().write(trace("p", 2, 30, 4));
    // trace 2 gets a span that starts before everything: it is now the oldest and goes first
    Span early = Span.builder().projectId("p").traceId(traceId(2)).spanId(String.format("%016x", 99))
        .name("early").startEpochNanos(T0).endEpochNanos(T0 + 1).build();
    store.spans().write(List.of(early));
    assertThat(listed(store.spans(), "p")).containsExactly(traceId(1), traceId(0));
  }

  @Test
  void reSendingSpansDoesNotCountThemTwice() {
    InMemoryStore store = new InMemoryStore(new InMemoryStore.Backend(8));
    List<Span> a = trace("p", 0, 10, 4);
    store.spans().write(a);
    store.spans().write(a);
    store.spans().write(trace("p", 1, 20, 4));
    assertThat(listed(store.spans(), "p")).containsExactly(traceId(1), traceId(0));
    assertThat(store.check().detail()).contains("8 of 8 spans");
  }

  @Test
  void purgesAndClearsKeepTheCountRight() {
    InMemoryStore.Backend backend = new InMemoryStore.Backend(1000);
    InMemoryStore store = new InMemoryStore(backend);
    IntStream.range(0, 20).forEach(i -> store.spans().write(trace("p", i, i, 3)));
    assertThat(store.spans().purgeTraces("p", T0 + 10 * 1_000_000_000L, 100).deletedSpans()).isEqualTo(30);
    assertThat(store.check().detail()).contains("30 of 1000 spans (3% full) in 10 traces");
    backend.clear();
    assertThat(store.check().detail()).contains("0 of 1000 spans");
  }

  @Test
  void refusesANonPositiveBound() {
    assertThatThrownBy(() -> new InMemoryStore.Backend(0)).hasMessageContaining("max-spans must be at least 1");
  }
}
