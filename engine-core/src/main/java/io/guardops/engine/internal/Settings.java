package io.guardops.engine.internal;

import io.guardops.api.ComponentConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The engine's typed configuration, read once from the flat canonical map that
 * {@link ConfigSource} builds. Every getter validates eagerly so that a bad setting stops
 * start-up with a message naming the key. Internal: not API.
 */
public final class Settings {
  private final Map<String, String> raw;
  private final Path workingDirectory;
  private final ComponentConfig root;

  public Settings(Map<String, String> canonical, Path workingDirectory, Clock clock) {
    this.raw = Map.copyOf(new TreeMap<>(canonical));
    this.workingDirectory = workingDirectory;
    Map<String, String> relative = new TreeMap<>();
    raw.forEach((k, v) -> relative.put(k.substring("guardops.".length()), v));
    this.root = ComponentConfig.of("guardops", relative, resolve(relativeOr(relative, "data.dir", "data")), clock);
  }

  private static String relativeOr(Map<String, String> m, String key, String def) {
    String v = m.get(key);
    return v == null || v.isBlank() ? def : v.trim();
  }

  private Path resolve(String path) {
    Path p = Path.of(path);
    return (p.isAbsolute() ? p : workingDirectory.resolve(p)).normalize();
  }

  /** Reads every engine setting once so that a bad value stops start-up, not the first sweep hours later. */
  public Settings validate() {
    baseKey();
    apiKeyCacheTtl();
    retentionEnabled();
    retentionInterval();
    retentionInitialDelay();
    retentionBatchSize();
    retentionLeaseTtl();
    pricingFile();
    mapperNames();
    shareCodeTtl();
    accessCacheTtl();
    allowAuthModeChange();
    maxBodyBytes();
    receiverNames();
    modelClient();
    judgeModel();
    evalMaxConcurrency();
    evalMaxRunning();
    evalRunLeaseTtl();
    evalAbortAfterFailures();
    onlineEnabled();
    onlineQueueSize();
    onlineThreads();
    onlineRefresh();
    datasetLeaseTtl();
    return this;
  }

  /** The raw canonical map (values may be secrets: never log it). */
  public Map<String, String> raw() {
    return raw;
  }

  /** The typed root view, keys relative to {@code guardops.}. */
  public ComponentConfig root() {
    return root;
  }

  /** The view a component of {@code point} named {@code name} gets: keys under {@code guardops.<point>.<name>.}. */
  public ComponentConfig scope(String point, String name) {
    String prefix = ConfigSource.canonical(point + "." + name) + ".";
    Map<String, String> values = new TreeMap<>();
    root.asMap().forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        values.put(k.substring(prefix.length()), v);
      }
    });
    return ComponentConfig.of("guardops." + point + "." + name, values, dataDirectory(), root.clock());
  }

  public Path workingDirectory() {
    return workingDirectory;
  }

  public Path dataDirectory() {
    return root.dataDirectory();
  }

  public Path pluginsDirectory() {
    return resolve(root.getString("plugins.dir", "plugins"));
  }

  /** Name of the auth provider: {@code single-user} (default), {@code unprotected}, {@code auth0}. */
  public String auth() {
    return root.getString("auth", "single-user");
  }

  /** Largest request body after decompression ({@code guardops.http.max-body-bytes}, default 16 MiB, at most 1 GiB). */
  public long maxBodyBytes() {
    long n = root.getLong("http.max-body-bytes", 16L * 1024 * 1024);
    if (n < 1024 || n > 1L << 30) {
      throw new IllegalArgumentException(
          "guardops.http.max-body-bytes must be between 1024 and 1073741824 (1 GiB), was " + n);
    }
    return n;
  }

  /**
   * The span receivers to run, by name ({@code guardops.receivers}, comma-separated); empty means every
   * installed one, {@code none} means none.
   */
  public Optional<List<String>> receiverNames() {
    return root.get("receivers").map(v -> {
      List<String> names = new ArrayList<>();
      for (String n : v.split(",")) {
        if (!n.isBlank() && !n.trim().equals("none") && !names.contains(n.trim())) {
          names.add(n.trim());
        }
      }
      return List.copyOf(names);
    });
  }

  /** Whether the engine may start in another auth mode than the data was created in. */
  public boolean allowAuthModeChange() {
    return root.getBoolean("auth.allow-mode-change", false);
  }

  public String store() {
    return root.getString("store", "sqlite");
  }

  public String tokenCache() {
    return root.getString("tokencache", "caffeine");
  }

  public String retentionPolicy() {
    return root.getString("retention.policy", "days");
  }

  /**
   * The attribute mappers to run, by name ({@code guardops.mappers}, comma-separated); empty means
   * every mapper that is installed (the built-in ones and any from plugins).
   */
  public Optional<List<String>> mapperNames() {
    return root.get("mappers").map(v -> {
      List<String> names = new ArrayList<>();
      for (String n : v.split(",")) {
        if (!n.isBlank() && !names.contains(n.trim())) {
          names.add(n.trim());
        }
      }
      if (names.isEmpty()) {
        throw new IllegalArgumentException("guardops.mappers must name at least one attribute mapper, was '" + v + "'");
      }
      return List.copyOf(names);
    });
  }

  /** Prefix of every API key we mint ({@code BASE_KEY}). */
  public String baseKey() {
    String v = root.getString("keys.base-key", "go-");
    if (v.length() > 32 || !v.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "BASE_KEY (guardops.keys.base-key) must be at most 32 printable ASCII characters without spaces");
    }
    return v;
  }

  /** How long a verified API key is trusted before the store is asked again. */
  public Duration apiKeyCacheTtl() {
    return positive("keys.cache-ttl", root.getDuration("keys.cache-ttl", Duration.ofSeconds(60)));
  }

  public boolean retentionEnabled() {
    return root.getBoolean("retention.enabled", true);
  }

  public Duration retentionInterval() {
    return positive("retention.interval", root.getDuration("retention.interval", Duration.ofHours(6)));
  }

  public Duration retentionInitialDelay() {
    Duration d = root.getDuration("retention.initial-delay", Duration.ofMinutes(1));
    if (d.isNegative()) {
      throw new IllegalArgumentException("guardops.retention.initial-delay must not be negative");
    }
    return d;
  }

  /** Traces deleted per store transaction during a sweep: bounds how long ingestion can wait. */
  public int retentionBatchSize() {
    int n = root.getInt("retention.batch-size", 500);
    if (n < 1 || n > 100_000) {
      throw new IllegalArgumentException("guardops.retention.batch-size must be between 1 and 100000, was " + n);
    }
    return n;
  }

  /** How long a sweep's lease lasts before another instance may take over. */
  public Duration retentionLeaseTtl() {
    return positive("retention.lease-ttl", root.getDuration("retention.lease-ttl", Duration.ofMinutes(10)));
  }

  /** How long a share code can be redeemed ({@code guardops.sharing.code-ttl}, default 7 days). */
  public Duration shareCodeTtl() {
    Duration d = positive("sharing.code-ttl", root.getDuration("sharing.code-ttl", Duration.ofDays(7)));
    if (d.compareTo(Duration.ofDays(365)) > 0) {
      throw new IllegalArgumentException("guardops.sharing.code-ttl must be at most 365 days, was " + d);
    }
    return d;
  }

  /**
   * How long a positive "may write to this project" decision of ingestion is reused
   * ({@code guardops.access.cache-ttl}, default 5 s): revocations reach other instances within it.
   */
  public Duration accessCacheTtl() {
    Duration d = root.getDuration("access.cache-ttl", Duration.ofSeconds(5));
    if (d.isNegative() || d.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("guardops.access.cache-ttl must be between 0 and 10m, was " + d);
    }
    return d;
  }

  /** A JSON file of model prices that add to or override the bundled table. */
  public Optional<Path> pricingFile() {
    return root.get("pricing.file").map(this::resolve);
  }

  /**
   * The model client provider's name ({@code guardops.model-client}): empty when unset (the engine
   * then takes {@code openai} if that plugin is installed, else none), {@code none} for no client.
   */
  public Optional<String> modelClient() {
    return root.get("model-client").map(String::trim).filter(v -> !v.isEmpty());
  }

  /** The judge model when a run names none ({@code guardops.eval.judge-model}, default gpt-4o-mini). */
  public String judgeModel() {
    String v = root.getString("eval.judge-model", "gpt-4o-mini").trim();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("guardops.eval.judge-model must name a model");
    }
    return v;
  }

  /** Items an experiment scores at once ({@code guardops.eval.max-concurrency}, default 4, 1 to 256). */
  public int evalMaxConcurrency() {
    return between("eval.max-concurrency", root.getInt("eval.max-concurrency", 4), 1, 256);
  }

  /** Experiments that run at once on this instance; more wait as PENDING (default 2, 1 to 64). */
  public int evalMaxRunning() {
    return between("eval.max-running", root.getInt("eval.max-running", 2), 1, 64);
  }

  /**
   * How long a running experiment's lease lasts without renewal ({@code guardops.eval.run-lease-ttl},
   * default 60 s): when the instance running it stops, the run is marked failed once this has passed.
   */
  public Duration evalRunLeaseTtl() {
    Duration d = positive("eval.run-lease-ttl", root.getDuration("eval.run-lease-ttl", Duration.ofSeconds(60)));
    if (d.compareTo(Duration.ofSeconds(3)) < 0) {
      throw new IllegalArgumentException("guardops.eval.run-lease-ttl must be at least 3s, was " + d);
    }
    return d;
  }

  /**
   * An experiment stops as failed after this many items failed in a row before any succeeded (a model
   * endpoint that refuses every call); 0 never stops ({@code guardops.eval.abort-after-failures}, default 10).
   */
  public int evalAbortAfterFailures() {
    return between("eval.abort-after-failures", root.getInt("eval.abort-after-failures", 10), 0, 1_000_000);
  }

  /** Whether online evaluation rules run ({@code guardops.eval.online.enabled}, default true). */
  public boolean onlineEnabled() {
    return root.getBoolean("eval.online.enabled", true);
  }

  /** Sampled spans waiting for online evaluation; more are dropped and counted (default 10,000). */
  public int onlineQueueSize() {
    return between("eval.online.queue-size", root.getInt("eval.online.queue-size", 10_000), 1, 10_000_000);
  }

  /** Threads that score sampled spans in the background (default 2, 1 to 64). */
  public int onlineThreads() {
    return between("eval.online.threads", root.getInt("eval.online.threads", 2), 1, 64);
  }

  /** How often the online rules are re-read from the store, so other instances' changes arrive (default 30 s). */
  public Duration onlineRefresh() {
    return positive("eval.online.refresh", root.getDuration("eval.online.refresh", Duration.ofSeconds(30)));
  }

  /** How long one dataset change (an import) holds its lease without renewal (default 2 min). */
  public Duration datasetLeaseTtl() {
    Duration d = positive("datasets.lease-ttl", root.getDuration("datasets.lease-ttl", Duration.ofMinutes(2)));
    if (d.compareTo(Duration.ofSeconds(3)) < 0) {
      throw new IllegalArgumentException("guardops.datasets.lease-ttl must be at least 3s, was " + d);
    }
    return d;
  }

  private static int between(String key, int v, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException("guardops." + key + " must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  private static Duration positive(String key, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("guardops." + key + " must be positive, was " + d);
    }
    return d;
  }
}
