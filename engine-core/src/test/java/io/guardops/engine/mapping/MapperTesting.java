package io.guardops.engine.mapping;

import io.guardops.api.AttributeMapper;
import io.guardops.api.LlmFields;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class MapperTesting {
  private MapperTesting() {}

  static LlmFields map(AttributeMapper mapper, Map<String, Object> attributes) {
    LlmFields.Builder b = LlmFields.builder();
    mapper.map("span", attributes, Map.of(), b);
    return b.build();
  }

  /** All built-in mappers in order, as the normalizer runs them. */
  static LlmFields mapAll(Map<String, Object> attributes) {
    LlmFields.Builder b = LlmFields.builder();
    for (AttributeMapper m : BuiltinMappers.mappers()) {
      m.map("span", attributes, Map.of(), b);
    }
    return b.build();
  }

  static Map<String, Object> attrs(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static final List<String> NAMES = List.of("otel-genai", "openinference", "openllmetry", "vercel-ai", "guardops-library");
}
