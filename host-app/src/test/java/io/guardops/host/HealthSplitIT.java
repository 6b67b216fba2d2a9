package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Liveness and readiness: /health/live while the process serves, /health/ready only while the components are. */
class HealthSplitIT {
  @TempDir
  Path dir;

  @Test
  void readinessFollowsTheStoreAndLivenessDoesNot() throws Exception {
    TestHost.pluginsDir(dir);
    SwitchableStore store = new SwitchableStore();
    try (TestHost host = new TestHost(dir, Map.of(), b -> b.store(store.store()))) {
      assertThat(host.send("GET", "/health/live").json().get("status").asText()).isEqualTo("UP");
      TestHost.Reply ready = host.send("GET", "/health/ready");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().get("status").asText()).isEqualTo("READY");
      assertThat(ready.json().at("/components/receiver grpc:~1~1127.0.0.1:" + host.grpcPort() + "/healthy")
          .asBoolean()).as(ready.body()).isTrue();

      store.down = true;
      TestHost.Reply notReady = host.send("GET", "/health/ready");
      assertThat(notReady.status()).isEqualTo(503);
      assertThat(notReady.json().get("status").asText()).isEqualTo("NOT_READY");
      assertThat(notReady.json().at("/components/store/healthy").asBoolean()).isFalse();
      assertThat(host.send("GET", "/health/live").status()).as("the process still serves").isEqualTo(200);
      assertThat(host.send("GET", "/health").status()).isEqualTo(503);

      store.down = false;
      assertThat(host.send("GET", "/health/ready").status()).isEqualTo(200);
    }
  }
}
