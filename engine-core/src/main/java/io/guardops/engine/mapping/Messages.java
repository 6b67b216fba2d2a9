package io.guardops.engine.mapping;

import java.util.List;
import java.util.Map;

/**
 * Extracts readable text from the message shapes the conventions use: a plain string, OTel GenAI
 * structured messages ({@code [{"role", "parts": [{"type": "text", "content"}]}]}), OpenAI-style
 * ({@code [{"role", "content": "..." | [{"type": "text", "text"}]}]}), Vercel's
 * {@code {"system", "prompt" | "messages"}}, or a JSON string of any of those. Text parts are joined
 * with newlines; non-text parts (images, tool calls) are skipped. Stateless.
 */
final class Messages {
  private static final int MAX_DEPTH = 8;
  /** Where a message-like map keeps its text, most specific first. */
  private static final String[] TEXT_KEYS = {"parts", "content", "text", "messages", "prompt"};

  private Messages() {}

  /** The text of {@code value}, or {@code null} if it holds none. A string that is not JSON is itself. */
  static String text(Object value) {
    if (value instanceof String s) {
      Object parsed = Values.jsonOrNull(s);
      if (parsed == null) {
        return s;
      }
      String t = structured(parsed, 0);
      // JSON that holds no message text (e.g. a tool's arguments) is still what was sent
      return t != null ? t : s;
    }
    return structured(value, 0);
  }

  /** Text of already structured content, or {@code null}. */
  static String structured(Object value, int depth) {
    if (value == null || depth > MAX_DEPTH) {
      return null;
    }
    if (value instanceof String s) {
      return s.isEmpty() ? null : s;
    }
    if (value instanceof List<?> list) {
      StringBuilder sb = null;
      for (Object item : list) {
        String t = structured(item, depth + 1);
        if (t != null && !t.isEmpty()) {
          if (sb == null) {
            sb = new StringBuilder();
          } else {
            sb.append('\n');
          }
          sb.append(t);
        }
      }
      return sb == null ? null : sb.toString();
    }
    if (value instanceof Map<?, ?> m) {
      Object type = m.get("type");
      if (type != null && !"text".equals(type) && !"input_text".equals(type) && !"output_text".equals(type)) {
        // image, tool_call, tool_call_response, reasoning, ...: not prompt or output text
        return null;
      }
      for (String key : TEXT_KEYS) {
        Object inner = m.get(key);
        if (inner != null) {
          String t = inner instanceof String s ? (s.isEmpty() ? null : s) : structured(inner, depth + 1);
          if (t != null) {
            Object system = key.equals("messages") || key.equals("prompt") ? m.get("system") : null;
            return system instanceof String sys && !sys.isEmpty() ? sys + "\n" + t : t;
          }
        }
      }
      return null;
    }
    return null;
  }
}
