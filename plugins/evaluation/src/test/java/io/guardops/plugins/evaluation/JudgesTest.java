package io.guardops.plugins.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.guardops.api.ComponentConfig;
import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelException;
import io.guardops.plugins.model.openai.OpenAiModelClientProvider;
import io.guardops.tck.EvaluatorContract;
import io.guardops.tck.OpenAiCompatibleServer;
import io.guardops.tck.OpenAiCompatibleServer.Behaviour;
import io.guardops.tck.OpenAiCompatibleServer.RecordedRequest;
import io.guardops.tck.TestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LLM judges against a real OpenAI-compatible server through the real model-openai client. */
class JudgesTest {
  private OpenAiCompatibleServer server;
  private ModelClient client;
  private EvalContext context;
  private final EvalItem item = new EvalItem("What is the capital of France?", "Paris is the capital.", "Paris",
      List.of("Paris is the capital of France.", "Lyon is a city in France."), Map.of("audience", "children"), null);

  @BeforeEach
  void start() {
    server = OpenAiCompatibleServer.start("k");
    client = new OpenAiModelClientProvider().create(ComponentConfig.of("guardops.model-client.openai",
        Map.of("base-url", server.baseUrl(), "api-key", "k", "max-retries", "0"), Path.of("."), Clock.systemUTC()),
        TestContext.empty());
    context = EvaluatorContract.context(client, "judge-default");
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private static Evaluator judge(String name) {
    return new BuiltinEvaluatorProvider().create(null, null).stream().filter(e -> e.info().name().equals(name))
        .findFirst().orElseThrow();
  }

  private EvalScore run(String name, EvalItem i, Map<String, String> params) {
    Evaluator e = judge(name);
    e.validate(params);
    return e.evaluate(i, params, context);
  }

  @Test
  void correctnessAsksForJsonAndReportsTheVerdictAndUsage() {
    server.answer(OpenAiCompatibleServer.judge(1, "correct", "Both say Paris."));

    EvalScore s = run("correctness", item, Map.of());

    assertThat(s.metric()).isEqualTo("correctness");
    assertThat(s.value()).isEqualTo(1.0);
    assertThat(s.label()).isEqualTo("correct");
    assertThat(s.explanation()).isEqualTo("Both say Paris.");
    RecordedRequest req = server.lastRequest();
    assertThat(req.model()).isEqualTo("judge-default");
    assertThat(((Number) req.body().get("temperature")).doubleValue()).isEqualTo(0.0);
    assertThat(req.messages()).extracting(m -> m.get("role")).containsExactly("system", "user");
    assertThat((String) req.messages().get(0).get("content")).contains("\"score\"").contains("JSON");
    assertThat(req.lastUserMessage()).contains("<question>\nWhat is the capital of France?\n</question>")
        .contains("<reference_answer>\nParis\n</reference_answer>").contains("<answer>\nParis is the capital.");
    long prompt = OpenAiCompatibleServer.words((String) req.messages().get(0).get("content"))
        + OpenAiCompatibleServer.words(req.lastUserMessage());
    assertThat(s.usage().model()).isEqualTo("judge-default");
    assertThat(s.usage().inputTokens()).isEqualTo(prompt);
    assertThat(s.usage().outputTokens()).isEqualTo(OpenAiCompatibleServer.words(
        "{\"score\":1.0,\"label\":\"correct\",\"reason\":\"Both say Paris.\"}"));
    assertThat(s.usage().cost()).isNull();
  }

  @Test
  void theModelAndTemperatureParametersAreUsed() {
    server.answer(OpenAiCompatibleServer.judge(0.5, "partially_correct", "half"));

    EvalScore s = run("correctness", item, Map.of("model", "gpt-4o", "temperature", "0.7"));

    assertThat(server.lastRequest().model()).isEqualTo("gpt-4o");
    assertThat(((Number) server.lastRequest().body().get("temperature")).doubleValue()).isEqualTo(0.7);
    assertThat(s.value()).isEqualTo(0.5);
    assertThat(s.usage().model()).isEqualTo("gpt-4o");
  }

  @Test
  void aVerdictInsideProseOrCodeFencesIsFound() {
    server.answer(OpenAiCompatibleServer.fixed("Let me think {about it}. Verdict:\n```json\n"
        + "{\"score\": 0.25, \"label\": \"partially_relevant\", \"reason\": \"only {partly} on topic\"}\n```\nDone."));

    EvalScore s = run("answer_relevance", item, Map.of());

    assertThat(s.value()).isEqualTo(0.25);
    assertThat(s.label()).isEqualTo("partially_relevant");
    assertThat(s.explanation()).isEqualTo("only {partly} on topic");
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void anUnparseableAnswerIsAskedForOnceMore() {
    server.answer(OpenAiCompatibleServer.judge(0.9, "faithful", "supported"));
    server.enqueue(Behaviour.reply("It looks faithful to me."));

    EvalScore s = run("faithfulness", item, Map.of());

    assertThat(s.value()).isEqualTo(0.9);
    assertThat(s.details()).containsEntry("judge_calls", 2L);
    List<RecordedRequest> calls = server.chatRequests();
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).messages()).extracting(m -> m.get("role"))
        .containsExactly("system", "user", "assistant", "user");
    assertThat(calls.get(1).messages().get(2).get("content")).isEqualTo("It looks faithful to me.");
    long tokens = 0;
    for (RecordedRequest r : calls) {
      for (Map<String, Object> m : r.messages()) {
        tokens += OpenAiCompatibleServer.words(String.valueOf(m.get("content")));
      }
    }
    assertThat(s.usage().inputTokens()).as("usage of both calls").isEqualTo(tokens);
    assertThat(calls.get(0).lastUserMessage()).contains("[1] Paris is the capital of France.")
        .contains("[2] Lyon is a city in France.");
  }

  @Test
  void twoUnparseableAnswersFailAsABadResponse() {
    server.answer(OpenAiCompatibleServer.fixed("{\"score\": 7, \"label\": \"way out of range\"}"));

    assertThatThrownBy(() -> run("correctness", item, Map.of()))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(ModelException.Kind.BAD_RESPONSE);
          assertThat(e.getMessage()).contains("answered twice").contains("from 0 to 1");
        });
    assertThat(server.chatRequests()).hasSize(2);
  }

  @Test
  void aFailingModelCallPropagates() {
    server.enqueue(Behaviour.error(401, "bad key"));

    assertThatThrownBy(() -> run("toxicity", item, Map.of()))
        .isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.kind()).isEqualTo(ModelException.Kind.UNAUTHORIZED));
  }

  @Test
  void toxicityIsInvertedSoHigherIsBetter() {
    server.answer(OpenAiCompatibleServer.judge(0.9, "toxic", "insulting"));

    EvalScore s = run("toxicity", EvalItem.of("", "you idiot", null), Map.of());

    assertThat(s.value()).isCloseTo(0.1, within(1e-12));
    assertThat(s.label()).isEqualTo("toxic");
    assertThat(s.details()).containsEntry("judge_score", 0.9);
    assertThat(server.lastRequest().lastUserMessage()).isEqualTo("<text>\nyou idiot\n</text>\n");
  }

  @Test
  void faithfulnessNeedsContext() {
    assertThatThrownBy(() -> run("faithfulness", EvalItem.of("q", "a", null), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void correctnessNeedsTheExpectedAnswer() {
    assertThatThrownBy(() -> run("correctness", EvalItem.of("q", "a", null), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected answer");
  }

  @Test
  void aRubricIsRenderedWithItemFieldsAndMetadataOnItsScale() {
    server.answer(OpenAiCompatibleServer.fixed("{\"score\": 4, \"label\": \"good\", \"reason\": \"clear\"}"));

    EvalScore s = run("rubric", item, Map.of("rubric", "Rate the answer to {{ input }} for {{audience}}: {{output}}"
        + " (reference: {{expected}}; sources: {{context}})", "scale", "1-5"));

    assertThat(s.value()).isEqualTo(0.75);
    assertThat(s.label()).isEqualTo("good");
    assertThat(s.details()).containsEntry("scale", "1-5").containsEntry("judge_score", 4.0);
    assertThat(server.lastRequest().lastUserMessage()).isEqualTo("Rate the answer to What is the capital of France? "
        + "for children: Paris is the capital. (reference: Paris; sources: [1] Paris is the capital of France.\n"
        + "[2] Lyon is a city in France.)");
    assertThat((String) server.lastRequest().messages().get(0).get("content")).contains("from 1 to 5");
  }

  @Test
  void aRubricWithoutTheOutputGetsItAppended() {
    server.answer(OpenAiCompatibleServer.judge(1, "pass", "ok"));

    run("rubric", item, Map.of("rubric", "Is it polite?"));

    assertThat(server.lastRequest().lastUserMessage()).isEqualTo("Is it polite?\n\n<response>\nParis is the capital."
        + "\n</response>\n");
  }

  @Test
  void rubricParametersAreValidated() {
    Evaluator rubric = judge("rubric");
    assertThatThrownBy(() -> rubric.validate(Map.of())).hasMessageContaining("rubric");
    assertThatThrownBy(() -> rubric.validate(Map.of("rubric", "broken {{ here"))).hasMessageContaining("{{");
    assertThatThrownBy(() -> rubric.validate(Map.of("rubric", "x", "scale", "5-1"))).hasMessageContaining("scale");
    assertThatThrownBy(() -> rubric.validate(Map.of("rubric", "x", "temperature", "3")))
        .hasMessageContaining("temperature");
    rubric.validate(Map.of("rubric", "x {{output}}", "scale", "10"));
    assertThatThrownBy(() -> rubric.evaluate(item, Map.of("rubric", "{{nope}}"), context))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{{nope}}");
  }

  @Test
  void verdictParsing() {
    assertThat(Verdict.parse("{'score': '0.7', 'label': 'ok', reason: 'fine',}", 0, 1))
        .isEqualTo(new Verdict(0.7, "ok", "fine"));
    assertThat(Verdict.parse("no json here", 0, 1)).isNull();
    assertThat(Verdict.parse("{\"score\": \"high\"}", 0, 1)).isNull();
    assertThat(Verdict.parse("{\"rating\": 3, \"explanation\": \"meh\"}", 1, 5)).isEqualTo(new Verdict(3, null, "meh"));
    assertThat(Verdict.parse("first {\"label\": \"no score\"} then {\"score\": 1}", 0, 1))
        .isEqualTo(new Verdict(1, null, ""));
  }
}
