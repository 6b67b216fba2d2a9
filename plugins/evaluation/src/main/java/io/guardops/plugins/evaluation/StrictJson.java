package io.guardops.plugins.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict JSON (RFC 8259: one value, no trailing content, no duplicate keys) on Jackson. */
final class StrictJson {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();
  private static final Pattern FENCE = Pattern.compile("```[a-zA-Z0-9_-]*[ \\t]*\\r?\\n(.*?)\\r?\\n?```", Pattern.DOTALL);

  private StrictJson() {}

  /** Thrown when a text is not one JSON value; the message says where. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  static JsonNode parse(String text) throws Invalid {
    if (text.isBlank()) {
      throw new Invalid("the text is empty");
    }
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new Invalid("the text is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      String loc = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      throw new Invalid(e.getOriginalMessage() + loc);
    }
  }

  /** The content of the first Markdown code fence in {@code text}, or {@code text} when it has none. */
  static String unfence(String text) {
    Matcher m = FENCE.matcher(text);
    return m.find() ? m.group(1) : text;
  }
}
