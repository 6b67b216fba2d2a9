package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.eval.Evaluation;
import io.guardops.api.eval.EvaluationEntry;
import io.guardops.api.eval.OnlineRule;
import io.guardops.api.store.EvaluationStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link EvaluationStore}: wire-contract evaluations with their entries, and online rules. */
public abstract class EvaluationStoreContract extends StoreContractSupport {
  protected EvaluationStore evaluations;

  @BeforeEach
  void evaluationPart() {
    Assumptions.assumeTrue(store.evaluations().isPresent(), "this store keeps no evaluations");
    evaluations = store.evaluations().get();
  }

  protected static Evaluation evaluation(String id, String project, java.time.Instant created) {
    return new Evaluation(id, project, "u1", "Title " + id, "desc", created.minusSeconds(60), created);
  }

  protected static EvaluationEntry entry(String evalId, String evaluationId, String project, String data,
      java.time.Instant created) {
    return new EvaluationEntry(evalId, evaluationId, project, "run " + evalId, "Deepeval", data, created, created);
  }

  @Test
  void evaluationsAreCreatedOnceListedUpdatedAndDeletedWithTheirEntries() {
    assertThat(evaluations.createEvaluation(evaluation("e2", "p1", NOW.plusSeconds(1)))).isTrue();
    assertThat(evaluations.createEvaluation(evaluation("e1", "p1", NOW))).isTrue();
    assertThat(evaluations.createEvaluation(evaluation("e1", "p1", NOW.plusSeconds(99)))).isFalse();
    evaluations.createEvaluation(evaluation("e3", "p2", NOW));
    assertThat(evaluations.findEvaluation("e1")).contains(evaluation("e1", "p1", NOW));
    assertThat(evaluations.listEvaluations("p1")).extracting(Evaluation::evaluationId).containsExactly("e1", "e2");
    Evaluation changed = new Evaluation("e1", "p1", "u1", "New title", "new desc", NOW.plusSeconds(5), NOW);
    assertThat(evaluations.updateEvaluation(changed)).isTrue();
    assertThat(evaluations.findEvaluation("e1")).contains(changed);
    assertThat(evaluations.updateEvaluation(evaluation("nope", "p1", NOW))).isFalse();
    evaluations.putEntry(entry("r1", "e1", "p1", "{}", NOW));
    assertThat(evaluations.deleteEvaluation("e1")).isTrue();
    assertThat(evaluations.deleteEvaluation("e1")).isFalse();
    assertThat(evaluations.entries("e1")).isEmpty();
    assertThat(evaluations.findEvaluation("e1")).isEmpty();
  }

  @Test
  void entriesKeepTheirDataExactlyAndAreReplacedById() {
    evaluations.createEvaluation(evaluation("e1", "p1", NOW));
    String data = "{\"total_score\": 0.75, \"scores\": {\"answer_relevancy.v2\": [0.5, 1.0]},"
        + " \"$meta\": {\"model.name\": \"gpt-4o\"}, \"unicode\": \"\\u00e9\u4e2d\"}";
    evaluations.putEntry(entry("r2", "e1", "p1", "{\"a\": 1}", NOW.plusSeconds(2)));
    evaluations.putEntry(entry("r1", "e1", "p1", data, NOW.plusSeconds(1)));
    assertThat(evaluations.entries("e1")).extracting(EvaluationEntry::evalId).containsExactly("r1", "r2");
    assertThat(evaluations.entries("e1").get(0).evalData()).isEqualTo(data);
    evaluations.putEntry(entry("r2", "e1", "p1", "{\"a\": 2}", NOW.plusSeconds(2)));
    assertThat(evaluations.entries("e1")).hasSize(2);
    assertThat(evaluations.entries("e1").get(1).evalData()).isEqualTo("{\"a\": 2}");
    evaluations.createEvaluation(evaluation("e2", "p1", NOW));
    evaluations.putEntry(entry("r3", "e2", "p1", "{}", NOW.plusSeconds(3)));
    evaluations.putEntry(entry("r4", "e9", "p2", "{}", NOW.plusSeconds(4)));
    assertThat(evaluations.projectEntries("p1", 10)).extracting(EvaluationEntry::evalId)
        .containsExactly("r3", "r2", "r1");
    assertThat(evaluations.projectEntries("p1", 2)).hasSize(2);
  }

  @Test
  void onlineRulesPerProject() {
    OnlineRule a = new OnlineRule("rule-a", "p1", "toxicity", Map.of("model", "gpt-4o-mini"), 0.1, true, "u1", NOW);
    OnlineRule b = new OnlineRule("rule-b", "p1", "json_valid", Map.of(), 1.0, false, "u1", NOW.plusSeconds(1));
    OnlineRule c = new OnlineRule("rule-c", "p2", "regex", Map.of("pattern", "^ok$"), 0.5, true, "u2", NOW);
    evaluations.putRule(b);
    evaluations.putRule(a);
    evaluations.putRule(c);
    assertThat(evaluations.rules("p1")).containsExactly(a, b);
    assertThat(evaluations.enabledRules()).containsExactlyInAnyOrder(a, c);
    OnlineRule disabled = new OnlineRule("rule-a", "p1", "toxicity", Map.of(), 0.2, false, "u1", NOW);
    evaluations.putRule(disabled);
    assertThat(evaluations.rules("p1")).containsExactly(disabled, b);
    assertThat(evaluations.deleteRule("p2", "rule-a")).isFalse();
    assertThat(evaluations.deleteRule("p1", "rule-a")).isTrue();
    assertThat(evaluations.rules("p1")).containsExactly(b);
    assertThat(evaluations.enabledRules()).containsExactly(c);
    assertThat(evaluations.rules("p9")).isEmpty();
    assertThat(List.copyOf(evaluations.rules("p2"))).containsExactly(c);
  }
}
