package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.engine.ApiKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guardops retention run} against the data of a host that was stopped, with old and new traces: a
 * SQLite data directory, or the test's MongoDB database on the second run.
 */
class RetentionCliIT {
  @TempDir
  Path dir;

  @Test
  void retentionRunDeletesOldTracesAndReportsIt() throws Exception {
    TestHost.pluginsDir(dir);
    String project;
    try (TestHost host = new TestHost(dir, Map.of())) {
      project = host.send("POST", "/api/create_project?user_id=0&project_name=short&project_retention=3")
          .json().get("project_id").asText();
      String keyHash = ApiKeys.sha256Hex(host.send("POST", "/api/create_key?user_id=0").json().asText());
      String path = "/api/store_trace/?user_id=0&project_id=" + project + "&key_hash=" + keyHash;
      Instant now = Instant.now();
      for (int i = 1; i <= 5; i++) {
        Instant start = i <= 3 ? now.minus(Duration.ofDays(10)) : now.minus(Duration.ofHours(1));
        String body = CrashRecoveryIT.librarySpan(String.format("%032x", i), String.format("%016x", i), start);
        assertThat(host.send("POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8)).status())
            .isEqualTo(200);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> command = new ArrayList<>(List.of("retention", "run", "--data-dir", dir.resolve("data").toString(),
        "--plugins-dir", dir.resolve("plugins").toString()));
    command.addAll(TestHost.storeArgs(dir));
    String[] args = command.toArray(String[]::new);
    assertThat(Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("project " + project + ": deleted 3 traces and 3 spans");

    ByteArrayOutputStream again = new ByteArrayOutputStream();
    assertThat(Main.run(args, new PrintStream(again, true, StandardCharsets.UTF_8), System.err)).isZero();
    assertThat(again.toString(StandardCharsets.UTF_8)).contains("Done: 0 traces and 0 spans deleted");

    try (TestHost host = new TestHost(dir, Map.of())) {
      assertThat(host.send("GET", "/api/get_project_traces?user_id=0&project_id=" + project).json().get("traces"))
          .hasSize(2);
      TestHost.Reply cleanups = host.send("GET", "/api/get_cleanup_records?user_id=0&project_id=" + project);
      assertThat(cleanups.json().get("cleanups")).hasSize(2);
      assertThat(cleanups.json().get("cleanups").get(1).get("deleted_traces").asLong()).isEqualTo(3);
      assertThat(cleanups.json().get("cleanups").get(0).get("deleted_traces").asLong()).isZero();
    }
  }
}
