package io.guardops.engine.mapping;

import io.guardops.api.Attributes;
import io.guardops.api.Json;
import java.util.Map;

/**
 * Lenient attribute readers shared by the mappers. Nothing here throws on odd input: a value that
 * cannot be read is {@code null}, because mappers run on the ingest hot path and must skip what
 * they do not understand.
 */
final class Values {
  /** How many flattened, indexed messages ({@code x.0.content} ... ) are read at most. */
  static final int MAX_INDEXED = 1000;

  private Values() {}

  /** The value as non-blank text, or {@code null}. */
  static String str(Map<String, Object> attrs, String key) {
    Object v = attrs.get(key);
    if (v == null) {
      return null;
    }
    String s = Attributes.asString(v);
    return s == null || s.isBlank() ? null : s;
  }

  /** The first non-blank text among {@code keys}. */
  static String firstStr(Map<String, Object> attrs, String... keys) {
    for (String k : keys) {
      String s = str(attrs, k);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  /** The value as a non-negative whole number, or {@code null}. */
  static Long count(Map<String, Object> attrs, String key) {
    Object v = attrs.get(key);
    if (v == null) {
      return null;
    }
    Long l = Attributes.asLong(v);
    return l == null || l < 0 ? null : l;
  }

  /** The first readable count among {@code keys}. */
  static Long firstCount(Map<String, Object> attrs, String... keys) {
    for (String k : keys) {
      Long l = count(attrs, k);
      if (l != null) {
        return l;
      }
    }
    return null;
  }

  /** Lowercase ASCII without allocation when already lowercase. */
  static String lower(String s) {
    if (s == null) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return s.toLowerCase(java.util.Locale.ROOT);
      }
    }
    return s;
  }

  /** Parses text that looks like a JSON array or object; anything else (or bad JSON) is {@code null}. */
  static Object jsonOrNull(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    if (i == s.length() || (s.charAt(i) != '[' && s.charAt(i) != '{')) {
      return null;
    }
    try {
      return Json.read(s);
    } catch (IllegalArgumentException notJson) {
      return null;
    }
  }
}
