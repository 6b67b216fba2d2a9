package io.guardops.plugins.evaluation;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sentence BLEU-4 of the output against the expected answer, as sacrebleu's {@code sentence_bleu}
 * computes it with its defaults: the 13a tokenizer (mteval-v13a), exponential smoothing (NIST's
 * method 3), effective order, brevity penalty against the reference length. The value is BLEU / 100;
 * the details carry the 0-100 score, the four n-gram precisions, the brevity penalty and lengths.
 */
final class Bleu extends BaseEvaluator {
  static final int MAX_ORDER = 4;
  private static final Pattern[] PATTERNS = {
      Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])"),
      Pattern.compile("([^0-9])([\\.,])"),
      Pattern.compile("([\\.,])([^0-9])"),
      Pattern.compile("([0-9])(-)")};
  private static final String[] REPLACEMENTS = {" $1 ", "$1 $2 ", " $1 $2", "$1 $2 "};

  Bleu() {
    super(info("bleu", "Sentence BLEU-4 of the output against the expected answer (sacrebleu's sentence_bleu: "
        + "13a tokenizer, exponential smoothing, effective order), as a value in [0, 1]", true, false, false,
        param("lowercase", "true to lowercase both texts first (sacrebleu -lc)", "false")));
  }

  @Override
  void check(Map<String, String> p) {
    bool(p, "lowercase", false);
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    String reference = expected(item);
    boolean lowercase = bool(parameters, "lowercase", false);
    Result r = sentenceBleu(item.output(), reference, lowercase);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("bleu", r.score);
    List<Object> precisions = new ArrayList<>();
    for (double p : r.precisions) {
      precisions.add(p);
    }
    details.put("precisions", precisions);
    details.put("brevity_penalty", r.bp);
    details.put("hyp_len", (long) r.sysLen);
    details.put("ref_len", (long) r.refLen);
    return similarity(r.score / 100, String.format(java.util.Locale.ROOT,
        "BLEU = %.2f (precisions %.1f/%.1f/%.1f/%.1f, BP = %.3f, hyp_len = %d, ref_len = %d)", r.score,
        r.precisions[0], r.precisions[1], r.precisions[2], r.precisions[3], r.bp, r.sysLen, r.refLen), details);
  }

  record Result(double score, double[] precisions, double bp, int sysLen, int refLen) {}

  static Result sentenceBleu(String hypothesis, String reference, boolean lowercase) {
    List<String> hyp = Texts.split(tokenize13a(preprocess(hypothesis, lowercase)));
    List<String> ref = Texts.split(tokenize13a(preprocess(reference, lowercase)));
    Map<String, Integer> refNgrams = ngrams(ref);
    Map<String, Integer> hypNgrams = ngrams(hyp);
    int[] correct = new int[MAX_ORDER];
    int[] total = new int[MAX_ORDER];
    for (Map.Entry<String, Integer> e : hypNgrams.entrySet()) {
      int order = order(e.getKey());
      total[order - 1] += e.getValue();
      Integer inRef = refNgrams.get(e.getKey());
      if (inRef != null) {
        correct[order - 1] += Math.min(e.getValue(), inRef);
      }
    }
    return computeBleu(correct, total, hyp.size(), ref.size());
  }

  /** sacrebleu's BLEU.compute_bleu with smooth_method='exp' and effective_order=True. */
  static Result computeBleu(int[] correct, int[] total, int sysLen, int refLen) {
    double bp = 1.0;
    if (sysLen < refLen) {
      bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
    }
    double[] precisions = new double[MAX_ORDER];
    boolean anyMatch = false;
    for (int c : correct) {
      anyMatch |= c != 0;
    }
    if (!anyMatch) {
      return new Result(0.0, precisions, bp, sysLen, refLen);
    }
    double smooth = 1.0;
    int effectiveOrder = MAX_ORDER;
    for (int n = 1; n <= MAX_ORDER; n++) {
      if (total[n - 1] == 0) {
        break;
      }
      effectiveOrder = n;
      if (correct[n - 1] == 0) {
        smooth *= 2;
        precisions[n - 1] = 100.0 / (smooth * total[n - 1]);
      } else {
        precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
      }
    }
    double sum = 0;
    for (int i = 0; i < effectiveOrder; i++) {
      sum += precisions[i] == 0.0 ? -9_999_999_999.0 : Math.log(precisions[i]);
    }
    return new Result(bp * Math.exp(sum / effectiveOrder), precisions, bp, sysLen, refLen);
  }

  private static String preprocess(String s, boolean lowercase) {
    String t = lowercase ? Texts.lower(s) : s;
    int end = t.length();
    while (end > 0 && Texts.isPythonSpace(t.charAt(end - 1))) {
      end--;
    }
    return t.substring(0, end);
  }

  /** sacrebleu's Tokenizer13a followed by its TokenizerRegexp. */
  static String tokenize13a(String line) {
    String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
    if (s.indexOf('&') >= 0) {
      s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
    }
    s = " " + s + " ";
    for (int i = 0; i < PATTERNS.length; i++) {
      s = PATTERNS[i].matcher(s).replaceAll(REPLACEMENTS[i]);
    }
    return Texts.collapseWhitespace(s);
  }

  /** Every n-gram of order 1 to 4, as its tokens joined by single spaces (tokens have none). */
  private static Map<String, Integer> ngrams(List<String> tokens) {
    Map<String, Integer> counts = new HashMap<>();
    for (int n = 1; n <= MAX_ORDER; n++) {
      for (int i = 0; i + n <= tokens.size(); i++) {
        counts.merge(n == 1 ? tokens.get(i) : String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static int order(String ngram) {
    int n = 1;
    for (int i = 0; i < ngram.length(); i++) {
      if (ngram.charAt(i) == ' ') {
        n++;
      }
    }
    return n;
  }
}
