package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.eval.EvaluatorInfo;
import io.guardops.api.model.ModelClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance suite every {@link Evaluator} passes. A plugin's test lists one {@link Case} per
 * evaluator it ships (an evaluator, run parameters that validate, an item it can score, and the
 * context to score it in); the suite runs the shared rules on each, as one group of tests per
 * evaluator:
 *
 * <ul>
 *   <li>its info is complete (a description; each parameter described; a required parameter left
 *       out is refused by {@code validate} with its name in the message);</li>
 *   <li>a score names the evaluator, has its value in [0, 1] (unless the case says the metric is not
 *       normalised), carries usage exactly when the evaluator calls a model;</li>
 *   <li>heuristics are deterministic; judges refuse to run without a model client
 *       ({@link IllegalStateException});</li>
 *   <li>empty, huge (200,000 characters) and unusual unicode inputs are scored without throwing; the
 *       only documented refusal is an {@link IllegalArgumentException} for a missing expected answer
 *       when the evaluator needs one;</li>
 *   <li>concurrent calls from several threads give the same scores as sequential ones (heuristics)
 *       or valid scores (judges).</li>
 * </ul>
 */
public abstract class EvaluatorContract {
  /** Length of the "huge" input. */
  public static final int HUGE = 200_000;

  /**
   * One evaluator under test.
   *
   * @param evaluator the evaluator
   * @param parameters run parameters that validate
   * @param example an item it can score (with an expected answer, context or trace facts as it needs)
   * @param context the context to score in (for a judge: one with a model client)
   * @param normalised whether its values lie in [0, 1]
   */
  public record Case(Evaluator evaluator, Map<String, String> parameters, EvalItem example, EvalContext context,
      boolean normalised) {
    public Case {
      Objects.requireNonNull(evaluator, "evaluator");
      parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
      Objects.requireNonNull(example, "example");
      Objects.requireNonNull(context, "context");
    }

    /** A normalised evaluator's case. */
    public static Case of(Evaluator evaluator, Map<String, String> parameters, EvalItem example, EvalContext context) {
      return new Case(evaluator, parameters, example, context, true);
    }

    String name() {
      return evaluator.info().name();
    }
  }

  /** The evaluators under test, one case each. */
  protected abstract List<Case> cases() throws Exception;

  /** A context with no model client (heuristics need none; judges must refuse it). */
  public static EvalContext withoutModel() {
    return context(null, "judge-model");
  }

  /** A context lending {@code client} (may be null) with {@code judgeModel} as the default judge model. */
  public static EvalContext context(ModelClient client, String judgeModel) {
    return new EvalContext() {
      @Override
      public Optional<ModelClient> model() {
        return Optional.ofNullable(client);
      }

      @Override
      public String defaultJudgeModel() {
        return judgeModel;
      }
    };
  }

  @TestFactory
  Stream<DynamicNode> everyEvaluator() throws Exception {
    List<Case> cases = cases();
    assertThat(cases).as("cases").isNotEmpty();
    Set<String> names = new HashSet<>();
    for (Case c : cases) {
      assertThat(names.add(c.name())).as("evaluator names are unique: " + c.name()).isTrue();
    }
    return cases.stream().map(c -> DynamicContainer.dynamicContainer(c.name(), Stream.of(
        DynamicTest.dynamicTest("info is complete", () -> infoIsComplete(c)),
        DynamicTest.dynamicTest("a required parameter left out is refused", () -> requiredParametersAreChecked(c)),
        DynamicTest.dynamicTest("the example is scored", () -> check(c, score(c, c.example()))),
        DynamicTest.dynamicTest("heuristics are deterministic", () -> deterministic(c)),
        DynamicTest.dynamicTest("judges need a model client", () -> judgesNeedAModel(c)),
        DynamicTest.dynamicTest("empty input", () -> edges(c, "")),
        DynamicTest.dynamicTest("huge input", () -> edges(c, huge())),
        DynamicTest.dynamicTest("unicode input", () -> edges(c, unicode())),
        DynamicTest.dynamicTest("a missing expected answer", () -> missingExpected(c)),
        DynamicTest.dynamicTest("concurrent calls", () -> concurrent(c)))));
  }

  private static EvalScore score(Case c, EvalItem item) {
    return c.evaluator().evaluate(item, c.parameters(), c.context());
  }

  private static void infoIsComplete(Case c) {
    EvaluatorInfo info = c.evaluator().info();
    assertThat(info.description()).as(c.name() + " description").isNotBlank();
    Set<String> params = new HashSet<>();
    for (EvaluatorInfo.Parameter p : info.parameters()) {
      assertThat(p.description()).as(c.name() + " parameter " + p.name() + " description").isNotBlank();
      assertThat(params.add(p.name())).as(c.name() + " parameter names are unique: " + p.name()).isTrue();
    }
    assertThat(params).as(c.name() + " parameters of the case are declared").containsAll(c.parameters().keySet());
    assertThat(c.evaluator().info()).as("info is stable").isEqualTo(info);
    c.evaluator().validate(c.parameters());
  }

  private static void requiredParametersAreChecked(Case c) {
    for (EvaluatorInfo.Parameter p : c.evaluator().info().parameters()) {
      if (!p.required()) {
        continue;
      }
      Map<String, String> without = new HashMap<>(c.parameters());
      without.remove(p.name());
      assertThatThrownBy(() -> c.evaluator().validate(without))
          .as(c.name() + " without " + p.name())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(p.name());
    }
  }

  private static void check(Case c, EvalScore s) {
    assertThat(s).as(c.name() + " score").isNotNull();
    assertThat(s.metric()).as(c.name() + " metric").isEqualTo(c.name());
    if (c.normalised() && s.value() != null) {
      assertThat(s.value()).as(c.name() + " value").isBetween(0.0, 1.0);
    }
    if (c.evaluator().info().usesModel()) {
      assertThat(s.usage()).as(c.name() + " usage of a judge").isNotNull();
      assertThat(s.usage().model()).as(c.name() + " judge model").isNotBlank();
    } else {
      assertThat(s.usage()).as(c.name() + " usage of a heuristic").isNull();
    }
  }

  private static void deterministic(Case c) {
    if (c.evaluator().info().usesModel()) {
      return;
    }
    EvalItem unicode = withOutput(c.example(), unicode());
    assertThat(score(c, c.example())).as(c.name()).isEqualTo(score(c, c.example()));
    assertThat(score(c, unicode)).as(c.name()).isEqualTo(score(c, unicode));
  }

  private static void judgesNeedAModel(Case c) {
    if (!c.evaluator().info().usesModel()) {
      return;
    }
    assertThatThrownBy(() -> c.evaluator().evaluate(c.example(), c.parameters(), withoutModel()))
        .as(c.name() + " without a model client")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("model");
  }

  private static void edges(Case c, String text) {
    EvalItem e = c.example();
    // the output alone, then every text field at once (the worst case for pairwise metrics)
    check(c, score(c, withOutput(e, text)));
    String expected = e.expected() == null ? null : text;
    List<String> context = e.context().isEmpty() ? List.of() : List.of(text);
    check(c, score(c, new EvalItem(text, text, expected, context, e.metadata(), e.trace())));
  }

  private static void missingExpected(Case c) {
    EvalItem e = c.example();
    EvalItem noExpected = new EvalItem(e.input(), e.output(), null, e.context(), e.metadata(), e.trace());
    if (c.evaluator().info().needsExpected()) {
      assertThatThrownBy(() -> score(c, noExpected))
          .as(c.name() + " without an expected answer")
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected");
    } else {
      check(c, score(c, noExpected));
    }
  }

  private static void concurrent(Case c) throws Exception {
    boolean judge = c.evaluator().info().usesModel();
    List<EvalItem> items = List.of(c.example(), withOutput(c.example(), ""), withOutput(c.example(), unicode()),
        withOutput(c.example(), c.example().output() + " and more"));
    List<EvalScore> sequential = new ArrayList<>();
    for (EvalItem item : items) {
      sequential.add(score(c, item));
    }
    int threads = 8;
    int rounds = judge ? 3 : 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<EvalScore>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Callable<List<EvalScore>> work = () -> {
          List<EvalScore> out = new ArrayList<>();
          for (int r = 0; r < rounds; r++) {
            for (EvalItem item : items) {
              out.add(score(c, item));
            }
          }
          return out;
        };
        futures.add(pool.submit(work));
      }
      for (Future<List<EvalScore>> f : futures) {
        List<EvalScore> scores = f.get(60, TimeUnit.SECONDS);
        for (int i = 0; i < scores.size(); i++) {
          check(c, scores.get(i));
          if (!judge) {
            assertThat(scores.get(i)).as(c.name() + " concurrent score").isEqualTo(sequential.get(i % items.size()));
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code item} with another output. */
  protected static EvalItem withOutput(EvalItem item, String output) {
    return new EvalItem(item.input(), output, item.expected(), item.context(), item.metadata(), item.trace());
  }

  /** Text that trips naive code: combining marks, astral characters, right-to-left text, a lone surrogate. */
  protected static String unicode() {
    return "Ünïcödé e\u0301 🌍👍🏽 中文字符 עברית العربية \u200b\u2028 \uD800 \"quotes\" \\ {json} <tag> \t\r\n end";
  }

  /** About {@link #HUGE} characters of words, punctuation, newlines and some non-ASCII text. */
  protected static String huge() {
    StringBuilder sb = new StringBuilder(HUGE + 64);
    String[] words = {"the", "model", "answered", "quickly,", "große", "東京", "and", "then.", "42", "ok\n"};
    int i = 0;
    while (sb.length() < HUGE) {
      sb.append(words[i % words.length]).append(' ');
      i = (i * 7 + 3) & 0xffff;
    }
    return sb.toString();
  }
}
