package io.guardops.examples.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service on free ports: its own spans, made by its own SDK, read back over the GuardOps HTTP API. */
class SupportBotTest {
  @TempDir
  Path dir;

  final HttpClient http = HttpClient.newHttpClient();

  String get(int port, String pathAndQuery) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), pathAndQuery + " -> " + r.body());
    return r.body();
  }

  @Test
  void aQuestionToTheServiceIsATraceInItsGuardOpsApi() throws Exception {
    try (SupportBot bot = SupportBot.start(dir.resolve("data"), 0, 0)) {
      String answer = get(bot.appPort(), "/ask?q=" + URLEncoder.encode("where is my parcel?", StandardCharsets.UTF_8));
      assertTrue(answer.contains("where is my parcel?"), answer);
      bot.flush();

      String traces = get(bot.guardOpsPort(), "/api/get_project_traces?user_id=0&project_id=" + bot.projectId());
      // one trace: the request span and the model call under it, normalised and priced by the engine
      assertTrue(traces.contains("\"name\":\"GET /ask\""), traces);
      assertTrue(traces.contains("\"name\":\"chat gpt-4o-mini\""), traces);
      assertTrue(traces.contains("\"prompt\":\"where is my parcel?\""), traces);
      assertTrue(traces.contains("\"service.name\":\"support-bot\""), traces);
      String search = get(bot.guardOpsPort(), "/api/search_traces?user_id=0&project_id=" + bot.projectId());
      assertTrue(search.contains("\"model\":\"gpt-4o-mini\""), search);
      assertTrue(search.contains("\"span_count\":2"), search);

      assertTrue(get(bot.guardOpsPort(), "/health/ready").contains("READY"));
      String metrics = get(bot.guardOpsPort(), "/metrics");
      assertTrue(metrics.contains("guardops_ingest_spans_accepted_total{transport=\"in-process\"} 2"), metrics);
    }
  }
}
