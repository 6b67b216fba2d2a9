package io.guardops.plugins.tokencache.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.Health;
import io.guardops.api.TokenCache;
import io.guardops.api.TokenCacheProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.pf4j.Extension;

/**
 * A local token cache on Caffeine with a TTL per entry. Settings ({@code guardops.tokencache.caffeine.*}):
 * {@code maximum-size} (default 10000). Time comes from the engine clock so tests can advance it.
 */
@Extension
public final class CaffeineTokenCacheProvider implements TokenCacheProvider {
  @Override
  public String name() {
    return "caffeine";
  }

  @Override
  public String pluginId() {
    return "tokencache-caffeine";
  }

  @Override
  public TokenCache create(ComponentConfig config, ComponentContext context) {
    long maximumSize = config.getLong("maximum-size", 10_000);
    if (maximumSize < 1) {
      throw new IllegalArgumentException(config.fullKey("maximum-size") + " must be at least 1");
    }
    return new CaffeineTokenCache(maximumSize, config.clock());
  }

  private record Entry(String value, long ttlNanos) {}

  private static final class CaffeineTokenCache implements TokenCache {
    private final Cache<String, Entry> cache;
    private final long maximumSize;

    CaffeineTokenCache(long maximumSize, Clock clock) {
      this.maximumSize = maximumSize;
      Ticker ticker = () -> {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
      };
      this.cache = Caffeine.newBuilder()
          .maximumSize(maximumSize)
          .ticker(ticker)
          .expireAfter(new Expiry<String, Entry>() {
            @Override
            public long expireAfterCreate(String key, Entry value, long currentTime) {
              return value.ttlNanos();
            }

            @Override
            public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
              return value.ttlNanos();
            }

            @Override
            public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
              return currentDuration;
            }
          })
          .build();
    }

    @Override
    public Optional<String> get(String key) {
      Objects.requireNonNull(key, "key");
      Entry e = cache.getIfPresent(key);
      return e == null ? Optional.empty() : Optional.of(e.value());
    }

    @Override
    public void put(String key, String value, Duration ttl) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      cache.put(key, new Entry(value, ttlNanos(ttl)));
    }

    @Override
    public void invalidate(String key) {
      cache.invalidate(Objects.requireNonNull(key, "key"));
    }

    @Override
    public String getOrLoad(String key, Duration ttl, Supplier<String> loader) {
      long nanos = ttlNanos(ttl);
      // Caffeine runs the loader once per key even under contention; a null result caches nothing
      Entry e = cache.get(key, k -> {
        String v = loader.get();
        return v == null ? null : new Entry(v, nanos);
      });
      return e == null ? null : e.value();
    }

    @Override
    public Health check() {
      return Health.up("caffeine, " + cache.estimatedSize() + " of at most " + maximumSize + " entries");
    }

    @Override
    public void close() {
      cache.invalidateAll();
    }

    private static long ttlNanos(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isZero() || ttl.isNegative()) {
        throw new IllegalArgumentException("ttl must be positive, was " + ttl);
      }
      return ttl.toNanos();
    }
  }
}
