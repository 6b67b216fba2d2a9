package io.guardops.plugins.model.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

  private static HttpHeaders headers(Map<String, String> h) {
    return HttpHeaders.of(h.entrySet().stream().collect(java.util.stream.Collectors.toMap(
        Map.Entry::getKey, e -> List.of(e.getValue()))), (a, b) -> true);
  }

  @Test
  void retryAfterInSecondsMillisecondsOrAsADate() {
    assertThat(Backoff.retryAfter(headers(Map.of("retry-after", "3")), clock)).contains(Duration.ofSeconds(3));
    assertThat(Backoff.retryAfter(headers(Map.of("retry-after", "0.25")), clock)).contains(Duration.ofMillis(250));
    assertThat(Backoff.retryAfter(headers(Map.of("retry-after", "Sun, 01 Mar 2026 12:00:07 GMT")), clock))
        .contains(Duration.ofSeconds(7));
    assertThat(Backoff.retryAfter(headers(Map.of("retry-after", "Sun, 01 Mar 2026 11:00:00 GMT")), clock))
        .as("a date in the past means now").contains(Duration.ZERO);
    assertThat(Backoff.retryAfter(headers(Map.of("retry-after-ms", "120", "retry-after", "9")), clock))
        .as("OpenAI's millisecond header wins").contains(Duration.ofMillis(120));
  }

  @Test
  void garbageOrNoHintMeansNoHint() {
    assertThat(Backoff.retryAfter(headers(Map.of()), clock)).isEmpty();
    assertThat(Backoff.retryAfter(headers(Map.of("retry-after", "soon")), clock)).isEmpty();
    assertThat(Backoff.retryAfter(headers(Map.of("retry-after", "-5")), clock)).isEmpty();
  }

  @Test
  void backoffDoublesUpToTheCapWithJitterBetweenHalfAndFull() {
    Backoff low = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), () -> 0.0);
    Backoff high = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), () -> 0.999999);
    assertThat(low.delay(1)).isEqualTo(Duration.ofMillis(250));
    assertThat(low.delay(2)).isEqualTo(Duration.ofMillis(500));
    assertThat(low.delay(3)).isEqualTo(Duration.ofMillis(1000));
    assertThat(low.delay(10)).isEqualTo(Duration.ofMillis(1500));
    assertThat(high.delay(1)).isBetween(Duration.ofMillis(499), Duration.ofMillis(500));
    assertThat(high.delay(40)).isBetween(Duration.ofMillis(2999), Duration.ofMillis(3000));
  }
}
