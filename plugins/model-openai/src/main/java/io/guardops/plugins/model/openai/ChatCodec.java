package io.guardops.plugins.model.openai;

import io.guardops.api.Json;
import io.guardops.api.model.ChatMessage;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.model.ModelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the chat completions protocol: the request body, a whole completion, a stream chunk
 * and an error body. Uses plugin-api's {@link Json}, so the plugin bundles no JSON library.
 */
final class ChatCodec {
  private ChatCodec() {}

  static String requestBody(ChatRequest r, boolean stream, String maxTokensField, boolean streamUsage) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", r.model());
    List<Object> messages = new ArrayList<>(r.messages().size());
    for (ChatMessage m : r.messages()) {
      Map<String, Object> msg = new LinkedHashMap<>();
      msg.put("role", m.role());
      msg.put("content", m.content());
      messages.add(msg);
    }
    body.put("messages", messages);
    if (r.temperature() != null) {
      body.put("temperature", r.temperature());
    }
    if (r.maxTokens() != null) {
      body.put(maxTokensField, r.maxTokens());
    }
    if (r.topP() != null) {
      body.put("top_p", r.topP());
    }
    if (!r.stop().isEmpty()) {
      body.put("stop", r.stop());
    }
    if (stream) {
      body.put("stream", true);
      if (streamUsage) {
        body.put("stream_options", Map.of("include_usage", true));
      }
    }
    return Json.write(body);
  }

  /** A whole completion's fields. */
  record Completion(String id, String model, String content, String finishReason, Long inputTokens,
      Long outputTokens) {}

  static Completion completion(String body) {
    Map<String, Object> root = object(body, "the reply");
    Map<String, Object> choice = firstChoice(root);
    if (choice == null) {
      throw badResponse("the reply has no choices[0]: " + abbreviate(body));
    }
    Object message = choice.get("message");
    if (!(message instanceof Map<?, ?> msg)) {
      throw badResponse("the reply's choices[0] has no message: " + abbreviate(body));
    }
    Object content = msg.get("content");
    if (content == null) {
      // a refusal (or a tool call this client does not ask for) has no content
      content = msg.get("refusal");
    }
    if (content != null && !(content instanceof String)) {
      throw badResponse("the reply's message content is not text: " + abbreviate(body));
    }
    Long[] usage = usage(root);
    return new Completion(string(root.get("id")), string(root.get("model")), (String) content,
        string(choice.get("finish_reason")), usage[0], usage[1]);
  }

  /**
   * The model ids of a {@code GET /models} reply ({@code {"data": [{"id": ...}]}}), in the order the
   * endpoint gave them.
   */
  static List<String> modelIds(String body) {
    Map<String, Object> root = object(body, "the model list");
    Object data = root.get("data");
    if (!(data instanceof List<?> list)) {
      throw badResponse("the model list has no data array: " + abbreviate(body));
    }
    List<String> ids = new ArrayList<>(list.size());
    for (Object o : list) {
      if (o instanceof Map<?, ?> m && m.get("id") instanceof String id && !id.isBlank()) {
        ids.add(id);
      }
    }
    return ids;
  }

  /** One stream chunk's fields; any may be null. */
  record Chunk(String id, String model, String delta, String finishReason, Long inputTokens, Long outputTokens,
      String error) {}

  static Chunk chunk(String data) {
    Map<String, Object> root = object(data, "a stream chunk");
    Object error = root.get("error");
    if (error != null) {
      return new Chunk(null, null, null, null, null, null, errorMessage(error));
    }
    Map<String, Object> choice = firstChoice(root);
    String delta = null;
    String finish = null;
    if (choice != null) {
      Object d = choice.get("delta");
      if (d instanceof Map<?, ?> dm && dm.get("content") instanceof String s) {
        delta = s;
      }
      finish = string(choice.get("finish_reason"));
    }
    Long[] usage = usage(root);
    return new Chunk(string(root.get("id")), string(root.get("model")), delta, finish, usage[0], usage[1], null);
  }

  /** The {@code error.message} of an error body, else the body itself (abbreviated). */
  static String errorMessage(String body) {
    if (body == null || body.isBlank()) {
      return "(no body)";
    }
    try {
      Object root = Json.read(body);
      if (root instanceof Map<?, ?> m && m.get("error") != null) {
        return errorMessage(m.get("error"));
      }
      if (root instanceof Map<?, ?> m && m.get("message") instanceof String s) {
        return abbreviate(s);
      }
    } catch (IllegalArgumentException notJson) {
      // an HTML error page or plain text: say what it began with
    }
    return abbreviate(body.strip());
  }

  private static String errorMessage(Object error) {
    if (error instanceof Map<?, ?> e && e.get("message") instanceof String s) {
      return abbreviate(s);
    }
    return abbreviate(String.valueOf(error));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(String text, String what) {
    Object root;
    try {
      root = Json.read(text);
    } catch (IllegalArgumentException e) {
      throw badResponse(what + " is not valid JSON (" + e.getMessage() + "): " + abbreviate(text));
    }
    if (!(root instanceof Map)) {
      throw badResponse(what + " is not a JSON object: " + abbreviate(text));
    }
    return (Map<String, Object>) root;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> firstChoice(Map<String, Object> root) {
    if (root.get("choices") instanceof List<?> choices && !choices.isEmpty() && choices.get(0) instanceof Map) {
      return (Map<String, Object>) choices.get(0);
    }
    return null;
  }

  private static Long[] usage(Map<String, Object> root) {
    if (root.get("usage") instanceof Map<?, ?> u) {
      return new Long[] {asLong(u.get("prompt_tokens")), asLong(u.get("completion_tokens"))};
    }
    return new Long[] {null, null};
  }

  private static Long asLong(Object o) {
    return o instanceof Number n ? n.longValue() : null;
  }

  private static String string(Object o) {
    return o instanceof String s ? s : null;
  }

  static ModelException badResponse(String message) {
    return new ModelException(ModelException.Kind.BAD_RESPONSE, message);
  }

  static String abbreviate(String s) {
    String t = s.replaceAll("\\s+", " ");
    return t.length() <= 300 ? t : t.substring(0, 300) + "...";
  }
}
