package io.guardops.plugins.store.mongo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Maps whose keys are data (span attributes, dataset item metadata, evaluator details, rule
 * parameters) as arrays of {@code {k, v}} pairs, never as documents keyed by those names: MongoDB
 * field names must not start with {@code $} and dots in them mean paths, while OpenTelemetry keys are
 * full of dots ({@code gen_ai.usage.input_tokens}). A nested map value is the document {@code {kv:
 * [...]}}; since values are otherwise only strings, numbers, booleans and arrays ({@link
 * io.guardops.api.Attributes}), a document value is always such a map. Every key comes back
 * unchanged, in its order. Stateless.
 */
final class AttributeCodec {
  private AttributeCodec() {}

  /** A map as an array of {@code {k, v}} pairs, in the map's order. */
  static List<Document> encode(Map<String, ?> map) {
    List<Document> out = new ArrayList<>(map.size());
    for (Map.Entry<String, ?> e : map.entrySet()) {
      out.add(new Document("k", e.getKey()).append("v", encodeValue(e.getValue())));
    }
    return out;
  }

  private static Object encodeValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, ?> typed = (Map<String, ?>) m;
      return new Document("kv", encode(typed));
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(encodeValue(o));
      }
      return out;
    }
    return v;
  }

  /** Reads {@link #encode}'s form; anything else (a missing field) is the empty map. */
  static Map<String, Object> decode(Object stored) {
    if (!(stored instanceof List<?> pairs) || pairs.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>(pairs.size() * 2);
    for (Object o : pairs) {
      Document pair = (Document) o;
      out.put(pair.getString("k"), decodeValue(pair.get("v")));
    }
    return out;
  }

  private static Object decodeValue(Object v) {
    if (v instanceof Document d) {
      return decode(d.get("kv"));
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(decodeValue(o));
      }
      return Collections.unmodifiableList(out);
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    return v;
  }
}
