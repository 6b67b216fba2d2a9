package io.guardops.api;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A cache of short-lived string values (access tokens, API-key verdicts) with a per-entry TTL.
 * Shared caches (Redis) let several host instances reuse one token. Thread-safe. A cache may drop
 * entries early (memory pressure, restart); callers must be able to reload.
 *
 * <p>A cache is an optimisation, never a dependency: a remote cache that cannot be reached behaves
 * as an empty one ({@link #get} finds nothing, {@link #put} is dropped, {@link #getOrLoad} loads),
 * logs it, and reports it through {@link #check()}, so requests keep working while it is down.
 */
public interface TokenCache extends AutoCloseable {
  /**
   * The cached value for {@code key}, if present and not expired.
   *
   * @param key non-null, at most 512 characters
   */
  Optional<String> get(String key);

  /**
   * Stores {@code value} for {@code ttl}, replacing any previous value.
   *
   * @param key   non-null
   * @param value non-null
   * @param ttl   positive; entries disappear at the latest {@code ttl} after this call
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   */
  void put(String key, String value, Duration ttl);

  /** Removes {@code key}; no effect if absent. */
  void invalidate(String key);

  /**
   * The cached value, or the loader's value which is then cached for {@code ttl}. Concurrent
   * callers for one key may each run the loader (no cross-instance lock is promised), but a local
   * cache should load once. A loader that returns {@code null} or throws caches nothing; its
   * exception propagates.
   */
  default String getOrLoad(String key, Duration ttl, Supplier<String> loader) {
    Optional<String> cached = get(key);
    if (cached.isPresent()) {
      return cached.get();
    }
    String loaded = loader.get();
    if (loaded != null) {
      put(key, loaded, ttl);
    }
    return loaded;
  }

  /** Health as data; never throws. */
  default Health check() {
    return Health.up();
  }

  /** Releases resources; idempotent. */
  @Override
  default void close() {}
}
