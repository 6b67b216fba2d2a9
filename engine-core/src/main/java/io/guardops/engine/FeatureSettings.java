package io.guardops.engine;

import io.guardops.api.ComponentConfig;
import io.guardops.engine.internal.Settings;
import io.guardops.engine.secrets.SecretBox;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Settings of the playground, the model registry, the arena, prompt templates and PII masking, read and
 * checked once at start-up (a bad value stops it, naming the key):
 *
 * <ul>
 *   <li>{@code guardops.secrets.key}: base64 of 32 random bytes; encrypts provider API keys at rest.
 *       Without it, models can be registered without keys only. {@code guardops.secrets.previous-keys}:
 *       comma-separated older keys that still open values sealed with them (rotation).</li>
 *   <li>{@code guardops.models.price-cache-ttl} (30 s): how long a user's registered prices are cached
 *       for ingestion on an instance that did not make the change.</li>
 *   <li>{@code guardops.pii.cache-ttl} (5 s): likewise for projects' masking settings.</li>
 *   <li>{@code guardops.playground.max-models} (4): models one playground run may call side by side;
 *       {@code guardops.playground.max-concurrent-calls} (32): model calls running at once for the
 *       playground and the arena on this instance (more get 503); {@code guardops.playground.traces-kept}
 *       (100): trace ids a playground remembers.</li>
 *   <li>{@code guardops.arena.k-factor} (32): the Elo K factor; {@code guardops.arena.bootstrap-resamples}
 *       (200): resamples behind the leaderboard's confidence intervals.</li>
 * </ul>
 */
@Singleton
final class FeatureSettings {
  private final Optional<SecretBox> secrets;
  private final Duration priceCacheTtl;
  private final Duration piiCacheTtl;
  private final int maxModels;
  private final int maxConcurrentCalls;
  private final int tracesKept;
  private final double kFactor;
  private final int resamples;

  @Inject
  FeatureSettings(Settings settings, SecureRandom random) {
    ComponentConfig c = settings.root();
    Optional<String> key = c.get("secrets.key").filter(s -> !s.isBlank());
    List<String> previous = new ArrayList<>();
    for (String p : c.getString("secrets.previous-keys", "").split(",")) {
      if (!p.isBlank()) {
        previous.add(p.trim());
      }
    }
    if (key.isEmpty() && !previous.isEmpty()) {
      throw new IllegalArgumentException("guardops.secrets.previous-keys is set but guardops.secrets.key is not: set"
          + " the current key too");
    }
    this.secrets = key.map(k -> SecretBox.of(k, previous, "guardops.secrets.key (or a previous key)", random));
    this.priceCacheTtl = positive(c, "models.price-cache-ttl", Duration.ofSeconds(30));
    this.piiCacheTtl = positive(c, "pii.cache-ttl", Duration.ofSeconds(5));
    this.maxModels = range(c, "playground.max-models", 4, 1, 16);
    this.maxConcurrentCalls = range(c, "playground.max-concurrent-calls", 32, 1, 4096);
    this.tracesKept = range(c, "playground.traces-kept", 100, 1, 10_000);
    this.kFactor = range(c, "arena.k-factor", 32, 1, 400);
    this.resamples = range(c, "arena.bootstrap-resamples", 200, 0, 10_000);
  }

  private static Duration positive(ComponentConfig c, String key, Duration def) {
    Duration d = c.getDuration(key, def);
    if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("guardops." + key + " must be positive and at most a day, was " + d);
    }
    return d;
  }

  private static int range(ComponentConfig c, String key, int def, int min, int max) {
    int v = c.getInt(key, def);
    if (v < min || v > max) {
      throw new IllegalArgumentException("guardops." + key + " must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  Optional<SecretBox> secrets() {
    return secrets;
  }

  Duration priceCacheTtl() {
    return priceCacheTtl;
  }

  Duration piiCacheTtl() {
    return piiCacheTtl;
  }

  int maxModels() {
    return maxModels;
  }

  int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }

  int tracesKept() {
    return tracesKept;
  }

  double kFactor() {
    return kFactor;
  }

  int resamples() {
    return resamples;
  }
}
