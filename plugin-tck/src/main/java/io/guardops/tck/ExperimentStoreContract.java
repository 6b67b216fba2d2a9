package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.store.ExperimentStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ExperimentStore}: experiments, their progress and per-item results. */
public abstract class ExperimentStoreContract extends StoreContractSupport {
  protected ExperimentStore experiments;

  @BeforeEach
  void experimentPart() {
    Assumptions.assumeTrue(store.experiments().isPresent(), "this store keeps no experiments");
    experiments = store.experiments().get();
  }

  protected static Experiment experiment(String id, String dataset, java.time.Instant created) {
    return new Experiment(id, "u1", "p1", dataset, 3, "run " + id, "{\"task\": {\"kind\": \"existing\"}}",
        Experiment.Status.PENDING, 10, 0, 0, null, created, null, null, null);
  }

  protected static ExperimentResult result(String experimentId, String itemId, double score) {
    EvalScore s = new EvalScore("rouge_l", score, score > 0.5 ? "pass" : "fail", "why \u00e9",
        new EvalScore.Usage("gpt-4o-mini", 10L, 5L, 0.001), Map.of("precision", 0.5));
    return new ExperimentResult(experimentId, itemId, "output of " + itemId, 1_500_000L, 12L, 7L, 0.002,
        traceId(1), List.of(s, EvalScore.of("exact_match", 0)), null);
  }

  @Test
  void experimentsAreCreatedFoundUpdatedAndListedNewestFirst() {
    experiments.create(experiment("x1", "d1", NOW));
    experiments.create(experiment("x2", "d1", NOW.plusSeconds(1)));
    experiments.create(experiment("x3", "d2", NOW));
    assertThatThrownBy(() -> experiments.create(experiment("x1", "d1", NOW))).isInstanceOf(IllegalArgumentException.class);
    assertThat(experiments.find("x1")).contains(experiment("x1", "d1", NOW));
    assertThat(experiments.listForDataset("d1", 10)).extracting(Experiment::experimentId).containsExactly("x2", "x1");
    assertThat(experiments.listForDataset("d1", 1)).hasSize(1);
    Experiment running = experiment("x1", "d1", NOW).progress(Experiment.Status.RUNNING, 4, 1, 0.25,
        NOW.plusSeconds(2), null, null);
    assertThat(experiments.update(running)).isTrue();
    assertThat(experiments.find("x1")).contains(running);
    Experiment failed = running.progress(Experiment.Status.FAILED, 5, 5, null, NOW.plusSeconds(2),
        NOW.plusSeconds(9), "the model endpoint refused the key");
    experiments.update(failed);
    assertThat(experiments.find("x1")).contains(failed);
    assertThat(experiments.update(experiment("nope", "d1", NOW))).isFalse();
  }

  @Test
  void resultsRoundTripArePagedByItemAndReplacedPerItem() {
    experiments.create(experiment("x1", "d1", NOW));
    List<ExperimentResult> batch = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      batch.add(result("x1", String.format("item-%02d", i), i / 12.0));
    }
    batch.add(new ExperimentResult("x1", "zz-failed", null, null, null, null, null, null, List.of(),
        "the task timed out"));
    experiments.putResults(batch);
    experiments.putResults(List.of(result("x1", "item-03", 0.99)));
    List<ExperimentResult> first = experiments.results("x1", null, 5);
    assertThat(first).extracting(ExperimentResult::itemId)
        .containsExactly("item-00", "item-01", "item-02", "item-03", "item-04");
    assertThat(first.get(0)).isEqualTo(result("x1", "item-00", 0.0));
    assertThat(first.get(3).scores().get(0).value()).isEqualTo(0.99);
    List<ExperimentResult> rest = experiments.results("x1", "item-04", 100);
    assertThat(rest).hasSize(8);
    assertThat(rest.get(rest.size() - 1).failed()).isTrue();
    assertThat(rest.get(rest.size() - 1).error()).isEqualTo("the task timed out");
    assertThat(experiments.results("x9", null, 10)).isEmpty();
  }

  @Test
  void deletingAnExperimentRemovesItsResults() {
    experiments.create(experiment("x1", "d1", NOW));
    experiments.create(experiment("x2", "d1", NOW));
    experiments.putResults(List.of(result("x1", "a", 1), result("x2", "a", 1)));
    assertThat(experiments.delete("x1")).isTrue();
    assertThat(experiments.delete("x1")).isFalse();
    assertThat(experiments.results("x1", null, 10)).isEmpty();
    assertThat(experiments.results("x2", null, 10)).hasSize(1);
  }
}
