package io.guardops.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.eval.OnlineRule;
import io.guardops.api.eval.TraceScore;
import io.guardops.api.store.Store;
import io.guardops.api.store.TraceQuery;
import io.guardops.engine.eval.Sampling;
import io.guardops.engine.eval.TracedModelClient;
import io.guardops.engine.internal.InMemoryStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online evaluation: sampling after the write, background scoring, the bounded queue. */
class OnlineEvaluationTest {
  static final Caller ALICE = Caller.claimedUser("alice");
  static final Caller BOB = Caller.claimedUser("bob");

  @TempDir
  Path dir;

  final Store store = new InMemoryStore();
  final FakeModel model = new FakeModel().answer(r -> "0.9");
  Engine engine;

  Engine engine(Map<String, String> settings) {
    Engine.Builder b = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(store).tokenCache(new MapTokenCache()).setting("guardops.auth", "unprotected")
        .startScheduler(false).modelClient(model).evaluator(TestEvaluators.judge()).evaluator(TestEvaluators.length())
        .evaluator(TestEvaluators.exact());
    settings.forEach(b::setting);
    engine = b.build();
    engine.users().provision("alice");
    engine.users().provision("bob");
    return engine;
  }

  @AfterEach
  void close() {
    model.open();
    if (engine != null) {
      engine.close();
    }
  }

  static Span call(String project, int i) {
    String trace = String.format("%032x", 0x1000L + i);
    long t = 1_780_000_000_000_000_000L + i * 1_000_000_000L;
    return Span.builder().projectId(project).traceId(trace).spanId(String.format("%016x", 0x10L + i)).name("chat")
        .startEpochNanos(t).endEpochNanos(t + 500_000_000L)
        .llm(LlmFields.builder().requestModel("gpt-4o-mini").prompt("question " + i).output("answer " + i)
            .inputTokens(10L).outputTokens(5L).build()).build();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(5);
    }
  }

  @Test
  void sampledModelCallsAreScoredInTheBackgroundAndJudgeCallsAreNotScoredAgain() throws Exception {
    engine(Map.of());
    String p = engine.projects().defaultProject("alice").orElseThrow().projectId();
    OnlineRule rule = engine.onlineEvaluation().create(ALICE, p, "judge", Map.of(), 0.5, true);
    List<Span> spans = new ArrayList<>();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      Span s = call(p, i);
      spans.add(s);
      if (Sampling.sampled(s.traceId(), 0.5)) {
        expected.add(s.traceId());
      }
    }
    // an agent span repeating its children's usage, and a span without output: not model calls
    spans.add(Span.builder().projectId(p).traceId(String.format("%032x", 0x9999L)).spanId("00000000000000aa")
        .name("agent").startEpochNanos(1_780_000_000_000_000_000L).endEpochNanos(1_780_000_001_000_000_000L)
        .llm(LlmFields.builder().output("x").usageIsAggregate(true).build()).build());
    engine.ingest().spans(spans);
    assertThat(expected).isNotEmpty().hasSizeLessThan(40);
    await(() -> engine.onlineEvaluation().stats().scored() == expected.size());
    Set<String> scored = new HashSet<>();
    for (Span s : spans) {
      for (TraceScore sc : engine.scores().forTrace(ALICE, p, s.traceId())) {
        scored.add(sc.traceId());
        assertThat(sc.source()).isEqualTo("online:judge");
        assertThat(sc.name()).isEqualTo("judge");
        assertThat(sc.value()).isEqualTo(0.9);
        assertThat(sc.spanId()).isEqualTo(s.spanId());
        assertThat(sc.author()).isEqualTo("alice");
        assertThat(sc.traceStartEpochNanos()).isEqualTo(s.startEpochNanos());
      }
    }
    assertThat(scored).isEqualTo(expected);
    // each judge call is a trace of the project, marked so it is never sampled itself
    long judgeTraces = engine.traces().search(ALICE, TraceQuery.builder(p).limit(100).build()).traces().stream()
        .filter(t -> t.rootName().startsWith("online evaluation")).count();
    assertThat(judgeTraces).isEqualTo(expected.size());
    Thread.sleep(100);
    OnlineEvaluation.Stats stats = engine.onlineEvaluation().stats();
    assertThat(stats.sampled()).isEqualTo(expected.size());
    assertThat(stats.scored()).isEqualTo(expected.size());
    assertThat(stats.failed()).isZero();
    assertThat(stats.rules()).isEqualTo(1);
    assertThat(rule.sampleRate()).isEqualTo(0.5);
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfSlowingIngestion() throws Exception {
    engine(Map.of("guardops.eval.online.queue-size", "2", "guardops.eval.online.threads", "1"));
    String p = engine.projects().defaultProject("alice").orElseThrow().projectId();
    engine.onlineEvaluation().create(ALICE, p, "judge", Map.of(), 1.0, true);
    model.hold();
    long t0 = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      engine.ingest().spans(List.of(call(p, i)));
    }
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(tookMs).as("ingestion never waits for the judge").isLessThan(5_000);
    await(() -> engine.onlineEvaluation().stats().dropped() > 0);
    OnlineEvaluation.Stats held = engine.onlineEvaluation().stats();
    // one in the judge's hands, two queued, the rest dropped
    assertThat(held.sampled()).isEqualTo(20);
    assertThat(held.dropped()).isBetween(17L, 18L);
    model.open();
    await(() -> engine.onlineEvaluation().stats().scored() == 20 - held.dropped());
    assertThat(engine.health().get("evaluation").detail()).contains(held.dropped() + " dropped");
  }

  @Test
  void judgeFailuresAreCountedNotRetried() throws Exception {
    engine(Map.of());
    String p = engine.projects().defaultProject("alice").orElseThrow().projectId();
    engine.onlineEvaluation().create(ALICE, p, "judge", Map.of(), 1.0, true);
    model.failure = new io.guardops.api.model.ModelException(io.guardops.api.model.ModelException.Kind.RATE_LIMITED,
        429, "Rate limit reached", null);
    engine.ingest().spans(List.of(call(p, 1), call(p, 2)));
    await(() -> engine.onlineEvaluation().stats().failed() == 2);
    assertThat(model.calls()).isEqualTo(2);
    assertThat(engine.scores().forTrace(ALICE, p, call(p, 1).traceId())).isEmpty();
  }

  @Test
  void rulesAreTheOwnersToChangeAndNeedWhatAnIncomingCallHas() {
    engine(Map.of());
    String p = engine.projects().defaultProject("alice").orElseThrow().projectId();
    assertThat(ExperimentsTest.kind(() -> engine.onlineEvaluation().create(ALICE, p, "exact", Map.of(), 1.0, true)))
        .as("exact needs an expected answer").isEqualTo(EngineException.Kind.BAD_REQUEST);
    assertThat(ExperimentsTest.kind(() -> engine.onlineEvaluation().create(ALICE, p, "length", Map.of(), 0, true)))
        .isEqualTo(EngineException.Kind.BAD_REQUEST);
    assertThat(ExperimentsTest.kind(() -> engine.onlineEvaluation().create(ALICE, p, "nope", Map.of(), 1, true)))
        .isEqualTo(EngineException.Kind.NOT_FOUND);
    assertThat(ExperimentsTest.kind(() -> engine.onlineEvaluation().create(BOB, p, "length", Map.of(), 1, true)))
        .isEqualTo(EngineException.Kind.NOT_FOUND);
    engine.projects().importShared(BOB, engine.projects().share(ALICE, p).code());
    assertThat(ExperimentsTest.kind(() -> engine.onlineEvaluation().create(BOB, p, "length", Map.of(), 1, true)))
        .isEqualTo(EngineException.Kind.FORBIDDEN);
    OnlineRule r = engine.onlineEvaluation().create(ALICE, p, "length", Map.of(), 0.25, true);
    assertThat(engine.onlineEvaluation().list(BOB, p)).containsExactly(r);
    OnlineRule off = engine.onlineEvaluation().update(ALICE, p, r.ruleId(), null, null, false);
    assertThat(off.enabled()).isFalse();
    assertThat(off.sampleRate()).isEqualTo(0.25);
    assertThat(engine.onlineEvaluation().stats().rules()).isZero();
    engine.onlineEvaluation().delete(ALICE, p, r.ruleId());
    assertThat(engine.onlineEvaluation().list(ALICE, p)).isEmpty();
    assertThat(TracedModelClient.SOURCE_ATTRIBUTE).isEqualTo("guardops.eval.source");
  }
}
