package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.Span;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MongoDB stops under load and comes back. A few OTLP clients (plain HTTP POSTs, each counted) send
 * traces to a host on the MongoDB store; the server is stopped while they do. While it is down,
 * ingestion answers 503 with a {@code google.rpc.Status} saying the store is unavailable (the clients
 * retry the same request, as OTLP exporters do), a GuardOps route answers 503 with a {@code detail}, and
 * {@code /health} is 503 naming the store. When a server listens on the same port again the host
 * recovers by itself (no restart), and every span whose request got a 200 is in the store.
 *
 * <p>Always on its own in-process mongo-java-server, which {@link TestMongo} restarts with the data it
 * held, as a real MongoDB keeps its data over a restart (a test never stops a real MongoDB).
 */
class MongoOutageIT {
  private static final int CLIENTS = 3;
  private static final int REQUESTS_PER_CLIENT = 30;
  private static final int SPANS_PER_REQUEST = 3;

  @TempDir
  Path dir;

  /** What the clients saw. */
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final AtomicInteger oks = new AtomicInteger();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final Map<String, Integer> refusals = new ConcurrentHashMap<>();

  private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited %s for %s", limit, what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** One client: its requests in order, each retried after a 503 until it is acknowledged. */
  private int client(TestHost host, String key, int client, long t0) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int attempts = 0;
    for (int r = 0; r < REQUESTS_PER_CLIENT; r++) {
      String trace = "3c" + OtlpJson.hex(client, 6) + OtlpJson.hex(r + 1, 24);
      List<OtlpJson.SpanSpec> spans = new ArrayList<>();
      String root = "4d" + OtlpJson.hex(client, 4) + OtlpJson.hex((long) r * 10, 10);
      long start = t0 + (client * 1000L + r) * 1_000_000L;
      spans.add(OtlpJson.SpanSpec.root(trace, root, "request " + client + "/" + r, start, start + 500_000));
      for (int j = 1; j < SPANS_PER_REQUEST; j++) {
        spans.add(OtlpJson.SpanSpec.chat(trace, "4d" + OtlpJson.hex(client, 4) + OtlpJson.hex((long) r * 10 + j, 10),
            root, start + j, start + 1000 + j, false, "gpt-4o-mini", 7, 3));
      }
      String body = OtlpJson.request(spans);
      while (true) {
        attempts++;
        HttpResponse<byte[]> reply = OtlpJson.post(http, host.uri("/v1/traces"), key, null, body);
        if (reply.statusCode() == 200) {
          spans.forEach(s -> acknowledged.add(s.traceId() + "/" + s.spanId()));
          oks.incrementAndGet();
          break;
        }
        assertThat(reply.statusCode()).as("only 503 (retry) may refuse a good request: %s",
            new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(503);
        Object[] status = OtlpIngestIT.rpcStatus(reply.headers().firstValue("content-type").orElse(""), reply.body());
        refusals.merge(status[0] + " " + status[1], 1, Integer::sum);
        unavailable.incrementAndGet();
        Thread.sleep(50); // an exporter's back-off, shortened
      }
    }
    return attempts;
  }

  @Test
  void ingestAnswers503WhileMongoIsDownAndNothingAcknowledgedIsLost() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestMongo mongo = TestMongo.inProcess()) {
      Map<String, String> settings = new LinkedHashMap<>(mongo.settings(mongo.database("outage")));
      // fail fast while the server is away, so the outage takes seconds
      settings.put("guardops.store.mongo.server-selection-timeout", "1s");
      settings.put("guardops.store.mongo.health-timeout", "500ms");
      try (TestHost host = new TestHost(dir, settings)) {
        String key = host.send("POST", "/api/create_key?user_id=0").json().asText();
        String project = host.send("GET", "/api/get_projects?user_id=0").json().at("/projects/0/project_id").asText();
        long t0 = Instant.now().minus(Duration.ofMinutes(30)).toEpochMilli() * 1_000_000L;

        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Integer>> clients = new ArrayList<>();
        for (int c = 1; c <= CLIENTS; c++) {
          int client = c;
          clients.add(pool.submit(() -> client(host, key, client, t0)));
        }
        await("some acknowledged requests before the outage", Duration.ofSeconds(30), () -> oks.get() >= 10);

        mongo.stop();
        int acknowledgedBefore = oks.get();
        await("clients refused while MongoDB is down", Duration.ofSeconds(30), () -> unavailable.get() >= 3);
        TestHost.Reply health = host.send("GET", "/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().get("status").asText()).isEqualTo("DOWN");
        JsonNode store = health.json().at("/components/store");
        assertThat(store.get("healthy").asBoolean()).isFalse();
        assertThat(store.get("detail").asText()).contains("MongoDB at mongodb://127.0.0.1:" + mongo.port())
            .contains("does not answer");
        TestHost.Reply projects = host.send("GET", "/api/get_projects?user_id=0");
        assertThat(projects.status()).isEqualTo(503);
        assertThat(projects.json().get("detail").asText()).isEqualTo("the store (mongo) is unavailable; retry later");

        mongo.restart();
        for (Future<Integer> c : clients) {
          c.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        await("the host healthy again without a restart", Duration.ofSeconds(20),
            () -> sendQuietly(host, "/health") == 200);

        assertThat(acknowledgedBefore).isLessThan(CLIENTS * REQUESTS_PER_CLIENT);
        assertThat(oks.get()).isEqualTo(CLIENTS * REQUESTS_PER_CLIENT);
        assertThat(refusals.keySet()).as("every refusal was UNAVAILABLE with a message saying why")
            .allSatisfy(r -> assertThat(r).isEqualTo("14 the store (mongo) is unavailable; retry later"));
        assertThat(acknowledged).hasSize(CLIENTS * REQUESTS_PER_CLIENT * SPANS_PER_REQUEST);

        // every acknowledged span is stored, counted by id, and each trace's summary counts all its spans
        Set<String> traceIds = acknowledged.stream().map(s -> s.substring(0, 32)).collect(Collectors.toSet());
        Set<String> stored = new HashSet<>();
        for (Span s : host.engine.store().spans().findSpans(project, List.copyOf(traceIds))) {
          stored.add(s.traceId() + "/" + s.spanId());
        }
        assertThat(stored).containsAll(acknowledged).hasSameSizeAs(acknowledged);
        JsonNode page = host.send("GET", "/api/search_traces?user_id=0&limit=100&project_id=" + project).json();
        assertThat(page.get("traces")).hasSize(CLIENTS * REQUESTS_PER_CLIENT)
            .allSatisfy(t -> assertThat(t.get("span_count").asInt()).isEqualTo(SPANS_PER_REQUEST));
        System.out.printf("outage: %d requests acknowledged before the stop, %d refusals (503) retried, all %d"
            + " acknowledged in the end%n", acknowledgedBefore, unavailable.get(), oks.get());
      }
    }
  }

  private static int sendQuietly(TestHost host, String path) {
    try {
      return host.send("GET", path).status();
    } catch (Exception e) {
      return -1;
    }
  }
}
