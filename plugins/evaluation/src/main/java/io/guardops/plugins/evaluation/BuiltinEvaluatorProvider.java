package io.guardops.plugins.evaluation;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.eval.EvaluatorProvider;
import java.util.List;
import org.pf4j.Extension;

/**
 * The evaluation plugin's evaluators. Heuristics: {@code exact_match}, {@code contains}, {@code regex},
 * {@code json_valid}, {@code json_schema}, {@code levenshtein}, {@code rouge_1}, {@code rouge_2},
 * {@code rouge_l}, {@code bleu}, {@code token_f1}, {@code output_length}, {@code latency_threshold},
 * {@code cost_threshold}. LLM judges (through the run's model client): {@code correctness},
 * {@code faithfulness}, {@code answer_relevance}, {@code toxicity}, {@code rubric}. No settings.
 */
@Extension
public final class BuiltinEvaluatorProvider implements EvaluatorProvider {
  @Override
  public String name() {
    return "builtin";
  }

  @Override
  public String pluginId() {
    return "evaluation";
  }

  @Override
  public List<Evaluator> create(ComponentConfig config, ComponentContext context) {
    return List.of(
        new ExactMatch(),
        new Contains(),
        new RegexMatch(),
        new JsonValid(),
        new JsonSchemaMatch(),
        new Levenshtein(),
        Rouge.rouge1(),
        Rouge.rouge2(),
        Rouge.rougeL(),
        new Bleu(),
        new TokenF1(),
        new OutputLength(),
        TraceThreshold.latency(),
        TraceThreshold.cost(),
        Judge.correctness(),
        Judge.faithfulness(),
        Judge.relevance(),
        Judge.toxicity(),
        Judge.rubric());
  }
}
