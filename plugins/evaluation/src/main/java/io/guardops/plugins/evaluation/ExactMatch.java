package io.guardops.plugins.evaluation;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.Map;

/** The output equals the expected answer, after the chosen normalisation. */
final class ExactMatch extends BaseEvaluator {
  ExactMatch() {
    super(info("exact_match", "1 when the output equals the expected answer (after the chosen normalisation), else 0",
        true, false, false,
        param("normalize", "none (exact), case (ignore case), whitespace (trim and collapse runs of whitespace), "
            + "both (case and whitespace), or squad (the SQuAD v1.1 answer normalisation: lowercase, no punctuation, "
            + "no articles, collapsed whitespace)", "none")));
  }

  @Override
  void check(Map<String, String> p) {
    mode(p);
  }

  private String mode(Map<String, String> p) {
    return choice(p, "normalize", "none", "none", "case", "whitespace", "both", "squad");
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    String expected = expected(item);
    String mode = mode(parameters);
    String a = normalise(item.output(), mode);
    String b = normalise(expected, mode);
    boolean same = a.equals(b);
    String why;
    if (same) {
      why = "the output equals the expected answer" + (mode.equals("none") ? "" : " (normalised: " + mode + ")");
    } else {
      int i = 0;
      while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
        i++;
      }
      why = "the output differs from the expected answer at character " + i
          + (mode.equals("none") ? "" : " after normalising (" + mode + ")");
    }
    return passFail(same, why, Map.of("normalize", mode));
  }

  static String normalise(String s, String mode) {
    switch (mode) {
      case "case": return Texts.lower(s);
      case "whitespace": return Texts.collapseWhitespace(s);
      case "both": return Texts.collapseWhitespace(Texts.lower(s));
      case "squad": return SquadNormalizer.normalize(s);
      default: return s;
    }
  }
}
