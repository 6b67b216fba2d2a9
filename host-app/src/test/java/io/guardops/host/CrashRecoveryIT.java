package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guardops.engine.ApiKeys;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server process with SIGKILL while clients ingest, restarts it on the same data
 * directory, and checks that every span whose request was acknowledged is there and the database
 * opens cleanly.
 */
class CrashRecoveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SERVING = Pattern.compile("serving on http://[^:]+:(\\d+)");

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  record Server(Process process, int port) {}

  private Server start() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.guardops.host.Main", "--port", "0", "--data-dir", dir.resolve("data").toString(),
        "--plugins-dir", dir.resolve("plugins").toString(), "--set", "guardops.retention.enabled=false",
        "--set", "guardops.receivers.grpc.port=0")
        .directory(dir.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
      Matcher m = SERVING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "drain");
        drain.setDaemon(true);
        drain.start();
        return new Server(p, Integer.parseInt(m.group(1)));
      }
    }
    p.destroyForcibly();
    throw new AssertionError("server did not start");
  }

  private HttpResponse<String> call(Server s, String method, String pathAndQuery, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  static String librarySpan(String traceId, String spanId, Instant start) {
    return "{\"span\":{\"name\":\"openai.chat\",\"context\":{\"trace_id\":\"0x" + traceId + "\",\"span_id\":\"0x" + spanId
        + "\",\"trace_state\":\"[]\"},\"kind\":\"SpanKind.CLIENT\",\"parent_id\":null,\"start_time\":\"" + start
        + "\",\"end_time\":\"" + start.plusMillis(120) + "\",\"status\":{\"status_code\":\"OK\"},"
        + "\"attributes\":{\"gen_ai_request_model\":\"gpt-4o-mini\",\"gen_ai_prompt_0_content\":\"hello\","
        + "\"gen_ai_completion_0_content\":\"hi\",\"gen_ai_usage_prompt_tokens\":5,\"gen_ai_usage_completion_tokens\":2},"
        + "\"events\":[],\"links\":[],\"resource\":{\"attributes\":{\"service_name\":\"llm-tracing\"},\"schema_url\":\"\"}}}";
  }

  @Test
  void acknowledgedSpansSurviveKillDashNine() throws Exception {
    TestHost.pluginsDir(dir);
    Server first = start();
    String key = JSON.readTree(call(first, "POST", "/api/create_key?user_id=0", null).body()).asText();
    String keyHash = ApiKeys.sha256Hex(key);
    String project = JSON.readTree(call(first, "GET", "/api/get_projects?user_id=0", null).body())
        .get("projects").get(0).get("project_id").asText();
    String path = "/api/store_trace/?user_id=0&project_id=" + project + "&key_hash=" + keyHash;

    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int client = c;
      Thread t = new Thread(() -> {
        for (int i = 0; !stop.get() && i < 100_000; i++) {
          String traceId = String.format("%08x%024x", client + 1, i + 1);
          String spanId = String.format("%08x%08x", client + 1, i + 1);
          try {
            HttpResponse<String> r = call(first, "POST", path, librarySpan(traceId, spanId, Instant.now()));
            if (r.statusCode() == 200) {
              acknowledged.add(traceId);
            }
          } catch (Exception e) {
            return; // the server died under us: this request was never acknowledged
          }
        }
      });
      t.start();
      clients.add(t);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acknowledged.size() < 300 && System.nanoTime() < deadline) {
      Thread.sleep(20); // waiting for real traffic, not for time to pass in the system under test
    }
    // SIGKILL: no shutdown hook, no close, no checkpoint
    first.process().destroyForcibly();
    first.process().waitFor(30, TimeUnit.SECONDS);
    stop.set(true);
    for (Thread t : clients) {
      t.join(15_000);
    }
    Set<String> acked = new HashSet<>(acknowledged);
    assertThat(acked).hasSizeGreaterThanOrEqualTo(300);

    Server second = start();
    try {
      JsonNode health = JSON.readTree(call(second, "GET", "/health", null).body());
      assertThat(health.get("status").asText()).isEqualTo("UP");
      Set<String> stored = new HashSet<>();
      for (int page = 1; ; page++) {
        JsonNode traces = JSON.readTree(call(second, "GET",
            "/api/get_project_traces?user_id=0&project_id=" + project + "&page=" + page + "&limit=100", null).body())
            .get("traces");
        for (JsonNode trace : traces) {
          stored.add(trace.get(0).at("/context/trace_id").asText().substring(2));
        }
        if (traces.size() < 100) {
          break;
        }
      }
      assertThat(stored).containsAll(acked);
    } finally {
      second.process().destroy();
      second.process().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
