package io.guardops.api;

import java.lang.reflect.Array;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attribute maps as the model keeps them: immutable, insertion-ordered, values restricted to
 * {@code String}, {@code Long}, {@code Double}, {@code Boolean}, immutable {@code List}s and
 * {@code Map}s of those (OTLP's AnyValue). Other numbers are widened; anything else becomes its
 * {@code toString()}.
 */
public final class Attributes {
  private Attributes() {}

  /**
   * An immutable, normalised copy; {@code null} gives an empty map. A map this method made is
   * returned as it is (a span rebuilt with new LLM fields does not copy its attributes again).
   */
  public static Map<String, Object> copyOf(Map<String, ?> source) {
    if (source == null || source.isEmpty()) {
      return Map.of();
    }
    if (source instanceof Frozen frozen) {
      return frozen;
    }
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(Math.max(4, source.size() * 2));
    for (Map.Entry<String, ?> e : source.entrySet()) {
      if (e.getKey() == null) {
        throw new IllegalArgumentException("attribute keys must not be null");
      }
      Object v = normalise(e.getValue());
      if (v != null) {
        copy.put(e.getKey(), v);
      }
    }
    return new Frozen(copy);
  }

  /** An immutable, insertion-ordered map whose values are already normalised. */
  private static final class Frozen extends AbstractMap<String, Object> {
    private final Map<String, Object> map;

    Frozen(LinkedHashMap<String, Object> owned) {
      this.map = Collections.unmodifiableMap(owned);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return map.entrySet();
    }

    @Override
    public Object get(Object key) {
      return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return map.containsKey(key);
    }

    @Override
    public int size() {
      return map.size();
    }
  }

  /** Normalises one value; {@code null} stays {@code null}. */
  public static Object normalise(Object value) {
    if (value == null || value instanceof String || value instanceof Long || value instanceof Double
        || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float) {
      return ((Float) value).doubleValue();
    }
    if (value instanceof Number) {
      double d = ((Number) value).doubleValue();
      long l = ((Number) value).longValue();
      return d == l ? (Object) l : (Object) d;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object v = normalise(e.getValue());
        if (v != null) {
          m.put(String.valueOf(e.getKey()), v);
        }
      }
      return Collections.unmodifiableMap(m);
    }
    if (value instanceof Iterable<?> it) {
      List<Object> l = new ArrayList<>();
      for (Object o : it) {
        l.add(normalise(o));
      }
      return Collections.unmodifiableList(l);
    }
    if (value.getClass().isArray()) {
      int n = Array.getLength(value);
      List<Object> l = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        l.add(normalise(Array.get(value, i)));
      }
      return Collections.unmodifiableList(l);
    }
    return value.toString();
  }

  /** The value as a string, or {@code null}; lists and maps are rendered as JSON. */
  public static String asString(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Map || value instanceof List) {
      return Json.write(value);
    }
    return value.toString();
  }

  /** The value as a long if it is a whole number or a numeric string, else {@code null}. */
  public static Long asLong(Object value) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && !Double.isInfinite(d) ? (long) d : null;
    }
    if (value instanceof String s) {
      String t = s.trim();
      if (t.isEmpty()) {
        return null;
      }
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        try {
          double d = Double.parseDouble(t);
          return d == Math.rint(d) && !Double.isInfinite(d) ? (long) d : null;
        } catch (NumberFormatException e2) {
          return null;
        }
      }
    }
    return null;
  }

  /** The value as a double if it is numeric or a numeric string, else {@code null}. */
  public static Double asDouble(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
