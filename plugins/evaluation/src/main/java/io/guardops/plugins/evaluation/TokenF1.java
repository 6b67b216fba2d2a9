package io.guardops.plugins.evaluation;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Token-level F1 between the output and the expected answer, as the SQuAD v1.1 evaluation script computes it. */
final class TokenF1 extends BaseEvaluator {
  TokenF1() {
    super(info("token_f1", "Token F1 between the output and the expected answer after SQuAD v1.1 normalisation "
        + "(lowercase, no punctuation, no articles): the harmonic mean of token precision and recall", true, false,
        false));
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    String expected = expected(item);
    List<String> p = Texts.split(SquadNormalizer.normalize(item.output()));
    List<String> g = Texts.split(SquadNormalizer.normalize(expected));
    double[] prf = f1(p, g);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("precision", prf[0]);
    details.put("recall", prf[1]);
    details.put("output_tokens", (long) p.size());
    details.put("expected_tokens", (long) g.size());
    return similarity(prf[2], String.format(java.util.Locale.ROOT, "token F1 = %.4f (precision %.4f, recall %.4f)",
        prf[2], prf[0], prf[1]), details);
  }

  /** SQuAD v1.1's f1_score on normalised tokens: 0 when nothing is shared (also when both are empty). */
  static double[] f1(List<String> prediction, List<String> truth) {
    Map<String, Integer> counts = new HashMap<>();
    for (String t : truth) {
      counts.merge(t, 1, Integer::sum);
    }
    int same = 0;
    for (String t : prediction) {
      Integer c = counts.get(t);
      if (c != null && c > 0) {
        same++;
        counts.put(t, c - 1);
      }
    }
    if (same == 0) {
      return new double[] {0, 0, 0};
    }
    double precision = (double) same / prediction.size();
    double recall = (double) same / truth.size();
    return new double[] {precision, recall, 2 * precision * recall / (precision + recall)};
  }
}
