package io.guardops.plugins.tokencache.redis;

import io.guardops.tck.RedisServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.TokenCache;
import io.guardops.api.TokenCacheProvider;
import io.guardops.tck.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;

/**
 * The packaged plugin zip, loaded by PF4J as the host loads it: its own jars (jedis, commons-pool)
 * from {@code lib/}, plugin-api and SLF4J from the host. Class-loader mistakes only show up this way.
 */
class PluginZipIT {
  @TempDir
  Path dir;

  @Test
  void theZipLoadsInPf4jAndItsCacheWorks() throws Exception {
    Path zip = Path.of("target", "tokencache-redis-0.1.0-SNAPSHOT.zip");
    assertThat(zip).as("built by the package phase").exists();
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    PluginManager pm = new DefaultPluginManager(plugins);
    pm.loadPlugins();
    pm.startPlugins();
    try (RedisServer server = RedisServer.start(dir)) {
      PluginWrapper plugin = pm.getPlugin("tokencache-redis");
      assertThat(plugin).isNotNull();
      List<TokenCacheProvider> providers = pm.getExtensions(TokenCacheProvider.class, "tokencache-redis");
      assertThat(providers).hasSize(1);
      TokenCacheProvider provider = providers.get(0);
      assertThat(provider.name()).isEqualTo("redis");
      assertThat(provider.getClass().getClassLoader()).as("loaded from the zip, not the test classpath")
          .isSameAs(plugin.getPluginClassLoader());
      MutableClock clock = new MutableClock(Instant.now());
      ComponentConfig config = ComponentConfig.of("guardops.tokencache.redis", Map.of("url", server.url()), dir, clock);
      try (TokenCache cache = provider.create(config, new TestContext(clock))) {
        cache.put("k", "v", Duration.ofMinutes(1));
        assertThat(cache.get("k")).contains("v");
        assertThat(cache.check().healthy()).isTrue();
      }
    } finally {
      pm.stopPlugin("tokencache-redis");
      pm.unloadPlugins();
    }
  }
}
