package io.guardops.plugins.tokencache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.ComponentConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {
  private static RedisSettings settings(Map<String, String> values) {
    return RedisSettings.from(ComponentConfig.of("guardops.tokencache.redis", values, Path.of("."), Clock.systemUTC()));
  }

  @Test
  void defaults() {
    RedisSettings s = settings(Map.of());
    assertThat(s.host()).isEqualTo("localhost");
    assertThat(s.port()).isEqualTo(6379);
    assertThat(s.database()).isZero();
    assertThat(s.tls()).isFalse();
    assertThat(s.password()).isNull();
    assertThat(s.keyPrefix()).isEqualTo("guardops:");
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.retryInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.warnInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.verifyHostname()).isTrue();
  }

  @Test
  void theOriginalRedisUrlForms() {
    RedisSettings s = settings(Map.of("url", "rediss://:p%40ss@cache.internal:6380/3"));
    assertThat(s.host()).isEqualTo("cache.internal");
    assertThat(s.port()).isEqualTo(6380);
    assertThat(s.password()).isEqualTo("p@ss");
    assertThat(s.user()).isNull();
    assertThat(s.database()).isEqualTo(3);
    assertThat(s.tls()).isTrue();
    assertThat(s.target()).isEqualTo("rediss://cache.internal:6380/3");
    assertThat(s.toString()).doesNotContain("p@ss").contains("password=set");

    RedisSettings acl = settings(Map.of("url", "redis://default:pw+1@[::1]:7000"));
    assertThat(acl.user()).isEqualTo("default");
    assertThat(acl.password()).isEqualTo("pw+1");
    assertThat(acl.host()).isEqualTo("::1");
    assertThat(acl.target()).isEqualTo("redis://[::1]:7000/0");
  }

  @Test
  void separateSettingsOverrideTheUrl() {
    RedisSettings s = settings(Map.of("url", "redis://:old@h:1/1", "password", "new", "database", "4",
        "key-prefix", "prod:", "timeout", "250ms"));
    assertThat(s.password()).isEqualTo("new");
    assertThat(s.database()).isEqualTo(4);
    assertThat(s.keyPrefix()).isEqualTo("prod:");
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings(Map.of("url", "redis://h", "tls", "true")).tls()).isTrue();
  }

  @Test
  void badSettingsFailAtStartUpNamingTheKey() {
    assertThatThrownBy(() -> settings(Map.of("url", "http://h:6379")))
        .hasMessageContaining("guardops.tokencache.redis.url").hasMessageContaining("redis://");
    assertThatThrownBy(() -> settings(Map.of("url", "redis://secret@h")))
        .hasMessageContaining("without a password").satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    assertThatThrownBy(() -> settings(Map.of("url", "redis://h/x"))).hasMessageContaining("database number");
    assertThatThrownBy(() -> settings(Map.of("url", "redis:///0"))).hasMessageContaining("no host");
    assertThatThrownBy(() -> settings(Map.of("url", "rediss://h", "tls", "false")))
        .hasMessageContaining("guardops.tokencache.redis.tls");
    assertThatThrownBy(() -> settings(Map.of("tls.ca-file", "/nonexistent.pem")))
        .hasMessageContaining("guardops.tokencache.redis.tls.ca-file");
    assertThatThrownBy(() -> settings(Map.of("timeout", "0s"))).hasMessageContaining("guardops.tokencache.redis.timeout");
    assertThatThrownBy(() -> settings(Map.of("pool-size", "0"))).hasMessageContaining("pool-size");
    assertThatThrownBy(() -> settings(Map.of("database", "-1"))).hasMessageContaining("database");
  }

  @Test
  void providerIsNamed() {
    assertThat(new RedisTokenCacheProvider().name()).isEqualTo("redis");
    assertThat(new RedisTokenCacheProvider().pluginId()).isEqualTo("tokencache-redis");
  }
}
