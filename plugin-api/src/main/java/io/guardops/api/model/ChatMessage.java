package io.guardops.api.model;

import io.guardops.api.Checks;
import java.util.Locale;

/**
 * One message of a chat: {@code system}, {@code user} or {@code assistant}, and its text.
 */
public record ChatMessage(String role, String content) {
  public ChatMessage {
    Checks.notBlank(role, "role");
    role = role.trim().toLowerCase(Locale.ROOT);
    if (!role.equals("system") && !role.equals("user") && !role.equals("assistant")) {
      throw new IllegalArgumentException("a chat message's role is system, user or assistant, was '" + role + "'");
    }
    content = content == null ? "" : content;
  }

  public static ChatMessage system(String content) {
    return new ChatMessage("system", content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage("assistant", content);
  }
}
