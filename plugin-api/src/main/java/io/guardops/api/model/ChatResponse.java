package io.guardops.api.model;

/**
 * A finished chat completion.
 *
 * @param id the provider's response id, or {@code null}
 * @param model the model that answered (the provider may name a dated version)
 * @param content the answer's text
 * @param finishReason {@code stop}, {@code length}, ... or {@code null}
 * @param inputTokens as the provider counted them, or {@code null} when it did not say
 * @param outputTokens likewise
 * @param latencyNanos from sending the request to the last byte
 * @param attempts how many HTTP attempts it took (retries after 429/5xx count)
 */
public record ChatResponse(String id, String model, String content, String finishReason, Long inputTokens,
    Long outputTokens, long latencyNanos, int attempts) {
  public ChatResponse {
    content = content == null ? "" : content;
    if (latencyNanos < 0) {
      throw new IllegalArgumentException("latency must not be negative");
    }
  }

  /** Input plus output tokens, when either is known. */
  public Long totalTokens() {
    if (inputTokens == null && outputTokens == null) {
      return null;
    }
    return (inputTokens == null ? 0 : inputTokens) + (outputTokens == null ? 0 : outputTokens);
  }
}
