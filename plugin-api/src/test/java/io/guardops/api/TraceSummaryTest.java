package io.guardops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The summary rule every store shares. */
class TraceSummaryTest {
  private static final String T = "0af7651916cd43dd8448eb211c80319c";

  private static TraceSummary.SpanFacts f(String id, String parent, String name, long start, long end, String model,
      long in, long out, Double cost, boolean aggregate) {
    return new TraceSummary.SpanFacts(id, parent, name, start, end, false, model, in, out, in + out, cost, aggregate);
  }

  @Test
  void rootNameFallsBackToTheEarliestSpanUntilARootArrives() {
    TraceSummary noRoot = TraceSummary.of("p", T, List.of(f("b", "a", "child-b", 20, 30, null, 0, 0, null, false),
        f("c", "a", "child-c", 10, 40, null, 0, 0, null, false)));
    assertThat(noRoot.rootSpanId()).isNull();
    assertThat(noRoot.rootName()).isEqualTo("child-c");
    assertThat(noRoot.startEpochNanos()).isEqualTo(10);
    assertThat(noRoot.endEpochNanos()).isEqualTo(40);
  }

  @Test
  void wrapperUsageIsNotCountedTwiceButIsNotLostEither() {
    TraceSummary.SpanFacts agent = f("a", null, "agent", 0, 100, "gpt-4o", 300, 70, 0.3, true);
    TraceSummary alone = TraceSummary.of("p", T, List.of(agent));
    assertThat(alone.inputTokens()).isEqualTo(300);
    assertThat(alone.cost()).isEqualTo(0.3);
    TraceSummary withChild = TraceSummary.of("p", T, List.of(agent,
        f("b", "a", "llm", 10, 90, "gpt-4o-mini", 300, 70, 0.1, false)));
    assertThat(withChild.inputTokens()).isEqualTo(300);
    assertThat(withChild.totalTokens()).isEqualTo(370);
    assertThat(withChild.cost()).isEqualTo(0.1);
    assertThat(withChild.model()).isEqualTo("gpt-4o-mini"); // the span that made the call
  }

  @Test
  void unknownPricesGiveNullCostNotZero() {
    TraceSummary s = TraceSummary.of("p", T, List.of(f("a", null, "r", 0, 1, "local", 5, 5, null, false)));
    assertThat(s.cost()).isNull();
    assertThat(s.totalTokens()).isEqualTo(10);
    assertThatThrownBy(() -> TraceSummary.of("p", T, List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSummaryDoesNotDependOnTheOrderOfItsSpans() {
    Random r = new Random(7);
    List<TraceSummary.SpanFacts> facts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      facts.add(new TraceSummary.SpanFacts(String.format("%016x", i + 1), i == 0 ? null : String.format("%016x", 1),
          "s" + i, r.nextInt(5), 10 + r.nextInt(5), r.nextBoolean(), r.nextBoolean() ? "m" + r.nextInt(3) : null,
          r.nextInt(9), r.nextInt(9), r.nextInt(20), r.nextBoolean() ? r.nextInt(1000) / 997.0 : null,
          r.nextInt(4) == 0));
    }
    TraceSummary first = TraceSummary.of("p", T, facts);
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(facts, r);
      assertThat(TraceSummary.of("p", T, facts)).isEqualTo(first);
    }
  }
}
