package io.guardops.engine.mapping;

import java.util.Map;

/**
 * A family of flattened, indexed attribute keys such as {@code gen_ai.prompt.N.content} (with
 * {@code gen_ai.prompt.N.role} as the "this message exists" key). The keys of the first indexes are
 * built once, so that the common case, a span without such keys, costs two hash lookups and no
 * string building. Immutable and thread-safe.
 */
final class IndexedKeys {
  private static final int PREBUILT = 32;

  private final String prefix;
  private final String valueSuffix;
  private final String presenceSuffix;
  private final String[] valueKeys = new String[PREBUILT];
  private final String[] presenceKeys = new String[PREBUILT];

  IndexedKeys(String prefix, String valueSuffix, String presenceSuffix) {
    this.prefix = prefix;
    this.valueSuffix = valueSuffix;
    this.presenceSuffix = presenceSuffix;
    for (int i = 0; i < PREBUILT; i++) {
      valueKeys[i] = prefix + i + valueSuffix;
      presenceKeys[i] = prefix + i + presenceSuffix;
    }
  }

  private String valueKey(int i) {
    return i < PREBUILT ? valueKeys[i] : prefix + i + valueSuffix;
  }

  private String presenceKey(int i) {
    return i < PREBUILT ? presenceKeys[i] : prefix + i + presenceSuffix;
  }

  /**
   * Joins with newlines the text of the value keys for i = 0, 1, ... until an index has neither
   * the value nor the presence key (a message may have a role but no content, e.g. a tool call).
   * Returns {@code null} when no text was found.
   */
  String join(Map<String, Object> attrs) {
    StringBuilder sb = null;
    for (int i = 0; i < Values.MAX_INDEXED; i++) {
      Object v = attrs.get(valueKey(i));
      if (v == null && !attrs.containsKey(presenceKey(i))) {
        break;
      }
      String s = v == null ? null : Messages.text(v);
      if (s != null && !s.isEmpty()) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 16);
        } else {
          sb.append('\n');
        }
        sb.append(s);
      }
    }
    return sb == null ? null : sb.toString();
  }
}
