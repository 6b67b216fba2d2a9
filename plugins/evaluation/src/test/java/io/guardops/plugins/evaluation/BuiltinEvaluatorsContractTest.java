package io.guardops.plugins.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.model.ModelClient;
import io.guardops.plugins.model.openai.OpenAiModelClientProvider;
import io.guardops.tck.EvaluatorContract;
import io.guardops.tck.OpenAiCompatibleServer;
import io.guardops.tck.TestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every evaluator of the plugin through the shared contract; judges against a real OpenAI-compatible server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuiltinEvaluatorsContractTest extends EvaluatorContract {
  private OpenAiCompatibleServer server;
  private ModelClient client;

  @BeforeAll
  void startJudgeServer() {
    server = OpenAiCompatibleServer.start("judge-key");
    server.answer(OpenAiCompatibleServer.judge(1, "pass", "looks right"));
    client = new OpenAiModelClientProvider().create(ComponentConfig.of("guardops.model-client.openai",
        Map.of("base-url", server.baseUrl(), "api-key", "judge-key"), Path.of("."), Clock.systemUTC()),
        TestContext.empty());
  }

  @AfterAll
  void stopJudgeServer() {
    client.close();
    server.close();
  }

  private static List<Evaluator> evaluators() {
    return new BuiltinEvaluatorProvider().create(ComponentConfig.empty(Path.of(".")), TestContext.empty());
  }

  @Override
  protected List<Case> cases() {
    Map<String, Evaluator> byName = evaluators().stream()
        .collect(Collectors.toMap(e -> e.info().name(), Function.identity()));
    EvalItem.TraceFacts trace = new EvalItem.TraceFacts("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
        "gpt-4o-mini", 850_000_000L, 120L, 40L, 0.00042);
    EvalItem qa = new EvalItem("What is the capital of France?", "The capital of France is Paris.", "Paris",
        List.of("Paris is the capital and largest city of France."), Map.of("topic", "geography"), trace);
    EvalItem json = new EvalItem("Give me a user as JSON", "{\"name\": \"Ada\", \"age\": 36}", "{\"name\": \"Ada\"}",
        List.of(), Map.of(), trace);
    EvalContext none = withoutModel();
    EvalContext judge = context(client, "gpt-4o-mini");
    List<Case> cases = new ArrayList<>();
    cases.add(Case.of(byName.get("exact_match"), Map.of("normalize", "squad"), qa, none));
    cases.add(Case.of(byName.get("contains"), Map.of("value", "Paris"), qa, none));
    cases.add(Case.of(byName.get("regex"), Map.of("pattern", "\\bParis\\b", "ignore_case", "true"), qa, none));
    cases.add(Case.of(byName.get("json_valid"), Map.of("type", "object"), json, none));
    cases.add(Case.of(byName.get("json_schema"), Map.of("schema", "{\"type\": \"object\", \"required\": [\"name\"], "
        + "\"properties\": {\"name\": {\"type\": \"string\", \"minLength\": 1}, \"age\": {\"type\": \"integer\"}}}"),
        json, none));
    cases.add(Case.of(byName.get("levenshtein"), Map.of(), qa, none));
    cases.add(Case.of(byName.get("rouge_1"), Map.of(), qa, none));
    cases.add(Case.of(byName.get("rouge_2"), Map.of("stemmer", "true"), qa, none));
    cases.add(Case.of(byName.get("rouge_l"), Map.of("measure", "recall"), qa, none));
    cases.add(Case.of(byName.get("bleu"), Map.of(), qa, none));
    cases.add(Case.of(byName.get("token_f1"), Map.of(), qa, none));
    cases.add(Case.of(byName.get("output_length"), Map.of("max", "40", "unit", "words"), qa, none));
    cases.add(Case.of(byName.get("latency_threshold"), Map.of("max_ms", "1000"), qa, none));
    cases.add(Case.of(byName.get("cost_threshold"), Map.of("max_usd", "0.001"), qa, none));
    cases.add(Case.of(byName.get("correctness"), Map.of(), qa, judge));
    cases.add(Case.of(byName.get("faithfulness"), Map.of(), qa, judge));
    cases.add(Case.of(byName.get("answer_relevance"), Map.of("temperature", "0.2"), qa, judge));
    cases.add(Case.of(byName.get("toxicity"), Map.of("model", "judge-large"), qa, judge));
    cases.add(Case.of(byName.get("rubric"), Map.of("rubric", "Is the answer to {{input}} about {{topic}}? "
        + "Answer: {{output}}", "scale", "0-1"), qa, judge));
    return cases;
  }

  @Test
  void theCasesCoverEveryEvaluatorOfTheProvider() {
    assertThat(cases()).extracting(c -> c.evaluator().info().name())
        .containsExactlyInAnyOrderElementsOf(evaluators().stream().map(e -> e.info().name()).toList());
  }

  @Test
  void theProviderIsNamed() {
    assertThat(new BuiltinEvaluatorProvider().name()).isEqualTo("builtin");
    assertThat(new BuiltinEvaluatorProvider().pluginId()).isEqualTo("evaluation");
  }
}
