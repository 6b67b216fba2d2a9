package io.guardops.engine;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.eval.EvaluatorInfo;
import io.guardops.api.model.ChatMessage;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.model.ChatResponse;
import java.util.List;
import java.util.Map;

/** Small evaluators for engine tests (the real ones live in the evaluation plugin and have their own suite). */
final class TestEvaluators {
  private TestEvaluators() {}

  /** 1 when the output equals the expected answer, else 0; needs an expected answer. */
  static Evaluator exact() {
    return new Evaluator() {
      @Override
      public EvaluatorInfo info() {
        return new EvaluatorInfo("exact", "output equals expected", true, false, false,
            List.of(new EvaluatorInfo.Parameter("ignore_case", "compare ignoring case", false, "false")));
      }

      @Override
      public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
        if (item.expected() == null) {
          throw new IllegalArgumentException("exact needs an expected answer and the item has none");
        }
        boolean ic = Boolean.parseBoolean(parameters.getOrDefault("ignore_case", "false"));
        boolean same = ic ? item.output().equalsIgnoreCase(item.expected()) : item.output().equals(item.expected());
        return new EvalScore("exact", same ? 1.0 : 0.0, same ? "pass" : "fail", "", null, Map.of());
      }
    };
  }

  /** The output's length in characters divided by 100, capped at 1 (a heuristic needing nothing). */
  static Evaluator length() {
    return new Evaluator() {
      @Override
      public EvaluatorInfo info() {
        return new EvaluatorInfo("length", "output length / 100", false, false, false, List.of());
      }

      @Override
      public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
        return EvalScore.of("length", Math.min(1.0, item.output().length() / 100.0));
      }
    };
  }

  /**
   * A judge: asks the context's model for a number and scores it; usage as the model reported it,
   * cost left to the engine.
   */
  static Evaluator judge() {
    return new Evaluator() {
      @Override
      public EvaluatorInfo info() {
        return new EvaluatorInfo("judge", "a model says a number", false, false, true,
            List.of(new EvaluatorInfo.Parameter("model", "judge model", false, null)));
      }

      @Override
      public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
        String model = parameters.getOrDefault("model", context.defaultJudgeModel());
        ChatResponse r = context.model().orElseThrow(() -> new IllegalStateException("judge needs a model client"))
            .chat(ChatRequest.of(model, List.of(ChatMessage.user("score: " + item.output()))));
        return new EvalScore("judge", Double.parseDouble(r.content().trim()), null, "the model said so",
            new EvalScore.Usage(r.model(), r.inputTokens(), r.outputTokens(), null), Map.of());
      }
    };
  }
}
