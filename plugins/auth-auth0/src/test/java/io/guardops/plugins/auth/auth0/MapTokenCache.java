package io.guardops.plugins.auth.auth0;

import io.guardops.api.TokenCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's token cache as the authenticator sees it: entries with a TTL on the test's clock.
 * One instance shared by two authenticators stands for two host instances sharing Redis.
 */
final class MapTokenCache implements TokenCache {
  private record Entry(String value, Instant expiresAt) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  final AtomicInteger puts = new AtomicInteger();
  /** When set, the cache behaves as a remote cache that is down: nothing found, nothing kept. */
  volatile boolean down;

  MapTokenCache(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Optional<String> get(String key) {
    Entry e = entries.get(key);
    if (down || e == null || !clock.instant().isBefore(e.expiresAt())) {
      return Optional.empty();
    }
    return Optional.of(e.value());
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    if (!down) {
      puts.incrementAndGet();
      entries.put(key, new Entry(value, clock.instant().plus(ttl)));
    }
  }

  @Override
  public void invalidate(String key) {
    entries.remove(key);
  }

  /** The TTL left on the one entry whose key starts with {@code prefix}. */
  Duration ttlOf(String prefix) {
    return entries.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).findFirst()
        .map(e -> Duration.between(clock.instant(), e.getValue().expiresAt())).orElseThrow();
  }

  /** The keys, to check that no user or client id is written into them. */
  java.util.Set<String> keys() {
    return entries.keySet();
  }
}
