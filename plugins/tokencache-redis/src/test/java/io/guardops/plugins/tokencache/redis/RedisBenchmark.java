package io.guardops.plugins.tokencache.redis;

import io.guardops.tck.RedisServer;
import io.guardops.api.ComponentConfig;
import io.guardops.api.TokenCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Operations a second through the cache against a redis-server on this machine (started here), and
 * what a call costs while Redis is down. Not a test: run it by hand (see the README). Arguments:
 * seconds per measurement (default 3).
 */
public final class RedisBenchmark {
  private RedisBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path dir = Files.createTempDirectory("redis-bench");
    Clock clock = Clock.systemUTC();
    try (RedisServer server = RedisServer.start(dir)) {
      ComponentConfig config = ComponentConfig.of("guardops.tokencache.redis", Map.of("url", server.url()), dir, clock);
      try (TokenCache cache = new RedisTokenCacheProvider().create(config, new TestContext(clock))) {
        String token = "x".repeat(900); // about the size of an Auth0 access token
        for (int i = 0; i < 1000; i++) {
          cache.put("k" + i, token, Duration.ofMinutes(10));
        }
        for (int threads : new int[] {1, 4, 16}) {
          run(threads, 1, i -> cache.get("k" + (i % 1000)));
          System.out.printf("get (hit, 900 B)      %2d threads: %,9d ops/s%n", threads,
              run(threads, seconds, i -> cache.get("k" + (i % 1000))) / seconds);
          System.out.printf("put (PX, 900 B)       %2d threads: %,9d ops/s%n", threads,
              run(threads, seconds, i -> cache.put("p" + (i % 1000), token, Duration.ofMinutes(1))) / seconds);
        }
        server.stop();
        long down = run(4, seconds, i -> cache.get("k" + (i % 1000)));
        System.out.printf("get while redis is down, 4 threads: %,d ops/s (answered as misses)%n", down / seconds);
      }
    }
  }

  private interface Op {
    void run(long i);
  }

  private static long run(int threads, int seconds, Op op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<Long>> runs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      runs.add(pool.submit(() -> {
        long n = 0;
        while (System.nanoTime() < end) {
          op.run(n++);
        }
        return n;
      }));
    }
    long total = 0;
    for (Future<Long> f : runs) {
      total += f.get();
    }
    pool.shutdown();
    return total;
  }
}
