package io.guardops.host;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.guardops.engine.EngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The host's one JSON mapper and the body parsing every route shares. */
final class Json {
  final ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /**
   * A request body that must be a JSON object.
   *
   * @throws EngineException BAD_REQUEST when it is not valid JSON or not an object
   */
  JsonNode object(byte[] body) {
    try {
      JsonNode n = mapper.readTree(body);
      if (n == null || !n.isObject()) {
        throw EngineException.badRequest("the body must be a JSON object");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw EngineException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw EngineException.badRequest("the body could not be read: " + e.getMessage());
    }
  }

  /**
   * The text of one top-level field of a JSON object body exactly as sent (keys with dots, number
   * forms and key order kept), or null when the body has no such field. The last occurrence wins, as
   * in any JSON reader.
   *
   * @throws EngineException BAD_REQUEST when the body is not a JSON object or the field is not an object
   */
  String rawObjectField(byte[] body, String field) {
    try (JsonParser p = mapper.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw EngineException.badRequest("the body must be a JSON object");
      }
      String raw = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals(field)) {
          if (value != JsonToken.START_OBJECT) {
            throw EngineException.badRequest("'" + field + "' must be a JSON object");
          }
          long start = p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          long end = p.currentLocation().getByteOffset();
          raw = new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8);
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw EngineException.badRequest("the body is not one JSON object");
      }
      return raw;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw EngineException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw EngineException.badRequest("the body could not be read: " + e.getMessage());
    }
  }

  /** A text field, or null when absent or null. */
  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw EngineException.badRequest("'" + field + "' must be a string");
    }
    return v.asText();
  }

  /** A number field, or null. */
  static Double number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      try {
        return Double.parseDouble(v.asText().trim());
      } catch (NumberFormatException e) {
        // refused below
      }
    }
    throw EngineException.badRequest("'" + field + "' must be a number");
  }

  /** A boolean field, or null. */
  static Boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw EngineException.badRequest("'" + field + "' must be true or false");
    }
    return v.booleanValue();
  }

  /** An object of strings (other values as their JSON text), or null. */
  static Map<String, String> stringMap(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw EngineException.badRequest("'" + field + "' must be an object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    v.fields().forEachRemaining(e -> {
      if (!e.getValue().isNull()) {
        out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
      }
    });
    return out;
  }

  /** A list of strings: a JSON array of strings, or a single string; null when absent. */
  static List<String> strings(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    if (v.isTextual()) {
      out.add(v.asText());
      return out;
    }
    if (!v.isArray()) {
      throw EngineException.badRequest("'" + field + "' must be a list of strings");
    }
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw EngineException.badRequest("'" + field + "' must be a list of strings");
      }
      out.add(e.asText());
    }
    return out;
  }

  /** A JSON object as a map of plain values (strings, numbers, booleans, lists, maps), or null. */
  Map<String, Object> plainMap(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw EngineException.badRequest("'" + field + "' must be an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = mapper.convertValue(v, Map.class);
    return m;
  }
}
