package io.guardops.plugins.tokencache.redis;

import io.guardops.api.ComponentConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The settings of the Redis token cache, read and checked once at start-up. Every message names the
 * full key so that a bad setting is found before the first request.
 *
 * @param password {@code null} when Redis needs none; never printed
 * @param caFile PEM certificates to trust for TLS, or {@code null} for the JVM's trust store
 */
record RedisSettings(String host, int port, String user, String password, int database, boolean tls, Path caFile,
    boolean verifyHostname, Duration timeout, String keyPrefix, int poolSize, Duration retryInterval,
    Duration warnInterval) {

  static final String DEFAULT_URL = "redis://localhost:6379";

  static RedisSettings from(ComponentConfig config) {
    String urlKey = config.fullKey("url");
    String url = config.getString("url", DEFAULT_URL);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(urlKey + " must look like redis://[:password@]host:port/db or rediss://..."
          + " (REDIS_URL); it is not a valid URI at index " + e.getIndex());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new IllegalArgumentException(urlKey + " must start with redis:// or rediss:// (TLS), was '" + scheme + "://'");
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(urlKey + " names no host: write redis://host:6379");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // IPv6 literal
    }
    int port = uri.getPort() < 0 ? 6379 : uri.getPort();

    String user = null;
    String password = null;
    String rawUserInfo = uri.getRawUserInfo();
    if (rawUserInfo != null) {
      int colon = rawUserInfo.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(urlKey + " has user info without a password: write redis://:PASSWORD@host"
            + " or redis://USER:PASSWORD@host (percent-encode special characters)");
      }
      user = decode(rawUserInfo.substring(0, colon));
      password = decode(rawUserInfo.substring(colon + 1));
    }
    user = config.getString("user", user == null || user.isEmpty() ? null : user);
    password = config.getString("password", password == null || password.isEmpty() ? null : password);

    int database = 0;
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      try {
        database = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(urlKey + " must end with a database number such as /0, was '" + path + "'");
      }
    }
    database = config.getInt("database", database);
    if (database < 0) {
      throw new IllegalArgumentException(config.fullKey("database") + " must not be negative, was " + database);
    }

    boolean tlsFromUrl = scheme.equals("rediss");
    boolean tls = config.getBoolean("tls", tlsFromUrl);
    if (tlsFromUrl && !tls) {
      throw new IllegalArgumentException(config.fullKey("tls") + " is false but " + urlKey
          + " uses rediss:// (TLS): use redis:// for a plain connection, or drop the tls setting");
    }
    Path caFile = config.get("tls.ca-file").map(Path::of).orElse(null);
    if (caFile != null && !Files.isReadable(caFile)) {
      throw new IllegalArgumentException(config.fullKey("tls.ca-file") + " must be a readable PEM file, was " + caFile);
    }
    if (caFile != null && !tls) {
      throw new IllegalArgumentException(config.fullKey("tls.ca-file") + " is set but TLS is off: use rediss:// or set "
          + config.fullKey("tls") + "=true");
    }
    boolean verifyHostname = config.getBoolean("tls.verify-hostname", true);

    Duration timeout = positive(config, "timeout", config.getDuration("timeout", Duration.ofSeconds(2)));
    if (timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(config.fullKey("timeout") + " is too long");
    }
    String keyPrefix = config.getString("key-prefix", "guardops:");
    int poolSize = config.getInt("pool-size", 16);
    if (poolSize < 1) {
      throw new IllegalArgumentException(config.fullKey("pool-size") + " must be at least 1, was " + poolSize);
    }
    Duration retryInterval = positive(config, "retry-interval", config.getDuration("retry-interval", Duration.ofSeconds(5)));
    Duration warnInterval = positive(config, "warn-interval", config.getDuration("warn-interval", Duration.ofMinutes(1)));
    return new RedisSettings(host, port, user, password, database, tls, caFile, verifyHostname, timeout, keyPrefix,
        poolSize, retryInterval, warnInterval);
  }

  /** Where the cache connects, for logs and health: never the password. */
  String target() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (tls ? "rediss://" : "redis://") + h + ":" + port + "/" + database;
  }

  private static Duration positive(ComponentConfig config, String key, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(config.fullKey(key) + " must be positive, was " + d);
    }
    return d;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RedisSettings{" + target() + ", user=" + user + ", password=" + (password == null ? "none" : "set")
        + ", keyPrefix=" + keyPrefix + "}";
  }
}
