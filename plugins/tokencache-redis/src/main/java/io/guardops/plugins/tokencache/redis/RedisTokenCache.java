package io.guardops.plugins.tokencache.redis;

import io.guardops.api.Health;
import io.guardops.api.TokenCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link TokenCache} on Redis. Entries expire by Redis's clock ({@code SET key value PX ttl}), so
 * every host instance sharing the server sees the same expiry.
 *
 * <p>Redis is an optimisation here, never a dependency: when it cannot be reached, {@code get} finds
 * nothing and {@code put}/{@code invalidate} are dropped, and for {@code retry-interval} no call waits
 * on it at all (an unreachable host would otherwise cost every request a connect timeout). After that
 * one call at a time probes it again; the first that succeeds ends the outage. Outages are logged
 * once when they start, at most once per {@code warn-interval} while they last, and once when they end.
 */
final class RedisTokenCache implements TokenCache {
  private static final Logger LOG = LoggerFactory.getLogger(RedisTokenCache.class);

  /** An outage: when it started, why, and when the next call may try Redis again. */
  private record Outage(Instant since, String reason, long retryAtMillis) {}

  private final RedisSettings settings;
  private final JedisPooled redis;
  private final Clock clock;
  private final AtomicBoolean probing = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Calls answered as "empty" during the current outage, and since its last warning. */
  private final AtomicLong answeredEmpty = new AtomicLong();
  private final AtomicLong answeredEmptySinceWarning = new AtomicLong();
  private final Object stateLock = new Object();
  private volatile Outage outage;
  private long lastWarningMillis;

  private RedisTokenCache(RedisSettings settings, JedisPooled redis, Clock clock) {
    this.settings = settings;
    this.redis = redis;
    this.clock = clock;
  }

  /**
   * Connects and checks the server once. Wrong credentials or a certificate that is not trusted are
   * configuration errors and fail start-up; a server that is merely down is an outage like any other.
   */
  static RedisTokenCache start(RedisSettings settings, Clock clock) {
    DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis((int) settings.timeout().toMillis())
        .socketTimeoutMillis((int) settings.timeout().toMillis())
        .database(settings.database())
        .clientName("guardops")
        .user(settings.user())
        .password(settings.password())
        .ssl(settings.tls());
    if (settings.tls()) {
      if (settings.caFile() != null) {
        client.sslSocketFactory(trusting(settings));
      }
      if (settings.verifyHostname()) {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        client.sslParameters(parameters);
      }
    }
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(settings.poolSize());
    pool.setMaxIdle(settings.poolSize());
    pool.setMinIdle(0);
    // a request waits for a free connection no longer than for Redis itself
    pool.setMaxWait(settings.timeout());
    pool.setJmxEnabled(false);
    JedisPooled redis = new JedisPooled(new HostAndPort(settings.host(), settings.port()), client.build(), pool);
    RedisTokenCache cache = new RedisTokenCache(settings, redis, clock);
    try {
      redis.ping();
      // an ACL user may log in yet not be allowed our keys: find that out now, not on every request
      redis.get(settings.keyPrefix() + "startup-probe");
      LOG.info("redis token cache at {} (key prefix '{}')", settings.target(), settings.keyPrefix());
    } catch (JedisAccessControlException e) {
      redis.close();
      String message = e.getMessage() == null ? "" : e.getMessage();
      throw new IllegalArgumentException(message.startsWith("NOPERM")
          ? "redis at " + settings.target() + " does not let user " + settings.user() + " read keys starting with '"
              + settings.keyPrefix() + "' (" + message + "): grant the user ~" + settings.keyPrefix() + "* with +get"
              + " +set +del, or change guardops.tokencache.redis.key-prefix"
          : "redis at " + settings.target() + " refused the credentials (" + message + "): check the password in"
              + " guardops.tokencache.redis.url (REDIS_URL) or guardops.tokencache.redis.password");
    } catch (JedisDataException e) {
      LOG.debug("redis start-up probe: {}", e.getMessage()); // WRONGTYPE and the like: the key is someone else's
    } catch (JedisException e) {
      if (hasCause(e, SSLHandshakeException.class)) {
        redis.close();
        throw new IllegalArgumentException("TLS handshake with redis at " + settings.target() + " failed ("
            + rootMessage(e) + "): trust its certificate with guardops.tokencache.redis.tls.ca-file, or check that the"
            + " host name in the url matches the certificate");
      }
      cache.failed("connect", e);
    }
    return cache;
  }

  @Override
  public Optional<String> get(String key) {
    String k = key(key);
    return Optional.ofNullable(call("get", r -> r.get(k), null));
  }

  @Override
  public void put(String key, String value, Duration ttl) {
    String k = key(key);
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    // PX counts milliseconds; round up so that a sub-millisecond ttl is not zero (which Redis refuses)
    long millis = Math.max(1, (ttl.toNanos() + 999_999) / 1_000_000);
    call("put", r -> r.set(k, value, SetParams.setParams().px(millis)), null);
  }

  @Override
  public void invalidate(String key) {
    String k = key(key);
    call("invalidate", r -> r.del(k), null);
  }

  @Override
  public Health check() {
    if (closed.get()) {
      return Health.down("redis token cache is closed");
    }
    Outage o = outage;
    if (o != null && clock.millis() < o.retryAtMillis()) {
      return Health.down(describe(o));
    }
    try {
      redis.ping();
      recovered();
      return Health.up(settings.target() + ", key prefix '" + settings.keyPrefix() + "', "
          + redis.getPool().getNumActive() + " active and " + redis.getPool().getNumIdle() + " idle connections");
    } catch (JedisException e) {
      failed("health check", e);
      Outage now = outage;
      return Health.down(now == null ? "redis at " + settings.target() + ": " + rootMessage(e) : describe(now));
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      redis.close();
    }
  }

  private String key(String key) {
    return settings.keyPrefix() + Objects.requireNonNull(key, "key");
  }

  /**
   * Runs one command, or answers {@code whenDown} without touching Redis during an outage. Only
   * failures to reach or use the server count as an outage; a data error on one key (another client
   * stored a non-string there) is a miss.
   */
  private <T> T call(String operation, Function<JedisPooled, T> command, T whenDown) {
    if (closed.get()) {
      return whenDown;
    }
    Outage o = outage;
    boolean probe = false;
    if (o != null) {
      // during an outage: answer at once, and let one call at a time find out whether Redis is back
      if (clock.millis() < o.retryAtMillis() || !probing.compareAndSet(false, true)) {
        answeredEmpty.incrementAndGet();
        answeredEmptySinceWarning.incrementAndGet();
        return whenDown;
      }
      probe = true;
    }
    try {
      T result;
      try {
        result = command.apply(redis);
      } catch (redis.clients.jedis.exceptions.JedisConnectionException stale) {
        if (o != null) {
          throw stale;
        }
        // a pooled connection may have outlived a Redis restart this instance never noticed: drop the
        // idle ones and try once more on a new connection before declaring an outage
        clearIdleConnections();
        result = command.apply(redis);
      }
      if (o != null) {
        recovered();
      }
      return result;
    } catch (JedisDataException e) {
      if (e instanceof JedisAccessControlException) {
        failed(operation, e);
      } else {
        LOG.warn("redis token cache: {} answered as a miss: {}", operation, e.getMessage());
      }
      return whenDown;
    } catch (JedisException e) {
      failed(operation, e);
      return whenDown;
    } finally {
      if (probe) {
        probing.set(false);
      }
    }
  }

  /** Starts or extends an outage, and warns at most once per warn interval. */
  private void failed(String operation, JedisException e) {
    long now = clock.millis();
    answeredEmpty.incrementAndGet();
    answeredEmptySinceWarning.incrementAndGet();
    synchronized (stateLock) {
      Outage previous = outage;
      String reason = operation + " failed: " + rootMessage(e);
      outage = new Outage(previous == null ? clock.instant() : previous.since(), reason,
          now + settings.retryInterval().toMillis());
      if (previous == null) {
        lastWarningMillis = now;
        answeredEmptySinceWarning.set(0);
        LOG.warn("redis token cache at {} is unavailable ({}); answering as an empty cache and trying again every {}",
            settings.target(), reason, settings.retryInterval());
        // pooled connections to a server that went away are dead: do not hand them out after it returns
        clearIdleConnections();
      } else if (now - lastWarningMillis >= settings.warnInterval().toMillis()) {
        lastWarningMillis = now;
        LOG.warn("redis token cache at {} still unavailable since {} ({}); {} calls answered as empty since the last"
            + " warning", settings.target(), previous.since(), reason, answeredEmptySinceWarning.getAndSet(0));
      }
    }
  }

  private void recovered() {
    synchronized (stateLock) {
      Outage previous = outage;
      if (previous != null) {
        outage = null;
        LOG.info("redis token cache at {} is back after an outage since {} ({} calls answered as empty)",
            settings.target(), previous.since(), answeredEmpty.getAndSet(0));
        answeredEmptySinceWarning.set(0);
      }
    }
  }

  private void clearIdleConnections() {
    try {
      redis.getPool().clear();
    } catch (RuntimeException e) {
      LOG.debug("could not clear idle redis connections", e);
    }
  }

  private String describe(Outage o) {
    return "redis at " + settings.target() + " unavailable since " + o.since() + " (" + o.reason()
        + "); answering as an empty cache (" + answeredEmpty.get() + " calls so far)";
  }

  private static SSLSocketFactory trusting(RedisSettings settings) {
    try (InputStream in = Files.newInputStream(settings.caFile())) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("guardops.tokencache.redis.tls.ca-file " + settings.caFile()
            + " holds no PEM certificate");
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate c : certificates) {
        trusted.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      return tls.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("guardops.tokencache.redis.tls.ca-file " + settings.caFile()
          + " could not be read as PEM certificates: " + e.getMessage(), e);
    }
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message: "Connection refused" says more than "Failed to connect to any host". */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    // jedis keeps the per-address reasons ("Connection refused") as suppressed exceptions
    for (Throwable s : root.getSuppressed()) {
      Throwable r = s.getCause() != null ? s.getCause() : s;
      message = (message == null ? "" : message + " ") + "(" + r.getMessage() + ")";
      break;
    }
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
