package io.guardops.plugins.tokencache.redis;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.TokenCache;
import io.guardops.api.TokenCacheProvider;
import org.pf4j.Extension;

/**
 * A token cache shared by several host instances, on Redis ({@code guardops.tokencache=redis}).
 * Settings ({@code guardops.tokencache.redis.*}, see the README): {@code url} (REDIS_URL),
 * {@code password}, {@code user}, {@code database}, {@code tls}, {@code tls.ca-file},
 * {@code tls.verify-hostname}, {@code timeout}, {@code key-prefix}, {@code pool-size},
 * {@code retry-interval}, {@code warn-interval}. While Redis is down the cache behaves as an empty one
 * and says so in {@code check()}.
 */
@Extension
public final class RedisTokenCacheProvider implements TokenCacheProvider {
  @Override
  public String name() {
    return "redis";
  }

  @Override
  public String pluginId() {
    return "tokencache-redis";
  }

  @Override
  public TokenCache create(ComponentConfig config, ComponentContext context) {
    return RedisTokenCache.start(RedisSettings.from(config), context.clock());
  }
}
