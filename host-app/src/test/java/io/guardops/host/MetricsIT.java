package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.engine.Projects;
import io.guardops.engine.Retention;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} scraped as Prometheus would, checked by a strict parser of the exposition formats
 * ({@link PrometheusText}): the counters move with traffic over HTTP and gRPC, with refusals and a
 * retention sweep; the OpenMetrics form ends with {@code # EOF}; who may scrape.
 */
class MetricsIT {
  @TempDir
  Path dir;

  static PrometheusText scrape(TestHost host) throws Exception {
    TestHost.Reply r = host.send("GET", "/metrics");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return PrometheusText.parse(r.body(), false);
  }

  static ExportTraceServiceRequest oneGoodOneBad() {
    ExportTraceServiceRequest one = GrpcIngestIT.request("hello");
    io.opentelemetry.proto.trace.v1.Span good = one.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    io.opentelemetry.proto.trace.v1.Span bad = good.toBuilder().setSpanId(ByteString.copyFrom(new byte[8])).build();
    return one.toBuilder().setResourceSpans(0, one.getResourceSpans(0).toBuilder()
        .setScopeSpans(0, one.getResourceSpans(0).getScopeSpans(0).toBuilder().addSpans(bad))).build();
  }

  @Test
  void countersMoveWithTrafficOverHttpAndGrpcRefusalsAndRetention() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.receivers.grpc.max-message-bytes", "4096"));
        GrpcCalls grpc = new GrpcCalls(host.grpcPort())) {
      String key = host.send("POST", "/api/create_key?user_id=0").json().asText();
      PrometheusText before = scrape(host);
      assertThat(before.value("guardops_component_up", "component", "store")).isEqualTo(1.0);
      assertThat(before.value("guardops_plugin_state", "plugin", "store-sqlite", "state", "STARTED")).isEqualTo(1.0);
      assertThat(before.value("guardops_plugin_state", "plugin", "ingest-grpc", "state", "STARTED")).isEqualTo(1.0);
      assertThat(before.value("guardops_store_write_queue_depth")).as("the SQLite writer's queue").isNotNull();
      assertThat(before.value("jvm_memory_used_bytes", "area", "heap")).isPositive();
      assertThat(before.families().get("jvm_gc_collection_seconds").type()).isEqualTo("summary");

      // OTLP/HTTP: one span stored, one rejected; then a request with a wrong key
      TestHost.Reply partial = host.send("POST", "/v1/traces", "application/x-protobuf",
          oneGoodOneBad().toByteArray(), Map.of("x-guardops-api-key", key));
      assertThat(partial.status()).isEqualTo(200);
      assertThat(host.send("POST", "/v1/traces", "application/x-protobuf", oneGoodOneBad().toByteArray(),
          Map.of("x-guardops-api-key", "go-wrong")).status()).isEqualTo(401);
      // OTLP/gRPC: the same, then a wrong key and a message over the limit
      assertThat(grpc.export(oneGoodOneBad(), GrpcCalls.headers("x-guardops-api-key", key)).getPartialSuccess()
          .getRejectedSpans()).isEqualTo(1);
      assertThat(GrpcCalls.refusal(() -> grpc.export(oneGoodOneBad(), GrpcCalls.headers("x-guardops-api-key",
          "go-wrong"))).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(GrpcCalls.refusal(() -> grpc.export(GrpcIngestIT.request("x".repeat(5000)),
          GrpcCalls.headers("x-guardops-api-key", key))).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      // a retention sweep that deletes one old trace
      String week = host.engine.projects().create(Caller.localUser("0"),
          new Projects.Draft("a week", "", List.of(), 7, null, null)).projectId();
      long old = Instant.now().minus(Duration.ofDays(30)).getEpochSecond() * 1_000_000_000L;
      host.engine.ingest().spans(List.of(Span.builder().projectId(week).traceId("00000000000000000000000000000abc")
          .spanId("0000000000000abc").name("old").startEpochNanos(old).endEpochNanos(old + 1000).build()));
      Retention.SweepReport sweep = host.engine.retention().sweep(Retention.Progress.none());
      assertThat(sweep.deletedTraces()).isEqualTo(1);

      PrometheusText after = scrape(host);
      for (String transport : List.of("http", "grpc")) {
        assertThat(delta(before, after, "guardops_ingest_spans_received_total", "transport", transport))
            .as(transport + " received").isEqualTo(2);
        assertThat(delta(before, after, "guardops_ingest_spans_accepted_total", "transport", transport))
            .as(transport + " accepted").isEqualTo(1);
        assertThat(delta(before, after, "guardops_ingest_spans_rejected_total", "transport", transport,
            "reason", "invalid")).as(transport + " rejected").isEqualTo(1);
        assertThat(delta(before, after, "guardops_ingest_requests_refused_total", "transport", transport,
            "reason", "unauthenticated")).as(transport + " refused").isEqualTo(1);
      }
      assertThat(delta(before, after, "guardops_ingest_requests_refused_total", "transport", "grpc",
          "reason", "too_large")).isEqualTo(1);
      assertThat(delta(before, after, "guardops_retention_sweeps_total", "outcome", "ran")).isEqualTo(1);
      assertThat(delta(before, after, "guardops_retention_deleted_traces_total")).isEqualTo(1);
      assertThat(delta(before, after, "guardops_store_write_duration_seconds_count", "outcome", "ok"))
          .as("HTTP, gRPC and the old trace: three writes").isEqualTo(3);
      assertThat(delta(before, after, "guardops_http_request_duration_seconds_count", "method", "POST",
          "route", "/v1/traces", "status", "2xx")).isEqualTo(1);
      assertThat(delta(before, after, "guardops_http_request_duration_seconds_count", "method", "POST",
          "route", "/v1/traces", "status", "4xx")).isEqualTo(1);
      assertThat(after.count("guardops_http_request_duration_seconds_count", "method", "GET", "route", "/metrics",
          "status", "2xx")).as("the first scrape").isEqualTo(1);

      TestHost.Reply om = host.send("GET", "/metrics", null, null,
          Map.of("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));
      assertThat(om.status()).isEqualTo(200);
      assertThat(om.body()).endsWith("# EOF\n");
      PrometheusText parsed = PrometheusText.parse(om.body(), true);
      assertThat(parsed.families().get("guardops_ingest_spans_accepted").type()).isEqualTo("counter");
      assertThat(parsed.value("guardops_ingest_spans_accepted_total", "transport", "grpc")).isEqualTo(1.0);
      assertThat(parsed.families().get("guardops_build").type()).isEqualTo("info");
    }
  }

  static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
    return after.count(name, labels) - before.count(name, labels);
  }

  @Test
  void theContentTypesAreTheFormatsOwn() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory"))) {
      java.net.http.HttpResponse<String> text = host.http.send(java.net.http.HttpRequest.newBuilder(host.uri("/metrics"))
          .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(text.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      java.net.http.HttpResponse<String> om = host.http.send(java.net.http.HttpRequest.newBuilder(host.uri("/metrics"))
          .header("Accept", "application/openmetrics-text").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(om.headers().firstValue("content-type"))
          .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
    }
  }

  @Test
  void withALoginScrapingNeedsTheRoleOrTheScrapeToken() throws Exception {
    TestHost.pluginsDir(dir);
    String token = "scrape-" + "0123456789abcdef0123";
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory", "guardops.metrics.token", token),
        b -> b.authenticator(new RouteTableIT.OneRoleAtATime()))) {
      assertThat(host.send("GET", "/metrics").status()).isEqualTo(401);
      assertThat(status(host, "role:Monitoring")).isEqualTo(200);
      assertThat(status(host, "role:Full_Access")).isEqualTo(200);
      TestHost.Reply projects = host.send("GET", "/metrics", null, null, Map.of("Authorization", "Bearer role:Projects"));
      assertThat(projects.status()).isEqualTo(403);
      assertThat(projects.json().get("detail").asText()).contains("Monitoring");
      assertThat(status(host, token)).isEqualTo(200);
      TestHost.Reply wrong = host.send("GET", "/metrics", null, null, Map.of("Authorization", "Bearer " + token + "x"));
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.body()).doesNotContain(token);
    }
  }

  @Test
  void theRoleThatMayScrapeIsASetting() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory", "guardops.metrics.role", "Projects"),
        b -> b.authenticator(new RouteTableIT.OneRoleAtATime()))) {
      assertThat(status(host, "role:Projects")).isEqualTo(200);
      assertThat(status(host, "role:Monitoring")).isEqualTo(403);
      assertThat(status(host, "anything")).as("no scrape token is configured").isEqualTo(401);
    }
  }

  private static int status(TestHost host, String bearer) throws Exception {
    return host.send("GET", "/metrics", null, null, Map.of("Authorization", "Bearer " + bearer)).status();
  }
}
