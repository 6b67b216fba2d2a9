package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guardops.engine.Engine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real host (engine + HTTP server on port 0) for integration tests, with the packaged plugin zips.
 *
 * <p>The store the tests run on is the embedded SQLite store by default, and MongoDB with
 * {@code -Dguardops.test.store=mongo} (failsafe's second execution): then every host gets
 * {@code guardops.store=mongo} on one in-process mongo-java-server per JVM (or the MongoDB of
 * {@code GUARDOPS_TEST_MONGO_URI}), in a database of its own per test directory, so a test that restarts
 * its host on the same directory finds its data again, as on SQLite. A test that asks for the
 * in-memory store (for speed) runs on MongoDB then too; a test that names {@code sqlite} or any other
 * store keeps it, and so do the {@code guardops.store.mongo.*} settings a test gives.
 */
final class TestHost implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  /** {@code sqlite} or {@code mongo}: the store this run of the tests is about. */
  static final String STORE = System.getProperty("guardops.test.store", "sqlite");
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

  static boolean onMongo() {
    return STORE.equals("mongo");
  }

  /** The settings that put a host for the test directory {@code dir} on this run's store. */
  static Map<String, String> storeSettings(Path dir) {
    if (!onMongo()) {
      return Map.of();
    }
    TestMongo mongo = TestMongo.shared();
    return mongo.settings(mongo.databaseFor(dir));
  }

  /** {@link #storeSettings} as command-line arguments ({@code --set key=value}...), for {@code Main.run}. */
  static List<String> storeArgs(Path dir) {
    List<String> args = new ArrayList<>();
    storeSettings(dir).forEach((k, v) -> {
      args.add("--set");
      args.add(k + "=" + v);
    });
    return args;
  }

  /**
   * Everything the store keeps for the test directory {@code dir}, as text, for checks that a secret
   * is stored nowhere: the bytes of every file in the data directory (SQLite), or every document of
   * the test's database (MongoDB).
   */
  static String storedText(Path dir) throws IOException {
    if (onMongo()) {
      TestMongo mongo = TestMongo.shared();
      return mongo.dump(mongo.databaseFor(dir));
    }
    return dataFiles(dir);
  }

  /** The bytes of every file in {@code dir/data} (where the SQLite store keeps its files), as text. */
  static String dataFiles(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.walk(dir.resolve("data"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        sb.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\n');
      }
    }
    return sb.toString();
  }

  private static Map<String, String> withTestStore(Path dir, Map<String, String> settings) {
    Map<String, String> out = new LinkedHashMap<>(settings);
    String named = settings.get("guardops.store");
    if (onMongo() && (named == null || named.equals("memory"))) {
      storeSettings(dir).forEach(out::putIfAbsent);
      out.put("guardops.store", "mongo");
    }
    return out;
  }

  /** A host whose engine builder {@code customize} adjusts (a clock, an authenticator, a store...). */
  TestHost(Path dir, Map<String, String> settings, java.util.function.Consumer<Engine.Builder> customize)
      throws IOException {
    this.dir = dir;
    Engine.Builder b = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .setting("guardops.plugins.dir", dir.resolve("plugins").toString()).startScheduler(false)
        // the OTLP/gRPC receiver plugin is installed: any free port, so that hosts in parallel do not collide
        .setting("guardops.receivers.grpc.port", "0");
    withTestStore(dir, settings).forEach(b::setting);
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

  /** Sends {@code body} as JSON. */
  Reply json(String method, String pathAndQuery, Object body) throws Exception {
    return send(method, pathAndQuery, "application/json", JSON.writeValueAsBytes(body));
  }

  @Override
  public void close() {
    server.close();
    engine.close();
  }
}
