package io.guardops.plugins.evaluation;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Normalised Levenshtein similarity over Unicode code points: {@code 1 - distance / max(length)}
 * (1 for two empty texts). The distance is quadratic, so texts longer than {@link #MAX_CODE_POINTS}
 * code points are compared on their first that many (the details say so).
 */
final class Levenshtein extends BaseEvaluator {
  static final int MAX_CODE_POINTS = 10_000;

  Levenshtein() {
    super(info("levenshtein", "Normalised Levenshtein similarity between the output and the expected answer: "
        + "1 - edit distance / length of the longer (code points)", true, false, false,
        param("ignore_case", "true to compare case-insensitively", "false")));
  }

  @Override
  void check(Map<String, String> p) {
    bool(p, "ignore_case", false);
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    String expected = expected(item);
    boolean ignoreCase = bool(parameters, "ignore_case", false);
    int[] a = codePoints(ignoreCase ? Texts.lower(item.output()) : item.output());
    int[] b = codePoints(ignoreCase ? Texts.lower(expected) : expected);
    boolean cut = a.length > MAX_CODE_POINTS || b.length > MAX_CODE_POINTS;
    if (cut) {
      a = java.util.Arrays.copyOf(a, Math.min(a.length, MAX_CODE_POINTS));
      b = java.util.Arrays.copyOf(b, Math.min(b.length, MAX_CODE_POINTS));
    }
    int d = distance(a, b);
    int longer = Math.max(a.length, b.length);
    double similarity = longer == 0 ? 1.0 : 1.0 - (double) d / longer;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("distance", (long) d);
    details.put("max_length", (long) longer);
    if (cut) {
      details.put("truncated_to_code_points", (long) MAX_CODE_POINTS);
    }
    return similarity(similarity, "edit distance " + d + " over " + longer + " code points"
        + (cut ? " (the first " + MAX_CODE_POINTS + " of each)" : ""), details);
  }

  static int distance(int[] a, int[] b) {
    int[] prev = new int[b.length + 1];
    int[] cur = new int[b.length + 1];
    for (int j = 0; j <= b.length; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length; i++) {
      cur[0] = i;
      int ai = a[i - 1];
      for (int j = 1; j <= b.length; j++) {
        int sub = prev[j - 1] + (ai == b[j - 1] ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length];
  }

  private static int[] codePoints(String s) {
    return s.codePoints().toArray();
  }
}
