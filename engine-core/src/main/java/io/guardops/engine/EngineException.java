package io.guardops.engine;

/**
 * A request the engine refuses, with a message safe to show the caller. The {@link Kind} tells a
 * transport which status to use; the host maps it to HTTP. Thrown before anything is changed.
 */
public final class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the request was refused. */
  public enum Kind {
    /** Malformed or invalid input (HTTP 400). */
    BAD_REQUEST(400),
    /** Missing or wrong credentials (HTTP 401). */
    UNAUTHORIZED(401),
    /** Authenticated, but not allowed (HTTP 403). */
    FORBIDDEN(403),
    /** The thing named does not exist for this caller (HTTP 404). */
    NOT_FOUND(404),
    /** The request conflicts with the current state (HTTP 409). */
    CONFLICT(409),
    /** The thing named existed but can no longer be used: a used, expired or revoked code (HTTP 410). */
    GONE(410),
    /** The body is larger than allowed (HTTP 413). */
    TOO_LARGE(413),
    /** The body's media type is not accepted (HTTP 415). */
    UNSUPPORTED_MEDIA_TYPE(415),
    /** The server cannot do this (a capability the configured components lack) (HTTP 501). */
    NOT_IMPLEMENTED(501),
    /** An upstream service (a model endpoint) failed or answered something unusable (HTTP 502). */
    BAD_GATEWAY(502),
    /** A backend is down or rate-limits us; retry later (HTTP 503). */
    UNAVAILABLE(503),
    /** An upstream service (a model endpoint) did not answer in time (HTTP 504). */
    GATEWAY_TIMEOUT(504);

    private final int httpStatus;

    Kind(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** The HTTP status this kind maps to. */
    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Kind kind;

  public EngineException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public EngineException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static EngineException badRequest(String message) {
    return new EngineException(Kind.BAD_REQUEST, message);
  }

  public static EngineException notFound(String message) {
    return new EngineException(Kind.NOT_FOUND, message);
  }

  public static EngineException forbidden(String message) {
    return new EngineException(Kind.FORBIDDEN, message);
  }

  public static EngineException unauthorized(String message) {
    return new EngineException(Kind.UNAUTHORIZED, message);
  }

  public static EngineException conflict(String message) {
    return new EngineException(Kind.CONFLICT, message);
  }

  public static EngineException gone(String message) {
    return new EngineException(Kind.GONE, message);
  }

  public static EngineException notImplemented(String message) {
    return new EngineException(Kind.NOT_IMPLEMENTED, message);
  }
}
