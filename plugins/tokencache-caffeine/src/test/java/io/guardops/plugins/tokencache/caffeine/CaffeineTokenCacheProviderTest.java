package io.guardops.plugins.tokencache.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.ComponentConfig;
import io.guardops.api.TokenCache;
import io.guardops.tck.MutableClock;
import io.guardops.tck.TokenCacheContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaffeineTokenCacheProviderTest extends TokenCacheContract {
  @Override
  protected TokenCache newCache(MutableClock clock) {
    return new CaffeineTokenCacheProvider().create(
        ComponentConfig.of("guardops.tokencache.caffeine", Map.of(), Path.of("."), clock), io.guardops.tck.TestContext.of(clock));
  }

  @Test
  void providerIsNamed() {
    assertThat(new CaffeineTokenCacheProvider().name()).isEqualTo("caffeine");
    assertThat(new CaffeineTokenCacheProvider().pluginId()).isEqualTo("tokencache-caffeine");
  }

  @Test
  void badMaximumSizeIsRejected() {
    ComponentConfig config = ComponentConfig.of("guardops.tokencache.caffeine", Map.of("maximum-size", "0"),
        Path.of("."), clock);
    assertThatThrownBy(() -> new CaffeineTokenCacheProvider().create(config, io.guardops.tck.TestContext.of(clock)))
        .hasMessageContaining("guardops.tokencache.caffeine.maximum-size");
  }
}
