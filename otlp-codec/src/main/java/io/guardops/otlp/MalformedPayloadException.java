package io.guardops.otlp;

/**
 * The request body as a whole could not be decoded (not protobuf, not JSON, bad gzip, wrong
 * structure). The HTTP layer answers 400 with {@link #getMessage()}.
 */
public class MalformedPayloadException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MalformedPayloadException(String message) {
    super(message);
  }

  public MalformedPayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
