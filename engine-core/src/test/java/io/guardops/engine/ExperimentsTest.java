package io.guardops.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.model.ModelException;
import io.guardops.api.store.TraceQuery;
import io.guardops.engine.internal.InMemoryStore;
import io.guardops.engine.pricing.PriceTable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment runner on the reference store, with an in-process model and small evaluators. */
class ExperimentsTest {
  static final Caller ALICE = Caller.claimedUser("alice");
  static final Caller BOB = Caller.claimedUser("bob");
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
  final InMemoryStore.Backend backend = new InMemoryStore.Backend();
  final FakeModel model = new FakeModel();
  final List<Engine> engines = new ArrayList<>();

  Engine engine(Map<String, String> settings, boolean withModel) {
    Engine.Builder b = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(new InMemoryStore(backend)).tokenCache(new MapTokenCache())
        .setting("guardops.auth", "unprotected").clock(clock).startScheduler(false)
        .evaluator(TestEvaluators.exact()).evaluator(TestEvaluators.length()).evaluator(TestEvaluators.judge());
    if (withModel) {
      b.modelClient(model);
    }
    settings.forEach(b::setting);
    Engine e = b.build();
    engines.add(e);
    return e;
  }

  Engine engine() {
    return engine(Map.of(), true);
  }

  @BeforeEach
  void users() {
    Engine e = engine();
    e.users().provision("alice");
    e.users().provision("bob");
  }

  @AfterEach
  void close() {
    model.open();
    engines.forEach(Engine::close);
  }

  /** A dataset of {@code n} items: input q<i>, expected "Answer: q<i>", output per {@code outputs}. */
  static String dataset(Engine e, int n, java.util.function.IntFunction<String> outputs) {
    String id = e.datasets().create(ALICE, "qa", "").datasetId();
    List<Datasets.ItemDraft> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(new Datasets.ItemDraft(String.format("item-%03d", i), "q" + i, outputs.apply(i), "Answer: q" + i,
          List.of(), Map.of("topic", "t" + (i % 2))));
    }
    e.datasets().addItems(ALICE, id, items);
    return id;
  }

  static ExperimentDefinition prompt(String datasetId, Integer concurrency, ExperimentDefinition.EvaluatorRun... evs) {
    return new ExperimentDefinition(null, datasetId, null, null,
        ExperimentDefinition.Task.prompt("Answer: {{input}}", "gpt-4o-mini"), List.of(evs), concurrency);
  }

  static ExperimentDefinition existing(String datasetId, Long version, ExperimentDefinition.EvaluatorRun... evs) {
    return new ExperimentDefinition(null, datasetId, version, null, ExperimentDefinition.Task.existing(), List.of(evs),
        null);
  }

  static ExperimentDefinition.EvaluatorRun ev(String name, Double threshold) {
    return new ExperimentDefinition.EvaluatorRun(name, Map.of(), threshold);
  }

  static List<ExperimentResult> results(Engine e, String experimentId) {
    return e.experiments().results(ALICE, experimentId, null, 1000).results();
  }

  @Test
  void itemsRunWithBoundedConcurrencyAndEveryResultIsStored() throws Exception {
    Engine e = engines.get(0);
    String ds = dataset(e, 20, i -> null);
    model.hold();
    Experiment x = e.experiments().create(ALICE, prompt(ds, 3, ev("exact", null)));
    assertThat(x.status()).isEqualTo(Experiment.Status.PENDING);
    assertThat(x.total()).isEqualTo(20);
    assertThat(model.awaitInFlight(3)).isTrue();
    Thread.sleep(50); // a fourth call would have started by now if the bound leaked
    assertThat(model.inFlight()).isEqualTo(3);
    assertThat(e.experiments().get(ALICE, x.experimentId()).status()).isEqualTo(Experiment.Status.RUNNING);
    model.open();
    Experiment done = e.experiments().await(ALICE, x.experimentId(), WAIT);
    assertThat(done.status()).isEqualTo(Experiment.Status.SUCCEEDED);
    assertThat(done.done()).isEqualTo(20);
    assertThat(done.failed()).isZero();
    assertThat(model.maxInFlight()).isEqualTo(3);
    List<ExperimentResult> rs = results(e, x.experimentId());
    assertThat(rs).hasSize(20).allSatisfy(r -> {
      assertThat(r.output()).isEqualTo("Answer: q" + Integer.parseInt(r.itemId().substring(5)));
      assertThat(r.scores()).extracting(EvalScore::value).containsExactly(1.0);
      assertThat(r.traceId()).isNotNull();
    });
    Experiments.Summary s = e.experiments().summary(done);
    assertThat(s.evaluators()).singleElement().satisfies(es -> {
      assertThat(es.scored()).isEqualTo(20);
      assertThat(es.mean()).isEqualTo(1.0);
    });
    // the prompt template was rendered from the item
    assertThat(model.requests).extracting(r -> FakeModel.last(r.messages())).contains("Answer: q7");
  }

  @Test
  void costIsTaskAndJudgeUsagePricedFromTheTableAndEveryCallIsTracedIntoTheProject() throws Exception {
    Engine e = engines.get(0);
    String ds = dataset(e, 2, i -> null);
    model.answer(r -> FakeModel.last(r.messages()).startsWith("score:") ? "0.25" : "forty two words here");
    Experiment x = e.experiments().create(ALICE, prompt(ds, 1, ev("judge", null), ev("length", null)));
    Experiment done = e.experiments().await(ALICE, x.experimentId(), WAIT);
    assertThat(done.status()).isEqualTo(Experiment.Status.SUCCEEDED);
    PriceTable prices = PriceTable.bundled();
    double expected = 0;
    for (ChatRequest r : model.requests) {
      long in = r.messages().stream().mapToLong(m -> FakeModel.words(m.content())).sum();
      long out = FakeModel.words(FakeModel.last(r.messages()).startsWith("score:") ? "0.25" : "forty two words here");
      expected += prices.cost(LlmFields.builder().requestModel("gpt-4o-mini").inputTokens(in).outputTokens(out)
          .build());
    }
    assertThat(model.requests).hasSize(4);
    assertThat(done.cost()).isCloseTo(expected, within(1e-12));
    List<ExperimentResult> rs = results(e, x.experimentId());
    assertThat(rs.stream().mapToDouble(ExperimentResult::cost).sum()).isCloseTo(expected, within(1e-12));
    EvalScore judged = rs.get(0).scores().get(0);
    assertThat(judged.value()).isEqualTo(0.25);
    assertThat(judged.usage().cost()).as("the judge's usage priced by the engine").isPositive();
    // one trace per item in the run's project (the caller's Default Project): a root, the task, the judge
    String project = done.projectId();
    assertThat(project).isEqualTo(Users.defaultProjectId("alice"));
    Traces.TraceBatch batch = e.traces().withSpans(ALICE, TraceQuery.builder(project).limit(10).build());
    assertThat(batch.traces()).hasSize(2);
    double traced = 0;
    for (Traces.TraceDetail t : batch.traces()) {
      assertThat(t.spans()).hasSize(3);
      assertThat(t.spans().get(0).isRoot()).isTrue();
      assertThat(t.spans().get(0).attributes()).containsEntry("guardops.experiment.id", x.experimentId());
      Span task = t.spans().stream().filter(s -> !s.isRoot() && "forty two words here".equals(s.llm().output()))
          .findFirst().orElseThrow();
      assertThat(task.attributes()).containsEntry("gen_ai.request.model", "gpt-4o-mini")
          .containsKey("gen_ai.usage.input_tokens");
      assertThat(task.llm().prompt()).startsWith("Answer: q");
      traced += t.summary().cost();
      assertThat(rs.stream().filter(r -> t.summary().traceId().equals(r.traceId())).findFirst()).isPresent();
    }
    assertThat(traced).as("what the traces show is what the run cost").isCloseTo(expected, within(1e-12));
  }

  @Test
  void cancellingStopsNewItemsAndKeepsTheOnesInFlight() throws Exception {
    Engine e = engines.get(0);
    String ds = dataset(e, 10, i -> null);
    model.hold();
    Experiment x = e.experiments().create(ALICE, prompt(ds, 2, ev("exact", 0.5)));
    assertThat(model.awaitInFlight(2)).isTrue();
    Experiment cancelled = e.experiments().cancel(ALICE, x.experimentId());
    assertThat(cancelled.status()).isEqualTo(Experiment.Status.CANCELLED);
    assertThat(cancelled.error()).contains("cancelled by alice");
    assertThatThrownBy(() -> e.experiments().cancel(BOB, x.experimentId()))
        .isInstanceOf(EngineException.class).extracting(t -> ((EngineException) t).kind())
        .isEqualTo(EngineException.Kind.NOT_FOUND);
    model.open();
    Experiment done = e.experiments().await(ALICE, x.experimentId(), WAIT);
    assertThat(done.status()).isEqualTo(Experiment.Status.CANCELLED);
    assertThat(done.done()).isEqualTo(2);
    assertThat(model.calls()).isEqualTo(2);
    assertThat(results(e, x.experimentId())).hasSize(2);
    assertThat(e.experiments().summary(done).thresholdsMet()).as("8 items were never scored").isFalse();
    // cancelling a finished run changes nothing
    assertThat(e.experiments().cancel(ALICE, x.experimentId())).isEqualTo(done);
  }

  @Test
  void thresholdsAreMetOnlyWhenEveryItemIsScoredAndTheMeanReachesThem() throws Exception {
    Engine e = engines.get(0);
    String ds = dataset(e, 4, i -> i < 3 ? "Answer: q" + i : "wrong");
    Experiment met = e.experiments().await(ALICE, e.experiments().create(ALICE,
        existing(ds, null, ev("exact", 0.75), ev("length", null))).experimentId(), WAIT);
    Experiments.Summary s = e.experiments().summary(met);
    assertThat(s.evaluators().get(0).mean()).isEqualTo(0.75);
    assertThat(s.evaluators().get(0).passed()).isEqualTo(3);
    assertThat(s.evaluators().get(0).met()).isTrue();
    assertThat(s.evaluators().get(1).met()).isNull();
    assertThat(s.thresholdsMet()).isTrue();
    Experiment missed = e.experiments().await(ALICE, e.experiments().create(ALICE,
        existing(ds, null, ev("exact", 0.8))).experimentId(), WAIT);
    assertThat(e.experiments().summary(missed).thresholdsMet()).isFalse();
    // an item the evaluator cannot score (no expected answer) fails the gate whatever the mean
    e.datasets().addItems(ALICE, ds, List.of(new Datasets.ItemDraft("item-999", "q", "Answer: q", null, null, null)));
    Experiment unscored = e.experiments().await(ALICE, e.experiments().create(ALICE,
        existing(ds, null, ev("exact", 0.1))).experimentId(), WAIT);
    assertThat(unscored.status()).isEqualTo(Experiment.Status.SUCCEEDED);
    assertThat(unscored.failed()).isEqualTo(1);
    Experiments.Summary us = e.experiments().summary(unscored);
    assertThat(us.evaluators().get(0).scored()).isEqualTo(4);
    assertThat(us.thresholdsMet()).isFalse();
    assertThat(results(e, unscored.experimentId())).filteredOn(ExperimentResult::failed).singleElement()
        .satisfies(r -> assertThat(r.error()).contains("exact needs an expected answer"));
  }

  @Test
  void comparingTwoRunsGivesDeltasPerEvaluatorWithRegressionsFirst() throws Exception {
    Engine e = engines.get(0);
    String ds = dataset(e, 4, i -> "Answer: q" + i);
    Experiment a = e.experiments().await(ALICE, e.experiments().create(ALICE,
        existing(ds, null, ev("exact", null), ev("length", null))).experimentId(), WAIT);
    // version 2: item 1 gets a wrong output, item 3 goes, item 9 arrives
    e.datasets().updateItem(ALICE, ds, "item-001", new Datasets.ItemPatch(null, "nope", null, null, null));
    e.datasets().deleteItems(ALICE, ds, List.of("item-003"));
    e.datasets().addItems(ALICE, ds, List.of(new Datasets.ItemDraft("item-009", "q9", "Answer: q9", "Answer: q9",
        null, null)));
    Experiment b = e.experiments().await(ALICE, e.experiments().create(ALICE,
        existing(ds, null, ev("exact", null), ev("length", null))).experimentId(), WAIT);
    assertThat(b.datasetVersion()).isEqualTo(a.datasetVersion() + 3);
    Experiments.Comparison c = e.experiments().compare(ALICE, a.experimentId(), b.experimentId(), 10);
    assertThat(c.matched()).isEqualTo(3);
    assertThat(c.onlyA()).isEqualTo(1);
    assertThat(c.onlyB()).isEqualTo(1);
    Experiments.MetricDelta exact = c.metrics().get(0);
    assertThat(exact.name()).isEqualTo("exact");
    assertThat(exact.meanA()).isEqualTo(1.0);
    assertThat(exact.meanB()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(exact.regressed()).isEqualTo(1);
    assertThat(exact.unchanged()).isEqualTo(2);
    assertThat(c.items().get(0).itemId()).as("the regression first").isEqualTo("item-001");
    assertThat(c.items().get(0).worst()).isEqualTo(-1.0);
    assertThat(c.items().get(0).outputB()).isEqualTo("nope");
    assertThat(e.experiments().compare(ALICE, a.experimentId(), b.experimentId(), 1).items()).hasSize(1)
        .extracting(Experiments.ItemDelta::itemId).containsExactly("item-001");
    assertThatThrownBy(() -> e.experiments().compare(BOB, a.experimentId(), b.experimentId(), 10))
        .isInstanceOf(EngineException.class).hasMessageContaining("not found");
  }

  @Test
  void stoppingTheEngineMarksItsRunsFailed() throws Exception {
    Engine first = engines.get(0);
    String ds = dataset(first, 3, i -> null);
    model.hold();
    Experiment x = first.experiments().create(ALICE, prompt(ds, 1, ev("exact", null)));
    assertThat(model.awaitInFlight(1)).isTrue();
    first.close(); // a restart: the instance stops with the run in flight
    Experiment failed = engine().experiments().get(ALICE, x.experimentId());
    assertThat(failed.status()).isEqualTo(Experiment.Status.FAILED);
    assertThat(failed.error()).contains("was stopped before it finished").contains("start it again");
  }

  @Test
  void aRunWhoseInstanceCrashedIsMarkedFailedOnceItsLeaseExpires() {
    Engine e = engines.get(0);
    String ds = dataset(e, 3, i -> null);
    // what a crashed instance leaves behind: a RUNNING run and its lease, which nobody renews
    Experiment orphan = new Experiment("run-of-a-dead-instance", "alice", Users.defaultProjectId("alice"), ds, 1, "x",
        existing(ds, 1L, ev("exact", null)).toJson(), Experiment.Status.RUNNING, 3, 1, 0, null, clock.instant(),
        clock.instant(), null, null);
    e.store().experiments().orElseThrow().create(orphan);
    e.store().retention().tryAcquireLease(Experiments.lease(orphan.experimentId()), "dead-instance", clock.instant(),
        Duration.ofSeconds(60));
    assertThat(e.experiments().get(ALICE, orphan.experimentId()).status()).as("its lease still holds")
        .isEqualTo(Experiment.Status.RUNNING);
    clock.advance(Duration.ofSeconds(61));
    Experiment failed = e.experiments().get(ALICE, orphan.experimentId());
    assertThat(failed.status()).isEqualTo(Experiment.Status.FAILED);
    assertThat(failed.error()).contains("stopped (a restart or a crash)").contains("after 1 of 3 items")
        .contains("start it again");
    assertThat(failed.finishedAt()).isEqualTo(clock.instant());
    assertThat(e.experiments().list(ALICE, ds, 10)).containsExactly(failed);
  }

  @Test
  void aModelRefusingEveryCallStopsTheRunAfterTheFirstFailures() throws Exception {
    Engine e = engine(Map.of("guardops.eval.abort-after-failures", "3"), true);
    String ds = dataset(e, 10, i -> null);
    model.failure = new ModelException(ModelException.Kind.UNAUTHORIZED, 401, "Incorrect API key", null);
    Experiment done = e.experiments().await(ALICE, e.experiments().create(ALICE,
        prompt(ds, 1, ev("exact", null))).experimentId(), WAIT);
    assertThat(done.status()).isEqualTo(Experiment.Status.FAILED);
    assertThat(done.done()).isEqualTo(3);
    assertThat(done.failed()).isEqualTo(3);
    assertThat(done.error()).contains("first 3 items all failed").contains("check the model client's API key");
    assertThat(results(e, done.experimentId())).allSatisfy(r -> assertThat(r.error()).startsWith("task:"));
  }

  @Test
  void definitionsAreCheckedBeforeAnythingRuns() {
    Engine e = engines.get(0);
    String ds = dataset(e, 1, i -> "x");
    String empty = e.datasets().create(ALICE, "empty", "").datasetId();
    assertThat(kind(() -> e.experiments().create(ALICE, existing(ds, null, ev("rouge_9", null)))))
        .isEqualTo(EngineException.Kind.NOT_FOUND);
    assertThat(kind(() -> e.experiments().create(ALICE, existing(ds, null,
        new ExperimentDefinition.EvaluatorRun("exact", Map.of("ignore_kase", "true"), null)))))
        .isEqualTo(EngineException.Kind.BAD_REQUEST);
    assertThat(kind(() -> e.experiments().create(ALICE, existing(ds, null)))).isEqualTo(EngineException.Kind.BAD_REQUEST);
    assertThat(kind(() -> e.experiments().create(ALICE, existing(empty, null, ev("exact", null)))))
        .isEqualTo(EngineException.Kind.BAD_REQUEST);
    assertThat(kind(() -> e.experiments().create(ALICE, existing(ds, 7L, ev("exact", null)))))
        .isEqualTo(EngineException.Kind.NOT_FOUND);
    assertThat(kind(() -> e.experiments().create(BOB, existing(ds, null, ev("exact", null)))))
        .isEqualTo(EngineException.Kind.NOT_FOUND);
    assertThat(kind(() -> e.experiments().create(ALICE, new ExperimentDefinition(null, ds, null, null,
        new ExperimentDefinition.Task("prompt", "{{input}}", null, null, null, null, null), List.of(ev("exact", null)),
        null)))).isEqualTo(EngineException.Kind.BAD_REQUEST);
    assertThat(kind(() -> e.experiments().create(ALICE, new ExperimentDefinition(null, ds, null, null,
        ExperimentDefinition.Task.prompt("{{input", "m"), List.of(ev("exact", null)), null))))
        .isEqualTo(EngineException.Kind.BAD_REQUEST);
    assertThat(kind(() -> e.experiments().create(ALICE, prompt(ds, 99, ev("exact", null)))))
        .isEqualTo(EngineException.Kind.BAD_REQUEST);
    Engine noModel = engine(Map.of(), false);
    assertThat(kind(() -> noModel.experiments().create(ALICE, prompt(ds, 1, ev("exact", null)))))
        .isEqualTo(EngineException.Kind.NOT_IMPLEMENTED);
    assertThat(kind(() -> noModel.experiments().create(ALICE, existing(ds, null, ev("judge", null)))))
        .isEqualTo(EngineException.Kind.NOT_IMPLEMENTED);
  }

  @Test
  void aDefinitionSurvivesItsJsonForm() {
    ExperimentDefinition d = new ExperimentDefinition("n", "ds", 3L, "p",
        new ExperimentDefinition.Task("prompt", "Q: {{input}}", "be brief", "gpt-4o", 0.2, 64, 0.9),
        List.of(new ExperimentDefinition.EvaluatorRun("rubric", Map.of("rubric", "a, b: {{output}}"), 0.5),
            ev("exact", null)), 4);
    assertThat(ExperimentDefinition.fromJson(d.toJson())).isEqualTo(d);
    assertThatThrownBy(() -> ExperimentDefinition.fromMap(Map.of("evaluators", "exact")))
        .hasMessageContaining("'evaluators' must be a list");
  }

  static EngineException.Kind kind(Runnable r) {
    try {
      r.run();
    } catch (EngineException e) {
      return e.kind();
    }
    throw new AssertionError("no EngineException");
  }
}
