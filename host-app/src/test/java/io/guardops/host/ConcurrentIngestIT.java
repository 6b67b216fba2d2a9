package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import io.guardops.host.bench.Encoders;
import io.guardops.host.bench.KeepAliveClient;
import io.guardops.host.bench.LlmWorkload;
import io.guardops.otlp.OtlpProtobufDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen keep-alive connections post the benchmark's OTLP batches at once, some of them twice (an
 * exporter retrying), on the default (durable) store: afterwards every acknowledged span is stored
 * exactly once, and every trace's summary counts its four spans once.
 */
class ConcurrentIngestIT {
  private static final int CONNECTIONS = 16;
  private static final int REQUESTS_PER_CONNECTION = 12;
  private static final int TRACES_PER_REQUEST = 25;

  @TempDir
  Path dir;

  @Test
  void sixteenConnectionsLoseAndDuplicateNothing() throws Exception {
    TestHost.pluginsDir(dir);
    LlmWorkload workload = new LlmWorkload(7, 3600);
    long now = System.currentTimeMillis() * 1_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    try (TestHost host = new TestHost(dir, Map.of())) {
      String key = TestHost.JSON.readTree(host.send("POST", "/api/create_key?user_id=0").body()).asText();
      String project = host.send("GET", "/api/get_projects?user_id=0").json().get("projects").get(0)
          .get("project_id").asText();
      String headers = "Content-Type: application/x-protobuf\r\nAuthorization: Bearer " + key + "\r\n";
      AtomicLong next = new AtomicLong();
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        done.add(pool.submit(() -> {
          Encoders.Otlp otlp = new Encoders.Otlp();
          try (KeepAliveClient client = new KeepAliveClient("127.0.0.1", host.server.port(), 60_000)) {
            for (int i = 0; i < REQUESTS_PER_CONNECTION; i++) {
              long first = next.getAndAdd(TRACES_PER_REQUEST);
              otlp.reset();
              workload.traces(first, TRACES_PER_REQUEST, now, otlp);
              byte[] body = otlp.request().toArray();
              // every third batch is sent twice, as an exporter retrying after a timeout would
              for (int send = 0; send < (i % 3 == 0 ? 2 : 1); send++) {
                assertThat(client.send("POST", "/v1/traces", headers, body, 0, body.length, false)).isEqualTo(200);
              }
              for (Span s : new OtlpProtobufDecoder(r -> "p").decode(body).spans()) {
                acknowledged.add(s.traceId() + "/" + s.spanId());
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      int traces = CONNECTIONS * REQUESTS_PER_CONNECTION * TRACES_PER_REQUEST;
      assertThat(acknowledged).hasSize(traces * LlmWorkload.SPANS_PER_TRACE);

      Map<String, Integer> spansPerTrace = new HashMap<>();
      for (String id : acknowledged) {
        spansPerTrace.merge(id.substring(0, 32), 1, Integer::sum);
      }
      assertThat(host.engine.store().spans().countTraces(List.of(project))).containsEntry(project, (long) traces);
      List<String> ids = new ArrayList<>(spansPerTrace.keySet());
      Set<String> stored = new java.util.HashSet<>();
      long storedSpans = 0;
      for (int from = 0; from < ids.size(); from += 500) {
        List<Span> spans = host.engine.store().spans().findSpans(project, ids.subList(from, Math.min(ids.size(), from + 500)));
        storedSpans += spans.size();
        for (Span s : spans) {
          stored.add(s.traceId() + "/" + s.spanId());
        }
      }
      assertThat(storedSpans).as("no span stored twice").isEqualTo(acknowledged.size());
      assertThat(stored).isEqualTo(acknowledged);
      for (String trace : ids.subList(0, 200)) {
        TraceSummary summary = host.engine.store().spans().findTrace(project, trace).orElseThrow();
        assertThat(summary.spanCount()).isEqualTo(LlmWorkload.SPANS_PER_TRACE);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
