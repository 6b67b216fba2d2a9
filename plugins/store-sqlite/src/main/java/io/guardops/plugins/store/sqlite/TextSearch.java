package io.guardops.plugins.store.sqlite;

import java.util.ArrayList;
import java.util.List;

/**
 * The text filter's terms. From schema v7 the store keeps a full-text index of every span's prompt and
 * output ({@code span_text}, FTS5, contentless, tokenizer {@code unicode61 remove_diacritics 2}), so a
 * text search is whole words, case- and accent-insensitive: a trace matches when one of its spans has
 * every word of the search text in its prompt or output, in any order. A word is a run of letters and
 * digits; everything else separates words. A search text with no letter or digit at all (say {@code %})
 * has nothing to look up and is matched as a case-sensitive substring instead, by reading the spans of
 * the candidate traces (slow on a large project: narrow it with a time range).
 */
final class TextSearch {
  private TextSearch() {}

  /** The words of a search text, in order. */
  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      int cp = text.codePointAt(i);
      if (!isWordChar(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      while (i < n && isWordChar(cp = text.codePointAt(i))) {
        i += Character.charCount(cp);
      }
      out.add(text.substring(start, i));
    }
    return out;
  }

  /** As unicode61 tokenizes: letters, digits and private-use characters make words. */
  private static boolean isWordChar(int cp) {
    return Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.PRIVATE_USE;
  }

  /** The FTS5 query for {@code words}: each a quoted string, all of them required. */
  static String match(List<String> words) {
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      // a word holds no quote (quotes separate words), so quoting it needs no escaping
      sb.append('"').append(w).append('"');
    }
    return sb.toString();
  }
}
