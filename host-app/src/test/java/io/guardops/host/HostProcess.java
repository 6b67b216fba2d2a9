package io.guardops.host;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host instance in a JVM of its own ({@code guardops serve} through {@link Main}), for what two
 * instances in one JVM cannot show: two engines loaded through PF4J each get their own copy of
 * SQLite's native library, and SQLite's file locks (POSIX locks, per process) do not keep two copies
 * in one process apart. Separate processes are also how instances run in production.
 */
final class HostProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("serving on http://[^:]+:(\\d+)");

  private final Process process;
  final int port;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private HostProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts {@code guardops serve} on a free port over {@code dir}'s data and plugins, with {@code settings}. */
  static HostProcess start(Path dir, Map<String, String> settings) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--port", "0", "--data-dir", dir.resolve("data").toString(), "--plugins-dir",
        dir.resolve("plugins").toString(), "--set", "guardops.retention.enabled=false",
        // the OTLP/gRPC receiver plugin is installed: any free port, so that instances do not collide on 4317
        "--set", "guardops.receivers.grpc.port=0"));
    settings.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
      seen.add(line);
      Matcher m = SERVING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> {
          try {
            out.lines().forEach(l -> { });
          } catch (java.io.UncheckedIOException e) {
            // the process ended and its output was closed
          }
        }, "host-process-output");
        drain.setDaemon(true);
        drain.start();
        return new HostProcess(p, Integer.parseInt(m.group(1)));
      }
    }
    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    throw new AssertionError("the host process did not start:\n" + String.join("\n", seen));
  }

  /** {@code method pathAndQuery} with {@code Authorization: Bearer token}. */
  TestHost.Reply call(String method, String pathAndQuery, String token) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    return new TestHost.Reply(r.statusCode(), TestHost.JSON.readTree(r.body()), r.body());
  }

  /** Stops the process the way an operator would (SIGTERM: the shutdown hook closes the engine). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
