package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP/JSON from a real JSON-speaking client: the OpenTelemetry JS SDK's
 * {@code @opentelemetry/exporter-trace-otlp-http}, run by node (installed with npm on first use).
 */
class OtlpJsonClientIT {
  static final Path JS = Path.of("src/test/js").toAbsolutePath();

  @TempDir
  Path dir;

  static String run(long timeoutSeconds, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s failed:%n%s", String.join(" ", command), text).isZero();
    return text;
  }

  @BeforeAll
  static void installTheJsSdk() throws Exception {
    if (!Files.isDirectory(JS.resolve("node_modules/@opentelemetry/exporter-trace-otlp-http"))) {
      run(300, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
    }
  }

  @Test
  void theJsSdkJsonExporterSendsATraceThatReadsBack() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of())) {
      String key = host.send("POST", "/api/create_key?user_id=0").json().asText();
      String project = host.send("GET", "/api/get_projects?user_id=0").json().at("/projects/0/project_id").asText();
      String out = run(60, "node", "send-traces.mjs", host.uri("/v1/traces").toString(), key);
      String[] lines = out.trim().split("\\R");
      String traceId = lines[lines.length - 1].trim();
      assertThat(traceId).matches("[0-9a-f]{32}");

      JsonNode detail = host.send("GET", "/api/get_trace?user_id=0&project_id=" + project + "&trace_id=" + traceId)
          .json();
      assertThat(detail.at("/summary/span_count").asInt()).isEqualTo(2);
      assertThat(detail.at("/summary/model").asText()).isEqualTo("claude-3-5-haiku-20241022");
      // the wrapper span repeats its child's usage: counted once
      assertThat(detail.at("/summary/input_tokens").asLong()).isEqualTo(120);
      assertThat(detail.at("/summary/output_tokens").asLong()).isEqualTo(30);
      assertThat(detail.at("/summary/cost").asDouble()).isPositive();
      JsonNode call = detail.get("spans").get(1);
      assertThat(call.get("name").asText()).isEqualTo("ai.generateText.doGenerate");
      assertThat(call.at("/attributes/output").asText()).isEqualTo("Blue.");
      assertThat(call.at("/attributes/prompt").asText()).contains("Name a colour.");
      assertThat(call.at("/attributes/prompt_tokens").asLong()).isEqualTo(120);
    }
  }

}
