package io.guardops.host;

import io.guardops.tck.RedisServer;
import static io.guardops.host.AuthCalls.call;
import static io.guardops.host.AuthCalls.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.engine.Engine;
import io.guardops.engine.internal.InMemoryStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two host instances in auth0 mode with the Redis token cache ({@code guardops.tokencache=redis},
 * the tokencache-redis plugin zip) against a real {@code redis-server} the test starts: the management
 * API token is fetched once for both instances and role lookups are shared; while Redis is down
 * requests keep working and {@code /health} says the cache is down; when it is back, both recover by
 * themselves. Configured through the original deployment's variable names (AUTH0_*, REDIS_URL). The
 * instances share one store (two store instances over one in-memory backend), as instances share a
 * database, and one clock the test moves (the cache's retry interval).
 */
class Auth0RedisIT {
  @TempDir
  static Path dir;
  static RedisServer redis;
  static OidcIssuer issuer;

  @BeforeAll
  static void start() throws Exception {
    issuer = new OidcIssuer();
  }

  @BeforeEach
  void startRedis() throws Exception {
    // skips each test by name, with the command that installs the server, when it is missing
    redis = RedisServer.start(dir.resolve("redis"));
  }

  @AfterEach
  void stopRedis() throws InterruptedException {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  private static TestHost host(Path dir, Consumer<Engine.Builder> customize) throws Exception {
    TestHost.pluginsDir(dir);
    Map<String, String> env = new HashMap<>();
    env.put("AUTH0_ISSUER", issuer.issuer());
    env.put("AUTH0_API_AUDIENCE", OidcIssuer.AUDIENCE);
    env.put("AUTH0_ALGORITHMS", "RS256");
    env.put("AUTH0_MANAGEMENT_CLIENT_ID", OidcIssuer.MANAGEMENT_CLIENT);
    env.put("AUTH0_MANAGEMENT_CLIENT_SECRET", OidcIssuer.MANAGEMENT_SECRET);
    env.put("AUTH0_MANAGEMENT_API", issuer.tokenEndpoint());
    env.put("MANAGEMENT_AUDIENCE", issuer.managementBase);
    env.put("REDIS_URL", redis.url());
    env.put("GUARDOPS_AUTH", "auth0");
    env.put("GUARDOPS_TOKENCACHE", "redis");
    env.put("GUARDOPS_AUTH_AUTH0_MACHINE_CLIENTS", OidcIssuer.WEB_APP_CLIENT);
    env.put("GUARDOPS_AUTH_AUTH0_MANAGEMENT_API_BASE", issuer.managementBase);
    env.put("GUARDOPS_AUTH_AUTH0_DEFAULT_ROLE_ID", OidcIssuer.DEFAULT_ROLE_ID);
    return new TestHost(dir, Map.of(), b -> {
      b.environment(env);
      customize.accept(b);
    });
  }

  private static JsonNode health(TestHost host, int status) throws Exception {
    TestHost.Reply r = host.send("GET", "/health");
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    return r.json();
  }

  @Test
  void twoInstancesShareTheManagementTokenAndKeepWorkingWhileRedisIsDown() throws Exception {
    SharingIT.TestClock clock = new SharingIT.TestClock();
    InMemoryStore.Backend database = new InMemoryStore.Backend();
    String u1 = "auth0|redis-1";
    String u2 = "auth0|redis-2";
    String u3 = "auth0|redis-3";
    for (String u : new String[] {u1, u2, u3}) {
      issuer.addUser(u, "Projects");
    }
    String webApp = issuer.clientCredentials(OidcIssuer.WEB_APP_CLIENT, OidcIssuer.AUDIENCE);
    String user = issuer.userToken("auth0|redis-user", "Projects");
    try (TestHost a = host(dir.resolve("a"), b -> b.clock(clock).store(new InMemoryStore(database)));
        TestHost b = host(dir.resolve("b"), x -> x.clock(clock).store(new InMemoryStore(database)))) {
      assertThat(health(a, 200).at("/components/tokencache/detail").asText()).contains(redis.url().substring(8));
      int before = issuer.tokensIssuedTo(OidcIssuer.MANAGEMENT_CLIENT);

      // instance A fetches the management token (u1's roles; u1's default role) and keeps it in Redis
      assertThat(call(a, "GET", "/api/get_projects?user_id=" + enc(u1), webApp).status()).isEqualTo(200);
      assertThat(call(a, "GET", "/api/get_projects?user_id=" + enc(u1), webApp).status()).isEqualTo(200);
      assertThat(issuer.tokensIssuedTo(OidcIssuer.MANAGEMENT_CLIENT) - before).isEqualTo(1);
      int u1Reads = issuer.roleReads(u1);
      // instance B uses the same token for u2, and u1's roles as A cached them
      assertThat(call(b, "GET", "/api/get_projects?user_id=" + enc(u2), webApp).status()).isEqualTo(200);
      assertThat(call(b, "GET", "/api/get_projects?user_id=" + enc(u1), webApp).status()).isEqualTo(200);
      assertThat(issuer.tokensIssuedTo(OidcIssuer.MANAGEMENT_CLIENT) - before)
          .as("one token request to the issuer for both instances").isEqualTo(1);
      assertThat(issuer.managementTokensSeen()).hasSize(1);
      assertThat(issuer.roleReads(u1)).as("B read u1's roles from Redis").isEqualTo(u1Reads);
      assertThat(issuer.roleAssignments(u1)).as("one store: u1 was provisioned once").isEqualTo(1);

      // Redis goes away: requests keep working (tokens fetched again), health says the cache is down
      redis.stop();
      assertThat(call(a, "GET", "/api/get_projects?user_id=" + enc(u3), webApp).status()).isEqualTo(200);
      assertThat(call(a, "GET", "/api/get_projects", user).status()).isEqualTo(200);
      assertThat(call(b, "GET", "/api/get_projects?user_id=" + enc(u2), webApp).status()).isEqualTo(200);
      for (TestHost h : new TestHost[] {a, b}) {
        JsonNode down = health(h, 503);
        assertThat(down.get("status").asText()).isEqualTo("DOWN");
        assertThat(down.at("/components/tokencache/healthy").asBoolean()).isFalse();
        assertThat(down.at("/components/tokencache/detail").asText()).contains("unavailable");
        assertThat(down.at("/components/auth/healthy").asBoolean()).isTrue();
        assertThat(down.at("/components/store/healthy").asBoolean()).isTrue();
      }
      assertThat(issuer.tokensIssuedTo(OidcIssuer.MANAGEMENT_CLIENT) - before).as("fetched again while Redis is down")
          .isGreaterThan(1);

      // Redis is back (empty): after the retry interval both instances use it again, with no restart
      redis.start();
      clock.advance(Duration.ofSeconds(6)); // retry-interval is 5 s
      for (TestHost h : new TestHost[] {a, b}) {
        JsonNode up = health(h, 200);
        assertThat(up.at("/components/tokencache/healthy").asBoolean()).isTrue();
      }
      assertThat(call(a, "GET", "/api/get_projects?user_id=" + enc(u3), webApp).status()).isEqualTo(200);
      int tokens = issuer.tokensIssuedTo(OidcIssuer.MANAGEMENT_CLIENT);
      int u3Reads = issuer.roleReads(u3);
      assertThat(call(b, "GET", "/api/get_projects?user_id=" + enc(u3), webApp).status()).isEqualTo(200);
      assertThat(issuer.tokensIssuedTo(OidcIssuer.MANAGEMENT_CLIENT)).as("shared again").isEqualTo(tokens);
      assertThat(issuer.roleReads(u3)).isEqualTo(u3Reads);
    }
  }
}
