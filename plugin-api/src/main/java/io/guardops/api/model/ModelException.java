package io.guardops.api.model;

/**
 * A model call that failed, after the client's own retries. {@link #kind()} says whether trying
 * again later can help; the message says what happened without echoing secrets.
 */
public class ModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a model call failed. */
  public enum Kind {
    /** The request was refused as invalid (unknown model, bad parameters): HTTP 400/404/422. */
    BAD_REQUEST(false),
    /** The endpoint refused the credentials: HTTP 401/403. */
    UNAUTHORIZED(false),
    /** Too many requests, still after retrying (HTTP 429). */
    RATE_LIMITED(true),
    /** No complete answer within the timeout. */
    TIMEOUT(true),
    /** The endpoint failed or could not be reached (5xx, connection refused). */
    UNAVAILABLE(true),
    /** An answer that is not a chat completion (malformed JSON, missing fields). */
    BAD_RESPONSE(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;
  private final int httpStatus;

  public ModelException(Kind kind, int httpStatus, String message, Throwable cause) {
    super(message, cause);
    this.kind = java.util.Objects.requireNonNull(kind, "kind");
    this.httpStatus = httpStatus;
  }

  public ModelException(Kind kind, String message) {
    this(kind, 0, message, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The endpoint's HTTP status, or 0 when there was none. */
  public int httpStatus() {
    return httpStatus;
  }
}
