package io.guardops.plugins.store.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import io.guardops.api.ComponentConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The store's settings, read and validated once from {@code guardops.store.mongo.*}. A driver option
 * written in the URI wins over this store's default for it; an explicit GuardOps setting wins over both.
 *
 * @param uri the connection string (may carry credentials: never log it, see {@link #describe()})
 * @param database the database every collection lives in
 * @param serverSelectionTimeout how long an operation waits for a usable server before it fails
 * @param connectTimeout how long opening one connection may take
 * @param socketTimeout how long one read on a connection may take (an unresponsive network)
 * @param healthTimeout how long {@code check()} waits for its ping
 * @param writeConcern acknowledgement of writes ({@code majority} by default)
 * @param maxPoolSize connections per server
 * @param purgeChunkTraces traces deleted per purge round (one {@code deleteMany} of spans and one of
 *     summaries)
 */
record MongoSettings(ConnectionString uri, String database, Duration serverSelectionTimeout, Duration connectTimeout,
    Duration socketTimeout, Duration healthTimeout, WriteConcern writeConcern, int maxPoolSize, int purgeChunkTraces) {

  static final String DEFAULT_DATABASE = "guardops";
  static final Duration DEFAULT_SERVER_SELECTION_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);
  static final int DEFAULT_MAX_POOL_SIZE = 100;
  static final int DEFAULT_PURGE_CHUNK_TRACES = 1000;

  /** Reads and validates the settings; every message names the full key. */
  static MongoSettings from(ComponentConfig config) {
    String raw = config.get("uri").orElseThrow(() -> new IllegalArgumentException("missing setting "
        + config.fullKey("uri") + " (environment MONGO_URI or " + config.envName("uri")
        + "): the MongoDB connection string, such as mongodb://host1,host2/?replicaSet=rs0 or mongodb+srv://cluster.example.net"));
    ConnectionString uri;
    try {
      uri = new ConnectionString(raw);
    } catch (IllegalArgumentException e) {
      // the driver's message may quote the URI, and with it a password: say what is wrong without it
      throw new IllegalArgumentException(config.fullKey("uri") + " is not a MongoDB connection string"
          + " (it must start with mongodb:// or mongodb+srv://)");
    }
    String database = config.get("database").orElse(uri.getDatabase() != null ? uri.getDatabase() : DEFAULT_DATABASE);
    checkDatabaseName(config, database);
    Duration selection = duration(config, "server-selection-timeout", millis(uri.getServerSelectionTimeout()),
        DEFAULT_SERVER_SELECTION_TIMEOUT);
    Duration connect = duration(config, "connect-timeout", millis(uri.getConnectTimeout()), DEFAULT_CONNECT_TIMEOUT);
    Duration socket = duration(config, "socket-timeout", millis(uri.getSocketTimeout()), DEFAULT_SOCKET_TIMEOUT);
    Duration health = duration(config, "health-timeout", null, DEFAULT_HEALTH_TIMEOUT);
    if (health.isZero()) {
      throw new IllegalArgumentException(config.fullKey("health-timeout") + " must be positive");
    }
    WriteConcern writeConcern = writeConcern(config, uri);
    int pool = config.getInt("max-pool-size",
        uri.getMaxConnectionPoolSize() != null ? uri.getMaxConnectionPoolSize() : DEFAULT_MAX_POOL_SIZE);
    if (pool < 1) {
      throw new IllegalArgumentException(config.fullKey("max-pool-size") + " must be at least 1, was " + pool);
    }
    int purgeChunk = config.getInt("purge-chunk-traces", DEFAULT_PURGE_CHUNK_TRACES);
    if (purgeChunk < 1 || purgeChunk > 100_000) {
      throw new IllegalArgumentException(config.fullKey("purge-chunk-traces") + " must be between 1 and 100000, was "
          + purgeChunk);
    }
    return new MongoSettings(uri, database, selection, connect, socket, health, writeConcern, pool, purgeChunk);
  }

  /** The driver settings: the URI's options, then this store's timeouts and pool. */
  MongoClientSettings clientSettings() {
    return MongoClientSettings.builder()
        .applyConnectionString(uri)
        .applicationName(uri.getApplicationName() != null ? uri.getApplicationName() : "guardops")
        .writeConcern(writeConcern)
        .applyToClusterSettings(b -> b.serverSelectionTimeout(serverSelectionTimeout.toMillis(), TimeUnit.MILLISECONDS))
        .applyToSocketSettings(b -> b.connectTimeout((int) connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .readTimeout((int) socketTimeout.toMillis(), TimeUnit.MILLISECONDS))
        .applyToConnectionPoolSettings(b -> b.maxSize(maxPoolSize)
            // a request thread waits for a pooled connection no longer than for a server
            .maxWaitTime(serverSelectionTimeout.toMillis(), TimeUnit.MILLISECONDS))
        .build();
  }

  /** Where the store points, for logs and health: hosts and database, never credentials or options. */
  String describe() {
    return (uri.isSrvProtocol() ? "mongodb+srv://" : "mongodb://") + String.join(",", uri.getHosts()) + "/" + database;
  }

  private static Duration millis(Integer ms) {
    return ms == null ? null : Duration.ofMillis(ms);
  }

  private static Duration duration(ComponentConfig config, String key, Duration fromUri, Duration defaultValue) {
    Duration d = config.getDuration(key, fromUri != null ? fromUri : defaultValue);
    if (d.isNegative() || d.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(config.fullKey(key) + " must be between 0 and 24 days, was " + d);
    }
    return d;
  }

  private static WriteConcern writeConcern(ComponentConfig config, ConnectionString uri) {
    String w = config.get("write-concern").orElse(null);
    if (w == null) {
      return uri.getWriteConcern() != null ? uri.getWriteConcern() : WriteConcern.MAJORITY;
    }
    if (w.equalsIgnoreCase("majority")) {
      return WriteConcern.MAJORITY;
    }
    int n;
    try {
      n = Integer.parseInt(w);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1) {
      throw new IllegalArgumentException(config.fullKey("write-concern") + " must be 'majority' or a number of"
          + " members of at least 1, was '" + w + "' (0 would acknowledge writes that are not stored)");
    }
    return new WriteConcern(n);
  }

  private static void checkDatabaseName(ComponentConfig config, String name) {
    // MongoDB's rules for database names (Linux): no /\. "$ space or NUL, under 64 bytes
    boolean bad = name.isEmpty() || name.length() > 63;
    for (int i = 0; !bad && i < name.length(); i++) {
      bad = "/\\. \"$\0".indexOf(name.charAt(i)) >= 0;
    }
    if (bad) {
      throw new IllegalArgumentException(config.fullKey("database") + " must be a MongoDB database name (1 to 63"
          + " characters, none of / \\ . \" $ or space), was '" + name + "'");
    }
  }
}
