package io.guardops.plugins.tokencache.redis;

import io.guardops.tck.RedisServer;
import io.guardops.api.ComponentConfig;
import io.guardops.api.TokenCache;
import io.guardops.tck.MutableClock;
import io.guardops.tck.TokenCacheContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token cache contract against a real redis-server. Expiry is Redis's own ({@code PX}), so time
 * passes for real here: one unit is 100 ms. Each test gets its own key prefix, so it starts empty.
 */
class RedisTokenCacheContractTest extends TokenCacheContract {
  @TempDir
  static Path dir;
  static RedisServer server;

  @BeforeAll
  static void startRedis() throws Exception {
    server = RedisServer.start(dir);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected TokenCache newCache(MutableClock clock) {
    ComponentConfig config = ComponentConfig.of("guardops.tokencache.redis",
        Map.of("url", server.url(), "key-prefix", "contract:" + UUID.randomUUID() + ":"), dir, clock);
    return new RedisTokenCacheProvider().create(config, new TestContext(clock));
  }

  @Override
  protected Duration unit() {
    return Duration.ofMillis(100);
  }

  @Override
  protected void elapse(Duration d) throws InterruptedException {
    // Redis keeps the time of its keys: nothing to advance, so wait
    Thread.sleep(d.toMillis());
  }
}
