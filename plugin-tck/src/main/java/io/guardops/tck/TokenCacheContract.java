package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.TokenCache;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link TokenCache} passes. A local cache takes its time from the
 * clock it is given (for plugins: {@code ComponentConfig.clock()}), so expiry is tested by moving a
 * {@link MutableClock} instead of sleeping. A shared cache whose server keeps time (Redis expires
 * keys by its own clock) overrides {@link #unit()} with a short real duration and {@link #elapse}
 * to really wait, so its expiry is tested against the server's clock.
 */
public abstract class TokenCacheContract {
  protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  protected TokenCache cache;

  /** A fresh, empty cache that reads time from {@code clock} (or from its server). */
  protected abstract TokenCache newCache(MutableClock clock) throws Exception;

  /** The time unit the expiry tests count in: one second on a fake clock; shorter for real waits. */
  protected Duration unit() {
    return Duration.ofSeconds(1);
  }

  /** Lets {@code d} pass: advances the fake clock; a server-clock cache really waits. */
  protected void elapse(Duration d) throws Exception {
    clock.advance(d);
  }

  private Duration units(long n) {
    return unit().multipliedBy(n);
  }

  @BeforeEach
  void openCache() throws Exception {
    cache = newCache(clock);
  }

  @AfterEach
  void closeCache() {
    if (cache != null) {
      cache.close();
    }
  }

  @Test
  void missingKeyIsEmpty() {
    assertThat(cache.get("absent")).isEmpty();
  }

  @Test
  void putThenGet() {
    cache.put("k", "v", Duration.ofMinutes(1));
    assertThat(cache.get("k")).contains("v");
  }

  @Test
  void putReplacesTheValueAndItsTtl() throws Exception {
    cache.put("k", "v1", units(10));
    elapse(units(6));
    cache.put("k", "v2", units(10));
    elapse(units(6));
    assertThat(cache.get("k")).contains("v2");
  }

  @Test
  void entriesExpireAfterTheirTtl() throws Exception {
    cache.put("short", "a", units(10));
    cache.put("long", "b", Duration.ofHours(1));
    elapse(units(5));
    assertThat(cache.get("short")).contains("a");
    elapse(units(6));
    assertThat(cache.get("short")).isEmpty();
    assertThat(cache.get("long")).contains("b");
  }

  @Test
  void readingDoesNotExtendTheTtl() throws Exception {
    cache.put("k", "v", units(10));
    for (int i = 0; i < 3; i++) {
      elapse(units(2));
      assertThat(cache.get("k")).contains("v");
    }
    elapse(units(5));
    assertThat(cache.get("k")).isEmpty();
  }

  @Test
  void invalidateRemovesTheKey() {
    cache.put("k", "v", Duration.ofMinutes(1));
    cache.put("other", "w", Duration.ofMinutes(1));
    cache.invalidate("k");
    cache.invalidate("never-there");
    assertThat(cache.get("k")).isEmpty();
    assertThat(cache.get("other")).contains("w");
  }

  @Test
  void getOrLoadLoadsOnceAndCaches() {
    AtomicInteger loads = new AtomicInteger();
    assertThat(cache.getOrLoad("k", Duration.ofMinutes(1), () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
    assertThat(cache.getOrLoad("k", Duration.ofMinutes(1), () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
    assertThat(cache.get("k")).contains("v1");
    assertThat(loads).hasValue(1);
  }

  @Test
  void getOrLoadReloadsAfterExpiry() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    cache.getOrLoad("k", units(3), () -> "v" + loads.incrementAndGet());
    elapse(units(5));
    assertThat(cache.getOrLoad("k", units(3), () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
  }

  @Test
  void getOrLoadUsesAPutValue() {
    cache.put("k", "stored", Duration.ofMinutes(1));
    assertThat(cache.getOrLoad("k", Duration.ofMinutes(1), () -> {
      throw new AssertionError("must not load");
    })).isEqualTo("stored");
  }

  @Test
  void nullLoaderResultIsNotCached() {
    AtomicInteger loads = new AtomicInteger();
    assertThat(cache.getOrLoad("k", Duration.ofMinutes(1), () -> {
      loads.incrementAndGet();
      return null;
    })).isNull();
    assertThat(cache.get("k")).isEmpty();
    assertThat(cache.getOrLoad("k", Duration.ofMinutes(1), () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
  }

  @Test
  void failingLoaderPropagatesAndCachesNothing() {
    assertThatThrownBy(() -> cache.getOrLoad("k", Duration.ofMinutes(1), () -> {
      throw new IllegalStateException("issuer down");
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining("issuer down");
    assertThat(cache.get("k")).isEmpty();
  }

  @Test
  void nonPositiveTtlIsRejected() {
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(cache.get("k")).isEmpty();
  }

  @Test
  void checkIsHealthy() {
    assertThat(cache.check().healthy()).isTrue();
  }

  @Test
  void closeIsIdempotent() {
    cache.close();
    cache.close();
    cache = null;
  }
}
