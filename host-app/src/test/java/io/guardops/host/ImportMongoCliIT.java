package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import io.guardops.engine.ApiKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guardops import-mongo} through {@code Main.run}, as a person runs it: from an original-shaped
 * database ({@code Prod}, the default, on an in-process mongo-java-server) into the default SQLite store
 * in a data directory, twice; what the HTTP API returns is the same after both runs, and the original's
 * API keys still work with the Python library's {@code key_hash}. Then the usage errors, an unreachable
 * source and a missing importer plugin, each with exit code 2 and a message saying what to do.
 */
class ImportMongoCliIT {
  private static final String RAW_A = "coai-" + "A".repeat(40);
  private static final String RAW_B = "coai-" + "B".repeat(40);
  private static final String T1 = "5b8efff798038103d269b633813fc60c";
  private static final String T2 = "00000000000000000000000000000a02";
  private static final String T3 = "00000000000000000000000000000a03";
  private static final Instant DAY = Instant.parse("2025-12-31T10:00:00.123456Z");
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  // always in process: the fixture is written to "Prod", which a test must never do on a real server
  private static TestMongo source;

  /** Reads the import's target, the SQLite store, whichever store the other ITs run on. */
  private static final Map<String, String> SQLITE_UNPROTECTED = Map.of("guardops.store", "sqlite", "guardops.auth",
      "unprotected");

  @TempDir
  Path dir;

  @BeforeAll
  static void startSource() {
    source = TestMongo.inProcess();
    writeOriginal(source.db("Prod"));
  }

  @AfterAll
  static void stopSource() {
    source.close();
  }

  private static Document span(String trace, String span, String parent, String name, Instant start, long millis,
      String status, Document attributes) {
    return new Document("name", name)
        .append("context", new Document("trace_id", "0x" + trace).append("span_id", "0x" + span).append("trace_state", "[]"))
        .append("kind", parent == null ? "SpanKind.INTERNAL" : "SpanKind.CLIENT")
        .append("parent_id", parent == null ? null : "0x" + parent)
        .append("start_time", ISO.format(start)).append("end_time", ISO.format(start.plusMillis(millis)))
        .append("status", new Document("status_code", status)).append("attributes", attributes)
        .append("events", List.of()).append("links", List.of())
        .append("resource", new Document("attributes", new Document("service_name", "llm-tracing")));
  }

  /** The original backend's collections as it and the Python library wrote them. */
  static void writeOriginal(MongoDatabase db) {
    db.getCollection("Users").insertMany(List.of(
        new Document("_id", new ObjectId(Date.from(Instant.parse("2024-03-01T12:00:00Z")))).append("user_id", "github|1")
            .append("projects", List.of(
                new Document("project_id", "p-default").append("name", "Default Project")
                    .append("description", "This is the coai default project created after registration")
                    .append("tags", List.of("coai")).append("retention", 0),
                new Document("project_id", "p-shared").append("name", "Shared").append("tags", "prod, chat")
                    .append("retention", 30)))
            .append("keys", List.of(new Document("key", RAW_A).append("hint", "coai...AAAA"))),
        new Document("_id", new ObjectId(Date.from(Instant.parse("2024-04-01T12:00:00Z")))).append("user_id", "auth0|2")
            .append("projects", List.of(
                new Document("project_id", "p-b").append("name", "B's").append("retention", 7),
                new Document("project_id", "p-shared").append("name", "Shared").append("shared", true)))
            .append("keys", List.of(RAW_B))));
    db.getCollection("Traces").insertMany(List.of(
        new Document("trace_id", "0x" + T1).append("access_token", RAW_A).append("project_id", "p-default"),
        new Document("trace_id", "0x" + T2).append("access_token", RAW_A).append("project_id", "p-shared"),
        new Document("trace_id", "0x" + T3).append("access_token", RAW_B).append("project_id", "p-b"),
        new Document("trace_id", "0x" + "f".repeat(32)).append("access_token", RAW_A).append("project_id", null)
            .append("playground_id", "pg-1")));
    Document chat = new Document("llm_request_type", "chat").append("gen_ai_system", "OpenAI")
        .append("llm_request_model", "gpt-3.5-turbo").append("llm_response_model", "gpt-3.5-turbo-0125")
        .append("llm_usage_prompt_tokens", 12).append("llm_usage_completion_tokens", 30)
        .append("llm_usage_total_tokens", 42).append("prompt", "What is the capital of France?\n")
        .append("output", "Paris\n").append("model", "gpt-3.5-turbo-0125");
    db.getCollection("Spans").insertMany(List.of(
        span(T1, "00000000000000a1", null, "agent", DAY, 900, "UNSET", new Document("model", "")),
        span(T1, "00000000000000a2", "00000000000000a1", "openai.chat", DAY.plusMillis(10), 700, "OK", chat),
        span(T1, "00000000000000a3", "00000000000000a1", "tool", DAY.plusMillis(800), 50, "ERROR",
            new Document("tool_name", "search")),
        span(T2, "0000000000000b01", null, "shared root", DAY.plusSeconds(60), 1000, "UNSET", new Document()),
        span(T3, "0000000000000c01", null, "b's chat", DAY.plusSeconds(120), 400, "OK", chat),
        span("f".repeat(32), "0000000000000e01", null, "playground", DAY, 10, "UNSET", new Document())));
    db.getCollection("Cleanup").insertOne(new Document("_id", new ObjectId(Date.from(Instant.parse("2025-06-01T00:00:00Z"))))
        .append("Execution_time", Date.from(Instant.parse("2025-06-01T00:00:01Z"))).append("deleted_traces", 2)
        .append("deleted_spans", 5));
    db.getCollection("Datasets").insertOne(new Document("dataset_id", "d1"));
  }

  private record Run(int code, String out, String err) {}

  private static Run main(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Run importInto(Path data, String... more) {
    List<String> args = new ArrayList<>(List.of("import-mongo", "--from", source.uri(), "--data-dir", data.toString(),
        "--plugins-dir", dir.resolve("plugins").toString()));
    args.addAll(List.of(more));
    return main(args.toArray(String[]::new));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** What the HTTP API shows of every user, project and trace: each route's body by its path. */
  private Map<String, String> everythingThroughTheApi() throws Exception {
    Map<String, String> seen = new TreeMap<>();
    try (TestHost host = new TestHost(dir, SQLITE_UNPROTECTED)) {
      TestHost.Reply users = host.send("GET", "/api/get_userids");
      seen.put("users", users.body());
      for (JsonNode u : users.json()) {
        String user = "user_id=" + enc(u.asText());
        for (String route : List.of("/api/get_projects?", "/api/get_keys?")) {
          seen.put(route + user, host.send("GET", route + user).body());
        }
        for (JsonNode p : host.send("GET", "/api/get_projects?" + user).json().get("projects")) {
          String q = user + "&project_id=" + p.get("project_id").asText();
          for (String route : List.of("/api/get_project_traces?", "/api/get_data_for_traces_viz?",
              "/api/get_thresholds_for_viz?", "/api/search_traces?")) {
            seen.put(route + q, host.send("GET", route + q).body());
          }
          String metrics = "/api/get_metrics?" + q + "&bucket=hour&from=2025-12-31T00:00:00Z&to=2026-01-01T00:00:00Z";
          seen.put(metrics, host.send("GET", metrics).body());
          for (JsonNode t : host.send("GET", "/api/search_traces?" + q).json().get("traces")) {
            String trace = "/api/get_trace?" + q + "&trace_id=" + t.get("trace_id").asText();
            seen.put(trace, host.send("GET", trace).body());
          }
        }
      }
    }
    return seen;
  }

  @Test
  void importsIntoSqliteTwiceAndTheApiShowsTheSameAfterBothRuns() throws Exception {
    TestHost.pluginsDir(dir);
    Path data = dir.resolve("data");
    Run first = importInto(data);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("Importing into the sqlite store...")
        .contains("database 'Prod' (the default: --from names no database")
        // one line per kind, rewritten in place, ending on the final count
        .containsPattern("\r  users +1 of 2\r  users +2 of 2\n")
        .containsPattern("\r  spans +6 of 6\n")
        .containsPattern("\r  cleanup +1 of 1\n")
        .containsPattern("Imported:\\n(  .*\\n)*  spans +5\\n")
        .containsPattern("  users +2\\n")
        .containsPattern("  api keys +2\\n")
        .containsPattern("  project grants +1\\n")
        .contains("1  spans of playground traces")
        .contains("not imported (the store has no part for them yet): Datasets")
        .contains("guardops.auth=auth0")
        .contains("Done in ");
    assertThat(first.out() + first.err()).doesNotContain(RAW_A).doesNotContain(RAW_B);

    Map<String, String> afterFirst = everythingThroughTheApi();
    assertThat(TestHost.JSON.readTree(afterFirst.get("users"))).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("github|1", "auth0|2");
    JsonNode detail = TestHost.JSON.readTree(afterFirst.get("/api/get_trace?user_id=github%7C1&project_id=p-default"
        + "&trace_id=0x" + T1));
    assertThat(detail.at("/summary/span_count").asInt()).isEqualTo(3);
    assertThat(detail.at("/summary/error_count").asInt()).isEqualTo(1);
    assertThat(detail.at("/summary/total_tokens").asLong()).isEqualTo(42);
    assertThat(detail.at("/summary/model").asText()).isEqualTo("gpt-3.5-turbo-0125");
    assertThat(afterFirst.get("/api/get_projects?user_id=auth0%7C2")).contains("p-b").contains("p-shared");
    JsonNode metrics = TestHost.JSON.readTree(afterFirst.get("/api/get_metrics?user_id=github%7C1&project_id=p-default"
        + "&bucket=hour&from=2025-12-31T00:00:00Z&to=2026-01-01T00:00:00Z")).get("metrics");
    assertThat(metrics).hasSize(1);
    assertThat(metrics.get(0).get("requests").asLong()).isEqualTo(1);

    Run second = importInto(data);
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.out()).containsPattern("  users +0\\n").containsPattern("  projects +0\\n")
        .contains("2  users already in the store").contains("2  API keys already in the store");
    assertThat(everythingThroughTheApi()).as("the second run changed nothing the API shows").isEqualTo(afterFirst);

    // the original keys still work for the Python library (key_hash = sha256(raw)); the raw keys and
    // their first hashes are stored nowhere
    try (TestHost host = new TestHost(dir, SQLITE_UNPROTECTED)) {
      String library = "/api/store_trace/?user_id=" + enc("github|1") + "&project_id=p-default&key_hash="
          + ApiKeys.sha256Hex(RAW_A);
      String body = "{\"span\": {\"name\": \"after the import\", \"context\": {\"trace_id\": \"0x" + "1".repeat(32)
          + "\", \"span_id\": \"0x" + "2".repeat(16) + "\"}, \"kind\": \"SpanKind.CLIENT\", \"parent_id\": null,"
          + " \"start_time\": \"2026-01-01T00:00:00Z\", \"end_time\": \"2026-01-01T00:00:01Z\","
          + " \"status\": {\"status_code\": \"OK\"}, \"attributes\": {}}}";
      assertThat(host.send("POST", library, "application/json", body.getBytes(StandardCharsets.UTF_8)).status())
          .isEqualTo(200);
    }
    assertThat(TestHost.dataFiles(dir)).contains("github|1").doesNotContain(RAW_A).doesNotContain(RAW_B)
        .doesNotContain(ApiKeys.sha256Hex(RAW_A)).doesNotContain(ApiKeys.sha256Hex(RAW_B));
  }

  @Test
  void badOptionsAnUnreachableSourceAndAMissingPluginExitWith2AndSayWhatToDo() throws Exception {
    TestHost.pluginsDir(dir);
    Path data = dir.resolve("data");
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String plugins = dir.resolve("plugins").toString();
    String[][] cases = {
        {"--from is required", "import-mongo", "--data-dir", data.toString(), "--plugins-dir", plugins},
        {"--keys must be hash", "import-mongo", "--from", source.uri(), "--keys", "maybe", "--data-dir",
            data.toString(), "--plugins-dir", plugins},
        {"unknown option --frm", "import-mongo", "--frm", source.uri(), "--data-dir", data.toString(), "--plugins-dir",
            plugins},
        {"--database needs a value", "import-mongo", "--from", source.uri(), "--database"},
        {"unknown option --from", "serve", "--from", source.uri()},
        {"has no Users or Spans collection", "import-mongo", "--from", source.uri() + "/nothing", "--data-dir",
            data.toString(), "--plugins-dir", plugins},
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
      Run r = main(args);
      assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).contains(c[0]);
    }

    long t = System.nanoTime();
    Run unreachable = main("import-mongo", "--from", "mongodb://guardops:pw-123@127.0.0.1:" + closed, "--data-dir",
        data.toString(), "--plugins-dir", plugins, "--set", "guardops.importer.mongo.server-selection-timeout=500ms");
    assertThat(unreachable.code()).isEqualTo(2);
    assertThat(unreachable.err()).contains("cannot reach the original MongoDB at mongodb://127.0.0.1:" + closed)
        .contains("Check --from").doesNotContain("pw-123");
    assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(20));

    Path withoutImporter = Files.createDirectories(dir.resolve("no-importer"));
    try (var zips = Files.newDirectoryStream(dir.resolve("plugins"), "*.zip")) {
      for (Path z : zips) {
        if (!z.getFileName().toString().startsWith("importer-mongo")) {
          Files.copy(z, withoutImporter.resolve(z.getFileName()));
        }
      }
    }
    Run missing = main("import-mongo", "--from", source.uri(), "--data-dir", data.toString(), "--plugins-dir",
        withoutImporter.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("importer-mongo");
  }
}
