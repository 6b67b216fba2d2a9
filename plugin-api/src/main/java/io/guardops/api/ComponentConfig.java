package io.guardops.api;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration one component sees: the keys under its scope (for the SQLite store, the keys
 * {@code guardops.store.sqlite.*} appear here as {@code path}, {@code synchronous}, ...), plus the
 * data directory and the engine's clock. Typed getters fail with a message that names the full
 * key, so a bad setting is found at start-up. Plugins never read the environment themselves.
 * Immutable and thread-safe.
 */
public final class ComponentConfig {
  private final String scope;
  private final Map<String, String> values;
  private final Path dataDirectory;
  private final Clock clock;

  private ComponentConfig(String scope, Map<String, String> values, Path dataDirectory, Clock clock) {
    this.scope = Objects.requireNonNull(scope, "scope");
    this.values = Map.copyOf(values);
    this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A config view. {@code scope} is the key prefix (for messages only), {@code values} the keys
   * relative to it.
   */
  public static ComponentConfig of(String scope, Map<String, String> values, Path dataDirectory, Clock clock) {
    Map<String, String> normalised = new TreeMap<>();
    values.forEach((k, v) -> normalised.put(normaliseKey(k), v));
    return new ComponentConfig(scope, normalised, dataDirectory, clock);
  }

  /**
   * The canonical form of a key: lowercase, with {@code -} and {@code _} read as {@code .}, so that
   * {@code maximum-size}, {@code maximum_size} and {@code MAXIMUM_SIZE} are one key.
   */
  public static String normaliseKey(String key) {
    return key.trim().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
  }

  /** An empty view for tests: no keys, the given data directory, the system clock. */
  public static ComponentConfig empty(Path dataDirectory) {
    return of("guardops", Map.of(), dataDirectory, Clock.systemUTC());
  }

  /** A copy with one more key set. */
  public ComponentConfig with(String key, String value) {
    Map<String, String> copy = new TreeMap<>(values);
    copy.put(normaliseKey(key), value);
    return new ComponentConfig(scope, copy, dataDirectory, clock);
  }

  /** The scope, such as {@code guardops.store.sqlite}. */
  public String scope() {
    return scope;
  }

  /** Where components keep files; exists and is writable when the engine hands it out. */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** The engine's clock: use it instead of {@code System.currentTimeMillis()} so tests control time. */
  public Clock clock() {
    return clock;
  }

  /** All keys of this scope (relative, normalised), for diagnostics. Values may be secrets: do not log them. */
  public Map<String, String> asMap() {
    return values;
  }

  /** The raw value, if set and not blank. */
  public Optional<String> get(String key) {
    String v = values.get(normaliseKey(key));
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** The value or {@code defaultValue}. */
  public String getString(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  /** The value; throws a message naming the full key if it is missing. */
  public String require(String key) {
    return get(key).orElseThrow(() -> new IllegalArgumentException(
        "missing setting " + fullKey(key) + " (environment " + envName(key) + ")"));
  }

  public int getInt(String key, int defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(fullKey(key) + " must be a whole number, was '" + v.get() + "'");
    }
  }

  public long getLong(String key, long defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(v.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(fullKey(key) + " must be a whole number, was '" + v.get() + "'");
    }
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    switch (v.get().toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "1": case "on": return true;
      case "false": case "no": case "0": case "off": return false;
      default:
        throw new IllegalArgumentException(fullKey(key) + " must be true or false, was '" + v.get() + "'");
    }
  }

  /**
   * A duration written as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 6h}, {@code 1d} or ISO-8601
   * ({@code PT6H}); a bare number means seconds.
   */
  public Duration getDuration(String key, Duration defaultValue) {
    Optional<String> v = get(key);
    return v.isEmpty() ? defaultValue : parseDuration(fullKey(key), v.get());
  }

  /** Parses the duration forms {@link #getDuration} accepts; {@code name} is used in messages. */
  public static Duration parseDuration(String name, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
      }
      char unit = t.charAt(t.length() - 1);
      String num = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1).trim();
      long n = Long.parseLong(num);
      switch (Character.isDigit(unit) ? 's' : unit) {
        case 's': return Duration.ofSeconds(n);
        case 'm': return Duration.ofMinutes(n);
        case 'h': return Duration.ofHours(n);
        case 'd': return Duration.ofDays(n);
        default: throw new IllegalArgumentException();
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          name + " must be a duration such as 500ms, 30s, 5m, 6h, 1d or PT6H, was '" + text + "'");
    }
  }

  /** The full property key, such as {@code guardops.store.sqlite.path}. */
  public String fullKey(String key) {
    return scope + "." + key;
  }

  /** The environment variable form of a key, such as {@code GUARDOPS_STORE_SQLITE_PATH}. */
  public String envName(String key) {
    return fullKey(key).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  @Override
  public String toString() {
    // keys only: values may be secrets
    return "ComponentConfig{" + scope + ", keys=" + values.keySet() + "}";
  }
}
