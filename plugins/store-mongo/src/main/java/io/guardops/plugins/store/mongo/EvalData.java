package io.guardops.plugins.store.mongo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.Document;

/**
 * The readable copy of an evaluation entry's {@code eval_data}. The JSON text the engine gives is
 * what the store keeps and returns ({@code eval_data_json}, byte for byte); beside it, {@code
 * eval_data} holds the same object as a nested document, for people and ad-hoc queries, whenever that
 * copy can be faithful: the text is a JSON object of at most {@link #MAX_TEXT} characters, nesting at
 * most {@link #MAX_DEPTH} levels, and every key at every depth is a plain field name (not empty, no
 * {@code .}, no leading {@code $}, no NUL). Otherwise (keys such as {@code answer_relevancy.v2}) there
 * is no copy and the text alone is stored. Stateless.
 */
final class EvalData {
  /** Larger texts get no copy: it would double the document towards MongoDB's 16 MB limit. */
  static final int MAX_TEXT = 1 << 20;
  /** MongoDB refuses documents nested more than 100 levels; the entry around the copy adds one. */
  static final int MAX_DEPTH = 50;

  private EvalData() {}

  /** The nested copy of {@code json}, or {@code null} when it could not be faithful. */
  static Document readableCopy(String json) {
    if (json.length() > MAX_TEXT || !json.stripLeading().startsWith("{")) {
      return null;
    }
    // the driver's JSON reader gives keys such as "$numberLong" or "$date" (Extended JSON) a meaning
    // of their own: a text that may hold one, even escaped, gets no copy
    if (json.contains("\"$") || json.toLowerCase(Locale.ROOT).contains("\\u0024")) {
      return null;
    }
    Document parsed;
    try {
      parsed = Document.parse(json);
    } catch (RuntimeException e) {
      return null;
    }
    return plain(parsed, 1) ? parsed : null;
  }

  private static boolean plain(Object value, int depth) {
    if (value instanceof Map<?, ?> m) {
      if (depth > MAX_DEPTH) {
        return false;
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String key = (String) e.getKey();
        if (key.isEmpty() || key.indexOf('.') >= 0 || key.startsWith("$") || key.indexOf('\0') >= 0
            || !plain(e.getValue(), depth + 1)) {
          return false;
        }
      }
    } else if (value instanceof List<?> l) {
      if (depth > MAX_DEPTH) {
        return false;
      }
      for (Object o : l) {
        if (!plain(o, depth + 1)) {
          return false;
        }
      }
    }
    return true;
  }
}
