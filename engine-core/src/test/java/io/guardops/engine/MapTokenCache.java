package io.guardops.engine;

import io.guardops.api.TokenCache;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A TTL-less map cache for engine tests (the real caches run the TokenCacheContract). */
final class MapTokenCache implements TokenCache {
  private final Map<String, String> map = new ConcurrentHashMap<>();

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(map.get(key));
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    map.put(key, value);
  }

  @Override
  public void invalidate(String key) {
    map.remove(key);
  }
}
