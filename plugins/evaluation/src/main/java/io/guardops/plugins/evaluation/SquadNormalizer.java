package io.guardops.plugins.evaluation;

import java.util.regex.Pattern;

/**
 * The answer normalisation of the SQuAD v1.1 evaluation script ({@code normalize_answer}):
 * lowercase, drop ASCII punctuation ({@code string.punctuation}), replace the articles a/an/the
 * (whole words) with spaces, collapse whitespace.
 */
final class SquadNormalizer {
  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);

  private SquadNormalizer() {}

  static String normalize(String s) {
    String lower = Texts.lower(s);
    StringBuilder sb = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (PUNCTUATION.indexOf(c) < 0) {
        sb.append(c);
      }
    }
    return Texts.collapseWhitespace(ARTICLES.matcher(sb).replaceAll(" "));
  }
}
