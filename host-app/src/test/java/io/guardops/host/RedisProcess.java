package io.guardops.host;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} started by a test: a free port, a temp directory, no persistence
 * ({@code --save "" --appendonly no}). Stopped and started again on the same port for outages. Tests
 * that need it are skipped, with the command that installs it, when the binary is missing.
 */
final class RedisProcess implements AutoCloseable {
  private static final Path BINARY = find();

  private final Path dir;
  private final int port;
  private Process process;
  private int starts;

  private RedisProcess(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Why Redis tests are skipped on a machine without the server. */
  static final String MISSING = "redis-server is not installed, so the Redis token cache tests are skipped: run"
      + " `apt-get update && apt-get install -y redis-server` to run them";

  /** Skips the calling test, saying what to install, unless {@code redis-server} is installed. */
  static void assumeInstalled() {
    if (BINARY == null) {
      LoggerFactory.getLogger(RedisProcess.class).warn(MISSING);
    }
    Assumptions.assumeTrue(BINARY != null, MISSING);
  }

  /** Starts a server, or skips the calling test when {@code redis-server} is not installed. */
  static RedisProcess start(Path dir) throws Exception {
    assumeInstalled();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RedisProcess redis = new RedisProcess(Files.createDirectories(dir), port);
    redis.start();
    return redis;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again, on the same port, empty) and waits until it accepts connections. */
  void start() throws Exception {
    if (process != null && process.isAlive()) {
      return;
    }
    Path log = dir.resolve("redis-" + port + "-" + (++starts) + ".log");
    process = new ProcessBuilder(List.of(BINARY.toString(), "--bind", "127.0.0.1", "--port", String.valueOf(port),
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains("Ready to accept connections")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited at start: " + text);
      }
      Thread.sleep(20);
    }
    stop();
    throw new IllegalStateException("redis-server did not start within 15 s: " + Files.readString(log));
  }

  /** Stops the server (an outage); the port stays this server's for {@link #start()}. */
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      process = null;
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Path find() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(":")) {
      Path p = Path.of(d, "redis-server");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    Path sbin = Path.of("/usr/sbin/redis-server");
    return Files.isExecutable(sbin) ? sbin : null;
  }
}
