package io.guardops.plugins.evaluation;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The output matches a Java regular expression. A pattern that backtracks catastrophically on an
 * output is stopped after {@link #TIME_LIMIT_NANOS} instead of holding an experiment's thread.
 */
final class RegexMatch extends BaseEvaluator {
  static final long TIME_LIMIT_NANOS = 2_000_000_000L;

  RegexMatch() {
    super(info("regex", "1 when the output matches the regular expression 'pattern' (Java syntax), else 0",
        false, false, false,
        required("pattern", "the regular expression, Java syntax (java.util.regex)"),
        param("mode", "find (the pattern occurs somewhere in the output) or full (the whole output matches)", "find"),
        param("ignore_case", "true for case-insensitive matching (Unicode-aware)", "false"),
        param("multiline", "true: ^ and $ match at line breaks", "false"),
        param("dotall", "true: . matches line breaks too", "false")));
  }

  @Override
  void check(Map<String, String> p) {
    pattern(p);
    choice(p, "mode", "find", "find", "full");
  }

  private Pattern pattern(Map<String, String> p) {
    String pattern = p.get("pattern");
    int flags = 0;
    if (bool(p, "ignore_case", false)) {
      flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    }
    if (bool(p, "multiline", false)) {
      flags |= Pattern.MULTILINE;
    }
    if (bool(p, "dotall", false)) {
      flags |= Pattern.DOTALL;
    }
    try {
      return Pattern.compile(pattern, flags);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(name() + ": parameter 'pattern' is not a valid regular expression: "
          + e.getDescription() + " near index " + e.getIndex() + " of '" + pattern + "'");
    }
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    Pattern pattern = pattern(parameters);
    boolean full = choice(parameters, "mode", "find", "find", "full").equals("full");
    Matcher m = pattern.matcher(new Deadline(item.output(), System.nanoTime() + TIME_LIMIT_NANOS));
    boolean ok;
    try {
      ok = full ? m.matches() : m.find();
    } catch (Deadline.Exceeded e) {
      throw new IllegalArgumentException(name() + ": the pattern '" + pattern.pattern() + "' took longer than "
          + TIME_LIMIT_NANOS / 1_000_000_000L + " s on an output of " + item.output().length()
          + " characters (catastrophic backtracking); simplify it");
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("mode", full ? "full" : "find");
    if (ok) {
      details.put("match_start", (long) m.start());
      details.put("match_end", (long) m.end());
    }
    return passFail(ok, ok ? "the output matches the pattern" : "the output does not match the pattern", details);
  }

  /** A char sequence that stops the regex engine once its time is up (checked every 4096 reads). */
  private static final class Deadline implements CharSequence {
    private final CharSequence s;
    private final long deadline;
    private int reads;

    Deadline(CharSequence s, long deadline) {
      this.s = s;
      this.deadline = deadline;
    }

    static final class Exceeded extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Exceeded() {
        super(null, null, false, false);
      }
    }

    @Override
    public char charAt(int index) {
      if ((++reads & 4095) == 0 && System.nanoTime() > deadline) {
        throw new Exceeded();
      }
      return s.charAt(index);
    }

    @Override
    public int length() {
      return s.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Deadline(s.subSequence(start, end), deadline);
    }

    @Override
    public String toString() {
      return s.toString();
    }
  }
}
