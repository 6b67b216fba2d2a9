package io.guardops.plugins.evaluation;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L between the output (prediction) and the expected answer (target), as
 * Google's {@code rouge_score} computes them (which replicates ROUGE-1.5.5): lowercase, every run of
 * characters other than {@code a-z0-9} becomes a space, optional Porter stemming of tokens longer
 * than 3 characters; n-gram overlap with clipped counts; ROUGE-L from the longest common
 * subsequence. The F-measure is the value by default; precision and recall are in the details.
 */
final class Rouge extends BaseEvaluator {
  /** ROUGE-L's LCS is quadratic: longer token lists are cut to this many (details say so). */
  static final int MAX_LCS_TOKENS = 10_000;
  private final int n;

  private Rouge(int n, String name, String description) {
    super(info(name, description, true, false, false,
        param("measure", "f (F-measure), precision or recall", "f"),
        param("stemmer", "true to apply the Porter stemmer to tokens longer than 3 characters", "false")));
    this.n = n;
  }

  static Rouge rouge1() {
    return new Rouge(1, "rouge_1", "ROUGE-1: unigram overlap between the output and the expected answer (F-measure "
        + "by default; rouge_score's tokenisation)");
  }

  static Rouge rouge2() {
    return new Rouge(2, "rouge_2", "ROUGE-2: bigram overlap between the output and the expected answer (F-measure "
        + "by default; rouge_score's tokenisation)");
  }

  static Rouge rougeL() {
    return new Rouge(0, "rouge_l", "ROUGE-L: longest common subsequence of tokens between the output and the "
        + "expected answer (F-measure by default; rouge_score's tokenisation)");
  }

  @Override
  void check(Map<String, String> p) {
    choice(p, "measure", "f", "f", "precision", "recall");
    bool(p, "stemmer", false);
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    String target = expected(item);
    String measure = choice(parameters, "measure", "f", "f", "precision", "recall");
    boolean stem = bool(parameters, "stemmer", false);
    List<String> t = tokenize(target, stem);
    List<String> p = tokenize(item.output(), stem);
    Map<String, Object> details = new LinkedHashMap<>();
    double[] prf;
    if (n == 0) {
      boolean cut = t.size() > MAX_LCS_TOKENS || p.size() > MAX_LCS_TOKENS;
      prf = lcsScore(cut ? t.subList(0, Math.min(t.size(), MAX_LCS_TOKENS)) : t,
          cut ? p.subList(0, Math.min(p.size(), MAX_LCS_TOKENS)) : p);
      if (cut) {
        details.put("truncated_to_tokens", (long) MAX_LCS_TOKENS);
      }
    } else {
      prf = ngramScore(ngrams(t, n), ngrams(p, n));
    }
    details.put("precision", prf[0]);
    details.put("recall", prf[1]);
    details.put("fmeasure", prf[2]);
    details.put("stemmer", stem);
    double value = measure.equals("precision") ? prf[0] : measure.equals("recall") ? prf[1] : prf[2];
    return similarity(value, String.format(java.util.Locale.ROOT, "%s %s = %.4f (precision %.4f, recall %.4f; "
        + "%d output tokens, %d expected tokens)", name(), measure, value, prf[0], prf[1], p.size(), t.size()),
        details);
  }

  /** rouge_score's tokenize: lowercase, non-[a-z0-9] runs to spaces, split, optional stemming. */
  static List<String> tokenize(String text, boolean stem) {
    String lower = Texts.lower(text);
    List<String> tokens = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i <= lower.length(); i++) {
      char c = i < lower.length() ? lower.charAt(i) : ' ';
      if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
        cur.append(c);
      } else if (cur.length() > 0) {
        String tok = cur.toString();
        tokens.add(stem && tok.length() > 3 ? PorterStemmer.stem(tok) : tok);
        cur.setLength(0);
      }
    }
    return tokens;
  }

  static Map<String, Integer> ngrams(List<String> tokens, int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i + n <= tokens.size(); i++) {
      String key = n == 1 ? tokens.get(i) : String.join(" ", tokens.subList(i, i + n));
      counts.merge(key, 1, Integer::sum);
    }
    return counts;
  }

  /** Precision, recall, F-measure of clipped n-gram matches (rouge_score's _score_ngrams). */
  static double[] ngramScore(Map<String, Integer> target, Map<String, Integer> prediction) {
    long overlap = 0;
    long targetCount = 0;
    long predictionCount = 0;
    for (Map.Entry<String, Integer> e : target.entrySet()) {
      overlap += Math.min(e.getValue(), prediction.getOrDefault(e.getKey(), 0));
      targetCount += e.getValue();
    }
    for (int c : prediction.values()) {
      predictionCount += c;
    }
    double precision = (double) overlap / Math.max(predictionCount, 1);
    double recall = (double) overlap / Math.max(targetCount, 1);
    return new double[] {precision, recall, fmeasure(precision, recall)};
  }

  /** rouge_score's _score_lcs, with an LCS table of two rows. */
  static double[] lcsScore(List<String> target, List<String> prediction) {
    if (target.isEmpty() || prediction.isEmpty()) {
      return new double[] {0, 0, 0};
    }
    int lcs = lcsLength(target, prediction);
    double precision = (double) lcs / prediction.size();
    double recall = (double) lcs / target.size();
    return new double[] {precision, recall, fmeasure(precision, recall)};
  }

  static int lcsLength(List<String> a, List<String> b) {
    // intern tokens to ints so the inner loop compares numbers
    Map<String, Integer> ids = new HashMap<>();
    int[] x = new int[a.size()];
    int[] y = new int[b.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = ids.computeIfAbsent(a.get(i), k -> ids.size());
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = ids.computeIfAbsent(b.get(i), k -> ids.size());
    }
    int[] prev = new int[y.length + 1];
    int[] cur = new int[y.length + 1];
    for (int i = 1; i <= x.length; i++) {
      int xi = x[i - 1];
      for (int j = 1; j <= y.length; j++) {
        cur[j] = xi == y[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[y.length];
  }

  static double fmeasure(double precision, double recall) {
    return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
  }
}
