package io.guardops.api.model;

import io.guardops.api.Checks;
import java.time.Duration;
import java.util.List;

/**
 * One chat completion request. {@code null} parameters are left to the model's defaults.
 *
 * @param model the model name the endpoint knows ({@code gpt-4o-mini}, {@code llama3.1:8b})
 * @param messages at least one
 * @param temperature 0 to 2
 * @param maxTokens at least 1
 * @param topP 0 to 1
 * @param stop up to 4 stop sequences
 * @param endpoint where to send it instead of the client's default; {@code null} for the default
 * @param timeout how long the whole call may take; {@code null} for the client's default
 */
public record ChatRequest(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens,
    Double topP, List<String> stop, ModelEndpoint endpoint, Duration timeout) {
  public ChatRequest {
    Checks.notBlank(model, "model");
    messages = List.copyOf(messages == null ? List.of() : messages);
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat request needs at least one message");
    }
    if (temperature != null && (temperature < 0 || temperature > 2 || temperature.isNaN())) {
      throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
    }
    if (maxTokens != null && maxTokens < 1) {
      throw new IllegalArgumentException("max tokens must be at least 1, was " + maxTokens);
    }
    if (topP != null && (topP < 0 || topP > 1 || topP.isNaN())) {
      throw new IllegalArgumentException("top p must be between 0 and 1, was " + topP);
    }
    stop = List.copyOf(stop == null ? List.of() : stop);
    if (stop.size() > 4) {
      throw new IllegalArgumentException("at most 4 stop sequences, got " + stop.size());
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  /** A request with only a model and messages. */
  public static ChatRequest of(String model, List<ChatMessage> messages) {
    return new ChatRequest(model, messages, null, null, null, null, null, null);
  }

  /** This request with {@code endpoint}. */
  public ChatRequest withEndpoint(ModelEndpoint e) {
    return new ChatRequest(model, messages, temperature, maxTokens, topP, stop, e, timeout);
  }
}
