package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.host.bench.KeepAliveClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand keep-alive clients stay connected, idle, while new clients and then every one of them are
 * served on their own connections: nobody is refused or kept waiting because others merely hold a
 * connection (NanoHTTPD's one thread per connection used to come from a pool of 64: the 65th client was
 * refused).
 */
class ConnectionsIT {
  private static final int CLIENTS = 1000;

  @TempDir
  Path dir;

  @Test
  void aThousandKeepAliveClientsAreAllServed() throws Exception {
    TestHost.pluginsDir(dir);
    List<KeepAliveClient> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try (TestHost host = new TestHost(dir, Map.of())) {
      int port = host.server.port();
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(new KeepAliveClient("127.0.0.1", port, 20_000));
      }
      // every client connects and is served once, then stays connected without sending anything
      assertThat(serveAll(pool, clients)).containsOnly(200);
      assertThat(host.server.openConnections()).isGreaterThanOrEqualTo(CLIENTS);

      // a newcomer is served at once while the thousand sit idle
      for (int i = 0; i < 3; i++) {
        try (KeepAliveClient newcomer = new KeepAliveClient("127.0.0.1", port, 20_000)) {
          long t0 = System.nanoTime();
          assertThat(newcomer.send("GET", "/health", "", null, 0, 0, false)).isEqualTo(200);
          assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);
        }
      }

      // and every idle client is served again on the connection it kept (send fails on a closed one)
      assertThat(serveAll(pool, clients)).containsOnly(200);
      assertThat(clients).allSatisfy(c -> assertThat(c.reconnects()).isZero());
      assertThat(host.server.openConnections()).isGreaterThanOrEqualTo(CLIENTS);
    } finally {
      pool.shutdownNow();
      clients.forEach(KeepAliveClient::close);
    }
  }

  /** One GET /health per client, 32 at a time; the statuses. */
  private static List<Integer> serveAll(ExecutorService pool, List<KeepAliveClient> clients) throws Exception {
    List<Future<Integer>> replies = new ArrayList<>();
    for (KeepAliveClient c : clients) {
      replies.add(pool.submit(() -> c.send("GET", "/health", "", null, 0, 0, false)));
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> f : replies) {
      statuses.add(f.get(60, TimeUnit.SECONDS));
    }
    return statuses;
  }
}
