package io.guardops.api.model;

/**
 * Receives a streamed chat completion. Called on the client's thread, in order: any number of
 * {@link #onDelta}, then exactly one of {@link #onComplete} or {@link #onError}.
 */
public interface ChatListener {
  /** The next piece of the answer's text. */
  void onDelta(String text);

  /** The whole answer, with usage when the endpoint reported it. */
  void onComplete(ChatResponse response);

  /** The call failed; what was streamed so far is all there is. */
  void onError(ModelException error);
}
