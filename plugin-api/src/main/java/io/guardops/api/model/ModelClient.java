package io.guardops.api.model;

import io.guardops.api.Health;

/**
 * Calls chat models: the LLM-as-judge evaluators, experiments and the playground go through it. An
 * implementation speaks one protocol (the OpenAI chat completions protocol covers OpenAI, Azure
 * OpenAI, Ollama, vLLM and LM Studio), applies timeouts, retries 429 and 5xx with backoff, and reports
 * the provider's token usage. Cost is the engine's business (its price table), not the client's.
 * Thread-safe.
 */
public interface ModelClient extends AutoCloseable {
  /**
   * Sends a request and waits for the whole answer.
   *
   * @throws ModelException when it fails after retries
   */
  ChatResponse chat(ChatRequest request);

  /**
   * Sends a request and streams the answer to {@code listener} as it arrives (server-sent events).
   * Returns when the stream ended; never throws for a failed call (the listener hears it).
   */
  void stream(ChatRequest request, ChatListener listener);

  /**
   * The model ids the endpoint offers ({@code GET /models}), for the playground and the model registry.
   *
   * @param endpoint where to ask, or {@code null} for the client's default
   * @throws ModelException when the endpoint fails
   * @throws UnsupportedOperationException when the protocol has no such listing
   */
  default java.util.List<String> models(ModelEndpoint endpoint) {
    throw new UnsupportedOperationException("this model client cannot list models");
  }

  /** Health as data; never throws. */
  default Health check() {
    return Health.up();
  }

  /** Releases resources; idempotent. */
  @Override
  default void close() {}
}
