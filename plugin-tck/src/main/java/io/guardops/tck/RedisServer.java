package io.guardops.tck;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} for one test: its own free port, a temp directory, no persistence
 * ({@code --save "" --appendonly no}); stopped and started again on the same port for outages. Tests
 * that need one skip, with the command that installs it, when the binary is missing. Shared by the
 * Redis token cache's own tests and the host's.
 */
public final class RedisServer implements AutoCloseable {
  private static final Path BINARY = findBinary();

  private final Path dir;
  private final List<String> extraArgs;
  private final boolean tls;
  private final int port;
  private Process process;
  private int starts;

  private RedisServer(Path dir, boolean tls, List<String> extraArgs) throws IOException {
    this.dir = dir;
    this.tls = tls;
    this.extraArgs = extraArgs;
    this.port = freePort();
  }

  /** Skips the calling test unless {@code redis-server} is installed. */
  public static void assumeInstalled() {
    Assumptions.assumeTrue(BINARY != null,
        "redis-server is not installed: run `apt-get update && apt-get install -y redis-server` to run the Redis tests");
  }

  /** Starts a plain server with {@code extraArgs} (such as {@code --requirepass x}). */
  public static RedisServer start(Path dir, String... extraArgs) throws Exception {
    assumeInstalled();
    RedisServer server = new RedisServer(Files.createDirectories(dir), false, List.of(extraArgs));
    server.start();
    return server;
  }

  /** Starts a TLS-only server with the given certificate and key (PEM). */
  public static RedisServer startTls(Path dir, Path cert, Path key) throws Exception {
    assumeInstalled();
    RedisServer server = new RedisServer(Files.createDirectories(dir), true, List.of("--tls-cert-file", cert.toString(), "--tls-key-file",
        key.toString(), "--tls-auth-clients", "no"));
    try {
      server.start();
    } catch (IllegalStateException e) {
      // a build without TLS refuses the tls-* directives at start
      Assumptions.assumeFalse(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("tls"),
          "this redis-server cannot serve TLS (built without it): " + e.getMessage());
      throw e;
    }
    return server;
  }

  public int port() {
    return port;
  }

  public String url() {
    return (tls ? "rediss" : "redis") + "://localhost:" + port;
  }

  /** Starts (or starts again, on the same port) and waits until it accepts connections. */
  public void start() throws Exception {
    if (process != null && process.isAlive()) {
      return;
    }
    Path log = dir.resolve("redis-" + port + "-" + (++starts) + ".log");
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
    if (tls) {
      command.addAll(List.of("--port", "0", "--tls-port", String.valueOf(port)));
    } else {
      command.addAll(List.of("--port", String.valueOf(port)));
    }
    command.addAll(extraArgs);
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
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

  /** Stops the server (the port stays this server's for a later {@link #start()}). */
  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      process = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Path findBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(":")) {
      Path p = Path.of(dir, "redis-server");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    Path sbin = Path.of("/usr/sbin/redis-server");
    return Files.isExecutable(sbin) ? sbin : null;
  }
}
