package io.guardops.api.store;

/**
 * A store could not do what was asked for a reason outside the caller's control (I/O, a broken
 * connection, a corrupt file). Callers map it to a 5xx/503; it never means bad input.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
