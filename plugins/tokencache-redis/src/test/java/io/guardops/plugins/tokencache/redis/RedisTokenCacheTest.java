package io.guardops.plugins.tokencache.redis;

import io.guardops.tck.RedisServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.ComponentConfig;
import io.guardops.api.Health;
import io.guardops.api.TokenCache;
import io.guardops.tck.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outages, passwords, TLS and sharing, each against its own real redis-server. */
class RedisTokenCacheTest {
  @TempDir
  Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private TokenCache cache(Map<String, String> settings) {
    return new RedisTokenCacheProvider().create(
        ComponentConfig.of("guardops.tokencache.redis", settings, dir, clock), new TestContext(clock));
  }

  @Test
  void anOutageAnswersAsAnEmptyCacheAndRecoversByItselfWhenRedisReturns() throws Exception {
    try (RedisServer server = RedisServer.start(dir);
        TokenCache cache = cache(Map.of("url", server.url(), "retry-interval", "5s"))) {
      cache.put("token", "t1", Duration.ofMinutes(5));
      assertThat(cache.get("token")).contains("t1");
      assertThat(cache.check().healthy()).isTrue();

      server.stop();
      assertThat(cache.get("token")).as("redis down: a miss, not an error").isEmpty();
      cache.put("other", "v", Duration.ofMinutes(5));
      cache.invalidate("token");
      AtomicInteger loads = new AtomicInteger();
      assertThat(cache.getOrLoad("token", Duration.ofMinutes(5), () -> "loaded-" + loads.incrementAndGet()))
          .isEqualTo("loaded-1");
      assertThat(cache.getOrLoad("token", Duration.ofMinutes(5), () -> "loaded-" + loads.incrementAndGet()))
          .as("nothing could be cached: the loader runs again").isEqualTo("loaded-2");
      Health down = cache.check();
      assertThat(down.healthy()).isFalse();
      assertThat(down.detail()).contains("unavailable").contains(server.url().replace("localhost", "localhost"))
          .contains("empty cache");

      server.start();
      try (TokenCache writer = cache(Map.of("url", server.url()))) {
        writer.put("token", "t2", Duration.ofMinutes(5));
      }
      assertThat(cache.get("token")).as("within the retry interval no call goes to redis").isEmpty();
      assertThat(cache.check().healthy()).isFalse();

      clock.advance(Duration.ofSeconds(5));
      assertThat(cache.get("token")).as("recovered without a new cache").contains("t2");
      cache.put("after", "v", Duration.ofMinutes(5));
      assertThat(cache.get("after")).contains("v");
      assertThat(cache.get("other")).as("the put during the outage was dropped").isEmpty();
      assertThat(cache.check().healthy()).isTrue();
    }
  }

  @Test
  void aCacheStartsWhileRedisIsDownAndComesUpWithIt() throws Exception {
    RedisServer server = RedisServer.start(dir);
    server.stop();
    try (TokenCache cache = cache(Map.of("url", server.url(), "retry-interval", "2s"))) {
      assertThat(cache.check().healthy()).isFalse();
      assertThat(cache.get("k")).isEmpty();
      server.start();
      clock.advance(Duration.ofSeconds(2));
      Health up = cache.check();
      assertThat(up.healthy()).as("%s", up).isTrue();
      cache.put("k", "v", Duration.ofMinutes(1));
      assertThat(cache.get("k")).contains("v");
    } finally {
      server.close();
    }
  }

  @Test
  void anOutageIsLoggedOnceWhenItStartsAtMostOncePerIntervalAndOnceWhenItEnds() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (RedisServer server = RedisServer.start(dir);
        TokenCache cache = cache(Map.of("url", server.url(), "retry-interval", "1s", "warn-interval", "60s"))) {
      server.stop();
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      // 30 s of a busy outage: 50 calls a second, a probe every second
      for (int second = 0; second < 30; second++) {
        for (int call = 0; call < 50; call++) {
          cache.get("k" + call);
        }
        clock.advance(Duration.ofSeconds(1));
      }
      clock.advance(Duration.ofSeconds(31));
      cache.get("k");
      server.start();
      clock.advance(Duration.ofSeconds(1));
      cache.get("k");
    } finally {
      System.setErr(original);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("RedisTokenCache")).toList();
    assertThat(lines.stream().filter(l -> l.contains("WARN") && l.contains("is unavailable"))).hasSize(1);
    assertThat(lines.stream().filter(l -> l.contains("WARN") && l.contains("still unavailable"))).hasSize(1);
    assertThat(lines.stream().filter(l -> l.contains("WARN") && l.contains("still unavailable")).findFirst().get())
        .containsPattern("\\d+ calls answered as empty");
    assertThat(lines.stream().filter(l -> l.contains("INFO") && l.contains("is back"))).hasSize(1);
    assertThat(lines).hasSize(3);
  }

  @Test
  void passwordFromTheUrlOrItsOwnSetting() throws Exception {
    try (RedisServer server = RedisServer.start(dir, "--requirepass", "s3cret:/@pw")) {
      String encoded = "s3cret%3A%2F%40pw";
      try (TokenCache cache = cache(Map.of("url", "redis://:" + encoded + "@localhost:" + server.port() + "/2"))) {
        cache.put("k", "v", Duration.ofMinutes(1));
        assertThat(cache.get("k")).contains("v");
        assertThat(cache.check().detail()).doesNotContain("s3cret").contains("/2");
      }
      try (TokenCache cache = cache(Map.of("url", server.url() + "/2", "password", "s3cret:/@pw"))) {
        assertThat(cache.get("k")).as("same database 2, same key").contains("v");
      }
      assertThatThrownBy(() -> cache(Map.of("url", "redis://:wrong@localhost:" + server.port())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("refused the credentials")
          .hasMessageContaining("guardops.tokencache.redis.password")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong"));
      assertThatThrownBy(() -> cache(Map.of("url", server.url())))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refused the credentials");
    }
  }

  @Test
  void theLeastPrivilegeAclUserOfTheReadmeIsEnough() throws Exception {
    try (RedisServer server = RedisServer.start(dir, "--requirepass", "admin-pw")) {
      // the ACL line the README recommends, applied through redis-cli as an operator would
      Process p = new ProcessBuilder("redis-cli", "-p", String.valueOf(server.port()), "-a", "admin-pw",
          "--no-auth-warning", "ACL", "SETUSER", "guardops", "on", ">cache-pw", "~guardops:*", "+get", "+set",
          "+del", "+ping", "+hello", "+client", "+select", "+auth").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(out.trim()).isEqualTo("OK");
      try (TokenCache cache = cache(Map.of("url", "redis://guardops:cache-pw@localhost:" + server.port() + "/1"))) {
        cache.put("k", "v", Duration.ofMinutes(1));
        assertThat(cache.get("k")).contains("v");
        cache.invalidate("k");
        assertThat(cache.get("k")).isEmpty();
        assertThat(cache.check().healthy()).isTrue();
      }
      assertThatThrownBy(() -> cache(Map.of("url", "redis://guardops:cache-pw@localhost:" + server.port(),
          "key-prefix", "other:")))
          .as("a user that may not touch the prefix is a configuration error, found at start-up")
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("~other:*")
          .hasMessageContaining("guardops.tokencache.redis.key-prefix");
    }
  }

  @Test
  void tlsWithATrustedCertificateAndHostnameVerification() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    selfSigned("localhost", cert, key);
    Path otherCert = dir.resolve("other-cert.pem");
    Path otherKey = dir.resolve("other-key.pem");
    selfSigned("elsewhere.example", otherCert, otherKey);

    try (RedisServer server = RedisServer.startTls(dir, cert, key)) {
      Map<String, String> settings = new HashMap<>(Map.of("url", server.url(), "tls.ca-file", cert.toString()));
      try (TokenCache cache = cache(settings)) {
        cache.put("k", "over tls", Duration.ofMinutes(1));
        assertThat(cache.get("k")).contains("over tls");
        assertThat(cache.check().detail()).startsWith("rediss://localhost:");
      }
      assertThatThrownBy(() -> cache(Map.of("url", server.url())))
          .as("a self-signed certificate is not in the JVM's trust store")
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLS handshake")
          .hasMessageContaining("tls.ca-file");
      assertThatThrownBy(() -> cache(Map.of("url", server.url().replace("localhost", "127.0.0.1"),
          "tls.ca-file", cert.toString())))
          .as("the certificate names localhost, not 127.0.0.1")
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLS handshake");
      try (TokenCache cache = cache(Map.of("url", server.url().replace("localhost", "127.0.0.1"),
          "tls.ca-file", cert.toString(), "tls.verify-hostname", "false"))) {
        assertThat(cache.get("k")).contains("over tls");
      }
      assertThatThrownBy(() -> cache(Map.of("url", server.url(), "tls.ca-file", otherCert.toString())))
          .as("a certificate that is not the server's").isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("TLS handshake");
      try (TokenCache cache = cache(Map.of("url", "redis://localhost:" + server.port(), "tls", "true",
          "tls.ca-file", cert.toString()))) {
        assertThat(cache.get("k")).as("tls=true with a redis:// url").contains("over tls");
      }
    }
  }

  @Test
  void twoInstancesShareEntriesAndPrefixesKeepDeploymentsApart() throws Exception {
    try (RedisServer server = RedisServer.start(dir);
        TokenCache a = cache(Map.of("url", server.url()));
        TokenCache b = cache(Map.of("url", server.url()));
        TokenCache other = cache(Map.of("url", server.url(), "key-prefix", "staging:"))) {
      a.put("mgmt-token", "shared", Duration.ofMinutes(1));
      assertThat(b.get("mgmt-token")).contains("shared");
      assertThat(b.getOrLoad("mgmt-token", Duration.ofMinutes(1), () -> {
        throw new AssertionError("must not load: another instance cached it");
      })).isEqualTo("shared");
      assertThat(other.get("mgmt-token")).isEmpty();
      b.invalidate("mgmt-token");
      assertThat(a.get("mgmt-token")).isEmpty();
    }
  }

  @Test
  void aSubMillisecondTtlIsStillPositiveOnTheServer() throws Exception {
    try (RedisServer server = RedisServer.start(dir); TokenCache cache = cache(Map.of("url", server.url()))) {
      cache.put("k", "v", Duration.ofNanos(10));
      Thread.sleep(5);
      assertThat(cache.get("k")).isEmpty();
      assertThat(cache.check().healthy()).as("PX 1, not a refused PX 0").isTrue();
    }
  }

  @Test
  void callsAfterCloseAreMissesAndHealthSaysClosed() throws Exception {
    try (RedisServer server = RedisServer.start(dir)) {
      TokenCache cache = cache(Map.of("url", server.url()));
      cache.put("k", "v", Duration.ofMinutes(1));
      cache.close();
      assertThat(cache.get("k")).isEmpty();
      assertThat(cache.check().healthy()).isFalse();
      assertThat(cache.check().detail()).contains("closed");
      cache.close();
    }
  }

  private static void selfSigned(String host, Path cert, Path key) throws Exception {
    String san = host.equals("localhost") ? "DNS:localhost" : "DNS:" + host;
    Process p;
    try {
      p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
          "-subj", "/CN=" + host, "-addext", "subjectAltName=" + san, "-keyout", key.toString(),
          "-out", cert.toString()).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      Assumptions.abort("openssl is not installed (apt-get install openssl): cannot make a test certificate");
      return;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(Files.size(cert)).isPositive();
  }
}
