package io.guardops.api.ingest;

import java.util.Objects;

/**
 * Ingestion refused a request; {@link #kind()} tells a receiver which status to answer (for OTLP/gRPC:
 * UNAUTHENTICATED, NOT_FOUND, INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAVAILABLE). The message is safe to
 * show the client.
 */
public class IngestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Kind {
    /** No key, or an unknown or revoked one. */
    UNAUTHENTICATED,
    /** A project the key's owner may not write to (answered like one that does not exist). */
    NOT_FOUND,
    /** The request itself is malformed. */
    INVALID,
    /** The request is larger than allowed. */
    TOO_LARGE,
    /** The store cannot take it right now; retry later. */
    UNAVAILABLE
  }

  private final Kind kind;

  public IngestException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public IngestException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }
}
