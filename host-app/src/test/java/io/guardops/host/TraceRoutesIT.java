package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which project OTLP spans land in, and bad input on every trace-reading route. */
class TraceRoutesIT {
  @TempDir
  Path dir;

  /** Sends one span with the Java SDK's exporter; returns its trace id. */
  private static String send(TestHost host, String key, String projectHeader, String projectAttribute) {
    var exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + host.server.port() + "/v1/traces")
        .addHeader("x-guardops-api-key", key);
    if (projectHeader != null) {
      exporter.addHeader("x-guardops-project", projectHeader);
    }
    Attributes resource = projectAttribute == null
        ? Attributes.of(AttributeKey.stringKey("service.name"), "router")
        : Attributes.of(AttributeKey.stringKey("service.name"), "router",
            AttributeKey.stringKey("guardops.project.id"), projectAttribute);
    SdkTracerProvider provider = SdkTracerProvider.builder().setResource(Resource.create(resource))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter.build())).build();
    Span span = provider.get("it").spanBuilder("chat").setAttribute("gen_ai.request.model", "gpt-4o").startSpan();
    String traceId = span.getSpanContext().getTraceId();
    span.end();
    CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
    provider.shutdown().join(10, TimeUnit.SECONDS);
    return flushed.isSuccess() ? traceId : null;
  }

  private static int traceCount(TestHost host, String user, String project) throws Exception {
    return host.send("GET", "/api/get_project_traces?user_id=" + user + "&project_id=" + project + "&limit=100")
        .json().get("traces").size();
  }

  /** Users alice and bob (unprotected mode), a key of alice's, and each one's Default Project. */
  private record AliceAndBob(String aliceKey, String alices, String bobs) {
    static AliceAndBob create(TestHost host) throws Exception {
      host.send("POST", "/api/create_user?user_id=alice");
      host.send("POST", "/api/create_user?user_id=bob");
      String key = host.send("POST", "/api/create_key?user_id=alice").json().asText();
      return new AliceAndBob(key, defaultProject(host, "alice"), defaultProject(host, "bob"));
    }

    private static String defaultProject(TestHost host, String user) throws Exception {
      return host.send("GET", "/api/get_projects?user_id=" + user).json().at("/projects/0/project_id").asText();
    }
  }

  @Test
  void otlpSpansGoToTheHeaderProjectElseTheResourceAttributeElseTheDefaultProject() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.auth", "unprotected"))) {
      AliceAndBob users = AliceAndBob.create(host);
      String key = users.aliceKey();
      String def = users.alices();
      String bobs = users.bobs();
      String other = host.send("POST", "/api/create_project?user_id=alice&project_name=other").json()
          .get("project_id").asText();

      assertThat(send(host, key, null, null)).isNotNull();
      assertThat(send(host, key, null, other)).isNotNull();
      assertThat(send(host, key, def, other)).as("the header beats the resource attribute").isNotNull();
      assertThat(traceCount(host, "alice", def)).isEqualTo(2);
      assertThat(traceCount(host, "alice", other)).isEqualTo(1);

      // a project the key's owner may not write to: refused, nothing stored there
      assertThat(send(host, key, bobs, null)).isNull();
      assertThat(send(host, key, null, bobs)).isNull();
      assertThat(traceCount(host, "bob", bobs)).isZero();

      // one good and one bad resource in a request: the good spans are stored, the others counted as rejected
      String good = "{\"resource\":{\"attributes\":[{\"key\":\"guardops.project.id\",\"value\":{\"stringValue\":\""
          + other + "\"}}]},\"scopeSpans\":[{\"spans\":[" + OtlpIngestIT.jsonSpan("7b8efff798038103d269b633813fc60c",
          "eee19b7ec3c1b174", "1700000000000000000", "1700000000100000000") + "]}]}";
      String bad = good.replace(other, bobs).replace("7b8e", "8b8e");
      var r = host.http.send(java.net.http.HttpRequest.newBuilder(host.uri("/v1/traces"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"resourceSpans\":[" + good + "," + bad + "]}"))
          .header("Content-Type", "application/json").header("Authorization", "Bearer " + key).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode partial = TestHost.JSON.readTree(r.body()).get("partialSuccess");
      assertThat(partial.get("rejectedSpans").asText()).isEqualTo("1");
      assertThat(partial.get("errorMessage").asText()).contains("project");
      assertThat(traceCount(host, "alice", other)).isEqualTo(2);
      assertThat(traceCount(host, "bob", bobs)).isZero();
    }
  }

  @Test
  void everyTraceRouteRefusesBadInputWithADetailAndChangesNothing() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.auth", "unprotected"))) {
      AliceAndBob users = AliceAndBob.create(host);
      String key = users.aliceKey();
      String p = users.alices();
      String bobs = users.bobs();
      String trace = send(host, key, null, null);
      String a = "user_id=alice&project_id=" + p;
      String before = host.send("GET", "/api/get_project_traces?" + a).body();
      String[][] cases = {
          {"/api/get_project_traces?user_id=alice", "400", "project_id"},
          {"/api/get_project_traces?user_id=alice&project_id=nope", "404", "not found"},
          {"/api/get_project_traces?user_id=alice&project_id=" + bobs, "404", "not found"},
          {"/api/get_project_traces?user_id=carol&project_id=" + p, "404", "user"},
          {"/api/get_project_traces?project_id=" + p, "400", "user_id"},
          {"/api/get_project_traces?" + a + "&page=0", "400", "page"},
          {"/api/get_project_traces?" + a + "&page=abc", "400", "page"},
          {"/api/get_project_traces?" + a + "&limit=101", "400", "limit"},
          {"/api/get_data_for_traces_viz?user_id=alice", "400", "project_id"},
          {"/api/get_data_for_traces_viz?user_id=alice&project_id=" + bobs, "404", "not found"},
          {"/api/get_thresholds_for_viz?user_id=alice", "400", "project_id"},
          {"/api/get_thresholds_for_viz?user_id=alice&project_id=" + bobs, "404", "not found"},
          {"/api/search_traces?user_id=alice&project_id=" + bobs, "404", "not found"},
          {"/api/search_traces?" + a + "&status=sometimes", "400", "status"},
          {"/api/search_traces?" + a + "&min_latency=-1", "400", "min_latency"},
          {"/api/search_traces?" + a + "&min_latency=slow", "400", "min_latency"},
          {"/api/search_traces?" + a + "&from=yesterday", "400", "from"},
          {"/api/search_traces?" + a + "&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "400", "time range"},
          {"/api/search_traces?" + a + "&attribute=user.id", "400", "attribute"},
          {"/api/search_traces?" + a + "&limit=0", "400", "limit"},
          {"/api/get_trace?" + a, "400", "trace_id"},
          {"/api/get_trace?" + a + "&trace_id=0x123", "400", "32 hex"},
          {"/api/get_trace?" + a + "&trace_id=0x" + "f".repeat(32), "404", "not found"},
          {"/api/get_trace?user_id=alice&project_id=" + bobs + "&trace_id=0x" + trace, "404", "not found"},
          {"/api/get_trace?user_id=bob&project_id=" + p + "&trace_id=0x" + trace, "404", "not found"},
          {"/api/get_metrics?" + a + "&bucket=week", "400", "bucket"},
          {"/api/get_metrics?" + a + "&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "400", "after"},
          {"/api/get_metrics?" + a + "&to=noon", "400", "to"},
          {"/api/get_metrics?user_id=alice&project_id=" + bobs, "404", "not found"},
          {"/api/get_cleanup_records?user_id=alice&project_id=" + bobs, "404", "not found"},
          {"/api/get_cleanup_records?" + a + "&limit=0", "400", "limit"},
          {"/api/get_keys?user_id=carol", "404", "user"},
          {"/api/get_projects?user_id=carol", "404", "user"},
      };
      for (String[] c : cases) {
        TestHost.Reply r = host.send("GET", c[0]);
        assertThat(r.status()).as("%s -> %s", c[0], r.body()).isEqualTo(Integer.parseInt(c[1]));
        assertThat(r.json().get("detail").asText()).as(c[0]).containsIgnoringCase(c[2]);
      }
      String[][] writes = {
          {"POST", "/api/create_key?user_id=carol", "404", "user"},
          {"POST", "/api/create_key", "400", "user_id"},
          {"POST", "/api/create_user", "400", "user_id"},
          {"POST", "/api/create_project?user_id=carol&project_name=x", "404", "user"},
          {"PATCH", "/api/update_project?user_id=alice&project_id=" + p + "&latency_warning_thresholds=0", "400", "positive"},
          {"PATCH", "/api/update_project?user_id=alice&project_id=" + p + "&latency_warning_thresholds=20"
              + "&latency_critical_thresholds=10", "400", "critical"},
          {"PATCH", "/api/update_project?user_id=bob&project_id=" + p + "&project_name=mine", "404", "not found"},
          {"DELETE", "/api/delete_project?user_id=bob&project_id=" + p + "&cascade=true", "404", "not found"},
      };
      for (String[] c : writes) {
        TestHost.Reply r = host.send(c[0], c[1]);
        assertThat(r.status()).as("%s %s -> %s", c[0], c[1], r.body()).isEqualTo(Integer.parseInt(c[2]));
        assertThat(r.json()).as("%s %s -> %s", c[0], c[1], r.body()).isNotNull();
        assertThat(r.json().get("detail").asText()).as(c[1]).containsIgnoringCase(c[3]);
      }
      assertThat(host.send("GET", "/api/get_project_traces?" + a).body()).isEqualTo(before);
      assertThat(host.send("GET", "/api/get_userids").json()).hasSize(2);
      JsonNode thresholds = host.send("GET", "/api/get_thresholds_for_viz?" + a).json();
      assertThat(thresholds.get("latency_warning_thresholds").asDouble()).isEqualTo(5.0);

      // the good versions of the same calls work
      assertThat(host.send("PATCH", "/api/update_project?" + a + "&latency_warning_thresholds=2.5"
          + "&latency_critical_thresholds=" + URLEncoder.encode("7.5", StandardCharsets.UTF_8)).status()).isEqualTo(200);
      assertThat(host.send("GET", "/api/get_thresholds_for_viz?" + a).json().get("latency_critical_thresholds")
          .asDouble()).isEqualTo(7.5);
      assertThat(host.send("GET", "/api/search_traces?" + a + "&status=ok&min_latency=0").json().get("traces"))
          .hasSize(1);
      assertThat(host.send("GET", "/api/get_trace?" + a + "&trace_id=" + trace.toUpperCase()).status())
          .isEqualTo(200);
    }
  }
}
