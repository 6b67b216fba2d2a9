package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.engine.Engine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real host on port 0 with the packaged plugin zips loaded through PF4J, called over HTTP. */
class HostIT {
  @TempDir
  Path dir;

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void zeroConfigDefaultsServeTheDefaultProjectFromThePackagedPlugins() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of())) {
      TestHost.Reply health = host.send("GET", "/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().get("status").asText()).isEqualTo("UP");
      List<String> plugins = new ArrayList<>();
      health.json().get("plugins").forEach(p -> plugins.add(p.get("id").asText() + ":" + p.get("state").asText()));
      assertThat(plugins).contains("store-" + TestHost.STORE + ":STARTED", "auth-single-user:STARTED",
          "tokencache-caffeine:STARTED");
      // the store's own words: the SQLite file, or the MongoDB server's version and address
      assertThat(health.json().at("/components/store/detail").asText())
          .containsIgnoringCase(TestHost.onMongo() ? "MongoDB" : "sqlite");

      TestHost.Reply projects = host.send("GET", "/api/get_projects?user_id=0");
      assertThat(projects.status()).isEqualTo(200);
      JsonNode p = projects.json().get("projects").get(0);
      assertThat(p.get("name").asText()).isEqualTo("Default Project");
      assertThat(p.get("description").asText()).isEqualTo("This is the coai default project created after registration");
      assertThat(p.get("tags").get(0).asText()).isEqualTo("coai");
      assertThat(p.get("retention").asInt()).isZero();
      assertThat(p.at("/stats/trace_count").asLong()).isZero();
      assertThat(host.send("GET", "/tracing/api/get_userids").json().get(0).asText()).isEqualTo("0");
    }
    // data survives a restart: in the data directory (SQLite), in the test's database on the server (MongoDB)
    try (TestHost host = new TestHost(dir, Map.of())) {
      assertThat(host.send("GET", "/api/get_projects?user_id=0").json().get("projects")).hasSize(1);
    }
  }

  @Test
  void projectAndKeyLifecycle() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.keys.base-key", "gops-"))) {
      TestHost.Reply created = host.send("POST", "/api/create_project?user_id=0&project_name=" + enc("Chat bot")
          + "&project_description=" + enc("prod traffic") + "&project_tags=" + enc("a, b,,c") + "&project_retention=30");
      assertThat(created.status()).isEqualTo(200);
      String id = created.json().get("project_id").asText();
      assertThat(created.json().get("tags")).hasSize(3);
      assertThat(created.json().get("retention").asInt()).isEqualTo(30);

      TestHost.Reply updated = host.send("PATCH", "/api/update_project?user_id=0&project_id=" + id
          + "&project_name=Renamed&project_retention=7");
      assertThat(updated.status()).isEqualTo(200);
      assertThat(updated.json().get("name").asText()).isEqualTo("Renamed");
      assertThat(updated.json().get("description").asText()).isEqualTo("prod traffic");
      assertThat(updated.json().get("retention").asInt()).isEqualTo(7);

      TestHost.Reply key = host.send("POST", "/api/create_key?user_id=0");
      assertThat(key.status()).isEqualTo(200);
      String raw = key.json().asText();
      assertThat(raw).startsWith("gops-").hasSizeGreaterThan(40);
      TestHost.Reply keys = host.send("GET", "/api/get_keys?user_id=0");
      JsonNode k = keys.json().get("keys").get(0);
      assertThat(k.get("hash").asText()).hasSize(64);
      assertThat(k.get("hint").asText()).startsWith("gops-").doesNotContain(raw.substring(5, 30));
      assertThat(keys.body()).doesNotContain(raw);
      // the raw key is nowhere in the store either (SQLite: its files; MongoDB: every document)
      assertThat(TestHost.storedText(dir)).as("what the %s store keeps", TestHost.STORE).contains(k.get("hash").asText())
          .doesNotContain(raw);
      assertThat(host.send("DELETE", "/api/delete_key?user_id=0&key_hash=" + k.get("hash").asText()).status())
          .isEqualTo(200);
      assertThat(host.send("GET", "/api/get_keys?user_id=0").json().get("keys")).isEmpty();
      assertThat(host.engine.apiKeys().verifyRawKey(raw)).isEmpty();

      assertThat(host.send("DELETE", "/api/delete_project?user_id=0&project_id=" + id + "&cascade=true").status())
          .isEqualTo(200);
      assertThat(host.send("GET", "/api/get_projects?user_id=0").json().get("projects")).hasSize(1);
    }
  }

  @Test
  void badInputGetsClearErrorsAndChangesNothing() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.http.max-body-bytes", "2048"))) {
      String before = host.send("GET", "/api/get_projects?user_id=0").body();
      String[][] cases = {
          {"GET", "/api/get_projects?user_id=someone-else", "403"},
          {"POST", "/api/create_project?user_id=0", "400"},
          {"POST", "/api/create_project?user_id=0&project_name=%20%20", "400"},
          {"POST", "/api/create_project?user_id=0&project_name=x&project_retention=abc", "400"},
          {"POST", "/api/create_project?user_id=0&project_name=x&project_retention=-1", "400"},
          {"POST", "/api/create_project?user_id=0&project_name=x&project_retention=99999999", "400"},
          {"PATCH", "/api/update_project?user_id=0", "400"},
          {"PATCH", "/api/update_project?user_id=0&project_id=nope&project_name=x", "404"},
          {"PATCH", "/api/update_project?user_id=0&project_id=nope&project_retention=x", "400"},
          {"DELETE", "/api/delete_project?user_id=0&project_id=nope", "404"},
          {"DELETE", "/api/delete_project?user_id=0&project_id=nope&cascade=maybe", "400"},
          {"DELETE", "/api/delete_key?user_id=0", "400"},
          {"DELETE", "/api/delete_key?user_id=0&key_hash=xyz", "400"},
          {"DELETE", "/api/delete_key?user_id=0&key_hash=" + "a".repeat(64), "404"},
          {"GET", "/api/get_cleanup_records?user_id=0&project_id=nope", "404"},
          {"GET", "/api/no_such_thing", "404"},
          {"DELETE", "/api/get_projects?user_id=0", "405"},
      };
      for (String[] c : cases) {
        TestHost.Reply r = host.send(c[0], c[1]);
        assertThat(r.status()).as(c[0] + " " + c[1]).isEqualTo(Integer.parseInt(c[2]));
        assertThat(r.json()).as("JSON error body of " + c[1]).isNotNull();
        assertThat(r.json().get("detail").asText()).as(c[1]).isNotBlank();
      }
      TestHost.Reply big = host.send("POST", "/api/create_user?user_id=0", "application/json", new byte[4096]);
      assertThat(big.status()).isEqualTo(413);
      assertThat(big.json().get("detail").asText()).contains("limit");
      // a refused body is read to its end, not left in the socket (closing over unread bytes resets the
      // connection, which can destroy the reply): the 413 arrives whole, and the connection serves the next request
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", host.server.port())) {
        socket.setSoTimeout(20_000);
        java.io.OutputStream out = socket.getOutputStream();
        byte[] huge = new byte[3_000_000];
        out.write(("POST /api/create_user?user_id=0 HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + huge.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(huge);
        out.write("GET /health/live HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // read until the second reply's body has arrived: it ends without a newline, and the connection stays
        // open (keep-alive), so a line reader would wait for the server's idle timeout to close it
        java.io.InputStream in = socket.getInputStream();
        StringBuilder received = new StringBuilder();
        byte[] chunk = new byte[8192];
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
          received.append(new String(chunk, 0, n, StandardCharsets.US_ASCII));
          if (received.indexOf("\"status\":\"UP\"}") >= 0) {
            break;
          }
        }
        String replies = received.toString().replace("\r\n", "\n");
        assertThat(replies)
            .containsPattern("(?s)^HTTP/1.1 413 .*over the limit.*HTTP/1.1 200 OK.*\\{\"status\":\"UP\"}$");
      }
      TestHost.Reply badJson = host.send("POST", "/api/create_user", "application/json", "{not json".getBytes());
      assertThat(badJson.status()).isEqualTo(400);
      assertThat(host.send("GET", "/api/get_projects?user_id=0").body()).isEqualTo(before);
      assertThat(host.send("GET", "/health").status()).isEqualTo(200);
    }
  }

  @Test
  void usersOnlySeeTheirOwnProjectsAndKeys() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.auth", "unprotected"))) {
      assertThat(host.send("POST", "/api/create_user?user_id=" + enc("github|alice")).status()).isEqualTo(200);
      assertThat(host.send("POST", "/api/create_user", "application/json",
          "{\"user_id\":\"github|bob\"}".getBytes()).status()).isEqualTo(200);
      assertThat(host.send("GET", "/api/get_userids").json()).hasSize(2);
      String alice = "user_id=" + enc("github|alice");
      String bob = "user_id=" + enc("github|bob");
      String id = host.send("POST", "/api/create_project?" + alice + "&project_name=secret").json()
          .get("project_id").asText();
      host.send("POST", "/api/create_key?" + alice);
      String aliceKey = host.send("GET", "/api/get_keys?" + alice).json().get("keys").get(0).get("hash").asText();

      assertThat(host.send("GET", "/api/get_projects?" + bob).body()).doesNotContain(id).doesNotContain("secret");
      assertThat(host.send("PATCH", "/api/update_project?" + bob + "&project_id=" + id + "&project_name=x").status())
          .isEqualTo(404);
      assertThat(host.send("DELETE", "/api/delete_project?" + bob + "&project_id=" + id).status()).isEqualTo(404);
      assertThat(host.send("GET", "/api/get_keys?" + bob).json().get("keys")).isEmpty();
      assertThat(host.send("DELETE", "/api/delete_key?" + bob + "&key_hash=" + aliceKey).status()).isEqualTo(404);
      assertThat(host.send("GET", "/api/get_projects?user_id=nobody").status()).isEqualTo(404);
      assertThat(host.send("GET", "/api/get_projects").status()).isEqualTo(400);
      // alice still has everything
      assertThat(host.send("GET", "/api/get_projects?" + alice).json().get("projects")).hasSize(2);
      assertThat(host.send("GET", "/api/get_keys?" + alice).json().get("keys")).hasSize(1);
    }
  }

  @Test
  void aCorruptPluginZipIsReportedAndTheHostStillStarts() throws Exception {
    Path plugins = TestHost.pluginsDir(dir);
    Files.write(plugins.resolve("broken-plugin.zip"), "this is not a zip".getBytes());
    try (TestHost host = new TestHost(dir, Map.of())) {
      TestHost.Reply health = host.send("GET", "/health");
      assertThat(health.status()).isEqualTo(200);
      JsonNode broken = null;
      for (JsonNode p : health.json().get("plugins")) {
        if (p.get("source").asText().equals("broken-plugin.zip")) {
          broken = p;
        }
      }
      assertThat(broken).isNotNull();
      assertThat(broken.get("state").asText()).isEqualTo("FAILED");
      assertThat(broken.get("error").asText()).contains("corrupt zip");
      assertThat(health.json().at("/components/plugins/healthy").asBoolean()).isFalse();
      assertThat(host.send("GET", "/api/get_projects?user_id=0").status()).isEqualTo(200);
    }
  }

  @Test
  void aComponentNoPluginProvidesStopsStartUpNamingThePlugin() throws Exception {
    TestHost.pluginsDir(dir);
    assertThatThrownBy(() -> new TestHost(dir, Map.of("guardops.store", "cassandra")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store-cassandra")
        .hasMessageContaining("mongo, sqlite");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--data-dir", dir.resolve("d").toString(), "--plugins-dir",
        dir.resolve("plugins").toString(), "--set", "guardops.store=cassandra"},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("store-cassandra");
  }

  @Test
  void cliHelpAndUsageErrors() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(Main.run(new String[] {"--help"}, new PrintStream(out), System.err)).isZero();
    assertThat(out.toString()).contains("--port", "--data-dir", "--plugins-dir", "retention run", "import-mongo --from URI");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(Main.run(new String[] {"--bogus"}, new PrintStream(out), new PrintStream(err))).isEqualTo(2);
    assertThat(err.toString()).contains("unknown option --bogus");
    assertThat(Engine.version()).isNotBlank();
  }
}
