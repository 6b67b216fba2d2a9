package io.guardops.api;

import java.util.Objects;

/**
 * Health of a component as data: {@code check()} methods return one of these instead of throwing.
 *
 * @param healthy whether the component can serve requests
 * @param detail  a short human-readable explanation; never {@code null} (empty when healthy)
 */
public record Health(boolean healthy, String detail) {
  public Health {
    Objects.requireNonNull(detail, "detail");
  }

  /** A healthy result with no detail. */
  public static Health up() {
    return new Health(true, "");
  }

  /** A healthy result with a detail such as the database path. */
  public static Health up(String detail) {
    return new Health(true, detail);
  }

  /** An unhealthy result; {@code reason} says what is wrong. */
  public static Health down(String reason) {
    return new Health(false, reason);
  }

  /** An unhealthy result built from a failure. */
  public static Health down(Throwable failure) {
    String message = failure.getMessage();
    return new Health(false, failure.getClass().getSimpleName() + (message == null ? "" : ": " + message));
  }
}
