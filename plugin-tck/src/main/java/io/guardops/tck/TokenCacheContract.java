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
 * The conformance suite every {@link TokenCache} passes. The cache under test must take its time
 * from the clock it is given (for plugins: {@code ComponentConfig.clock()}), so expiry is tested
 * by moving a {@link MutableClock} instead of sleeping.
 */
public abstract class TokenCacheContract {
  protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  protected TokenCache cache;

  /** A fresh, empty cache that reads time from {@code clock}. */
  protected abstract TokenCache newCache(MutableClock clock) throws Exception;

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
  void putReplacesTheValueAndItsTtl() {
    cache.put("k", "v1", Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(8));
    cache.put("k", "v2", Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(8));
    assertThat(cache.get("k")).contains("v2");
  }

  @Test
  void entriesExpireAfterTheirTtl() {
    cache.put("short", "a", Duration.ofSeconds(10));
    cache.put("long", "b", Duration.ofHours(1));
    clock.advance(Duration.ofSeconds(9));
    assertThat(cache.get("short")).contains("a");
    clock.advance(Duration.ofSeconds(2));
    assertThat(cache.get("short")).isEmpty();
    assertThat(cache.get("long")).contains("b");
    clock.advance(Duration.ofHours(1));
    assertThat(cache.get("long")).isEmpty();
  }

  @Test
  void readingDoesNotExtendTheTtl() {
    cache.put("k", "v", Duration.ofSeconds(10));
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(2));
      assertThat(cache.get("k")).contains("v");
    }
    clock.advance(Duration.ofSeconds(3));
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
  void getOrLoadReloadsAfterExpiry() {
    AtomicInteger loads = new AtomicInteger();
    cache.getOrLoad("k", Duration.ofSeconds(10), () -> "v" + loads.incrementAndGet());
    clock.advance(Duration.ofSeconds(11));
    assertThat(cache.getOrLoad("k", Duration.ofSeconds(10), () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
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
