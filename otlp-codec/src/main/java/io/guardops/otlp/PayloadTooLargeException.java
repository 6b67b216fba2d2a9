package io.guardops.otlp;

/**
 * A body inflated beyond the allowed size (a zip bomb or simply too much data). The HTTP layer
 * answers 413.
 */
public final class PayloadTooLargeException extends MalformedPayloadException {
  private static final long serialVersionUID = 1L;

  public PayloadTooLargeException(String message) {
    super(message);
  }
}
