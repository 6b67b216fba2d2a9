package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guardops.engine.Engine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A real host (engine + HTTP server on port 0) for integration tests, with the packaged plugin zips. */
final class TestHost implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  final Engine engine;
  final GuardOpsServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final Path dir;

  /** Copies the plugin zips that Maven packaged into {@code dir/plugins} so PF4J loads the real artifacts. */
  static Path pluginsDir(Path dir) throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path source = Path.of(System.getProperty("guardops.test.plugins", "target/test-plugins"));
    try (DirectoryStream<Path> zips = Files.newDirectoryStream(source, "*.zip")) {
      for (Path z : zips) {
        Files.copy(z, plugins.resolve(z.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return plugins;
  }

  TestHost(Path dir, Map<String, String> settings) throws IOException {
    this(dir, settings, b -> { });
  }

  /** A host whose engine builder {@code customize} adjusts (a clock, an authenticator, a store...). */
  TestHost(Path dir, Map<String, String> settings, java.util.function.Consumer<Engine.Builder> customize)
      throws IOException {
    this.dir = dir;
    Engine.Builder b = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .setting("guardops.plugins.dir", dir.resolve("plugins").toString()).startScheduler(false)
        // the OTLP/gRPC receiver plugin is installed: any free port, so that hosts in parallel do not collide
        .setting("guardops.receivers.grpc.port", "0");
    settings.forEach(b::setting);
    customize.accept(b);
    this.engine = b.build();
    this.server = new GuardOpsServer(engine, "127.0.0.1", 0);
    server.start();
  }

  /** The port of the OTLP/gRPC receiver ({@code guardops.receivers.grpc.port=0} picked it). */
  int grpcPort() {
    return engine.receiverAddresses().stream().filter(a -> a.startsWith("grpc://"))
        .map(a -> Integer.parseInt(a.substring(a.lastIndexOf(':') + 1))).findFirst()
        .orElseThrow(() -> new AssertionError("no OTLP/gRPC receiver runs: " + engine.receiverAddresses()));
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  record Reply(int status, JsonNode json, String body) {}

  Reply send(String method, String pathAndQuery) throws Exception {
    return send(method, pathAndQuery, null, null);
  }

  Reply send(String method, String pathAndQuery, String contentType, byte[] body) throws Exception {
    return send(method, pathAndQuery, contentType, body, Map.of());
  }

  Reply send(String method, String pathAndQuery, String contentType, byte[] body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri(pathAndQuery))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      rb.header("Content-Type", contentType);
    }
    headers.forEach(rb::header);
    HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode node = null;
    try {
      node = JSON.readTree(r.body());
    } catch (IOException e) {
      // left null: the test asserts on it
    }
    return new Reply(r.statusCode(), node, r.body());
  }

  @Override
  public void close() {
    server.close();
    engine.close();
  }
}
