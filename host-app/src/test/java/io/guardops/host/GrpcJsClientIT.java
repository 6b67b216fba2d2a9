package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP/gRPC from another language's SDK: the OpenTelemetry JS SDK's
 * {@code @opentelemetry/exporter-trace-otlp-grpc} (on {@code @grpc/grpc-js}), run by node. The client is
 * installed with {@code npm ci} into {@code target/js-grpc} on first use; skipped when node or npm is
 * missing.
 */
class GrpcJsClientIT {
  static final Path SOURCE = Path.of("src/test/js-grpc").toAbsolutePath();
  static final Path JS = Path.of("target/js-grpc").toAbsolutePath();

  @TempDir
  Path dir;

  record Run(int exit, String output) {}

  static Run run(long timeoutSeconds, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static boolean onPath(String tool) {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @BeforeAll
  static void installTheJsSdk() throws Exception {
    assumeTrue(onPath("node") && onPath("npm"), "node and npm are needed for the JS SDK's gRPC exporter:"
        + " apt-get install -y nodejs npm");
    Files.createDirectories(JS);
    for (String f : List.of("package.json", "package-lock.json", "send-traces-grpc.mjs")) {
      Files.copy(SOURCE.resolve(f), JS.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(JS.resolve("node_modules/@opentelemetry/exporter-trace-otlp-grpc"))) {
      Run install = run(300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
      assertThat(install.exit()).as("npm ci:%n%s", install.output()).isZero();
    }
  }

  @Test
  void theJsSdksGrpcExporterSendsATraceThatReadsBackPlainAndGzip() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of())) {
      String key = host.send("POST", "/api/create_key?user_id=0").json().asText();
      String project = host.send("GET", "/api/get_projects?user_id=0").json().at("/projects/0/project_id").asText();
      for (String compression : List.of("none", "gzip")) {
        Run sent = run(60, "node", "send-traces-grpc.mjs", "127.0.0.1:" + host.grpcPort(), key, compression);
        assertThat(sent.exit()).as("node send-traces-grpc.mjs (%s):%n%s", compression, sent.output()).isZero();
        String[] lines = sent.output().trim().split("\\R");
        String traceId = lines[lines.length - 1].trim();
        assertThat(traceId).matches("[0-9a-f]{32}");

        JsonNode detail = host.send("GET", "/api/get_trace?user_id=0&project_id=" + project + "&trace_id=" + traceId)
            .json();
        assertThat(detail.at("/summary/span_count").asInt()).isEqualTo(2);
        assertThat(detail.at("/summary/name").asText()).isEqualTo("invoke_agent support");
        assertThat(detail.at("/summary/model").asText()).isEqualTo("claude-3-5-haiku-20241022");
        assertThat(detail.at("/summary/input_tokens").asLong()).isEqualTo(120);
        assertThat(detail.at("/summary/output_tokens").asLong()).isEqualTo(30);
        JsonNode call = detail.get("spans").get(1);
        assertThat(call.at("/attributes/prompt").asText()).contains("Name a colour.");
        assertThat(call.at("/attributes/output").asText()).isEqualTo("Blue.");
      }
    }
  }

  @Test
  void aWrongKeyFailsTheJsExportWithUnauthenticated() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of())) {
      Run sent = run(60, "node", "send-traces-grpc.mjs", "127.0.0.1:" + host.grpcPort(), "go-wrong", "none");
      assertThat(sent.exit()).isEqualTo(1);
      assertThat(sent.output()).contains("unknown or revoked API key");
    }
  }
}
