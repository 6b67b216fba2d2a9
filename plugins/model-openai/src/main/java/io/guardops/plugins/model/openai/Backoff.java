package io.guardops.plugins.model.openai;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt: the endpoint's {@code Retry-After} when it gives one
 * (OpenAI's {@code retry-after-ms}, seconds, or an HTTP date), else exponential backoff with jitter.
 */
final class Backoff {
  /** Waits; the client's tests replace it so they need not sleep. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    static Sleeper real() {
      return d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    }
  }

  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;

  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /**
   * The wait before retry number {@code retry} (1 for the first): {@code initial * 2^(retry-1)},
   * capped at the maximum, then scaled by a random factor in [0.5, 1) so that clients that failed
   * together do not retry together.
   */
  Duration delay(int retry) {
    double base = initial.toNanos() * Math.pow(2, Math.min(retry - 1, 30));
    double capped = Math.min(base, max.toNanos());
    return Duration.ofNanos((long) (capped * (0.5 + 0.5 * random.getAsDouble())));
  }

  /** The endpoint's own retry hint, if any. */
  static Optional<Duration> retryAfter(HttpHeaders headers, Clock clock) {
    Optional<String> ms = headers.firstValue("retry-after-ms");
    if (ms.isPresent()) {
      try {
        double v = Double.parseDouble(ms.get().trim());
        if (v >= 0 && !Double.isInfinite(v)) {
          return Optional.of(Duration.ofNanos((long) (v * 1_000_000)));
        }
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    Optional<String> ra = headers.firstValue("retry-after");
    if (ra.isEmpty()) {
      return Optional.empty();
    }
    String v = ra.get().trim();
    try {
      double seconds = Double.parseDouble(v);
      return seconds >= 0 && !Double.isInfinite(seconds)
          ? Optional.of(Duration.ofNanos((long) (seconds * 1_000_000_000L)))
          : Optional.empty();
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), at.toInstant());
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
