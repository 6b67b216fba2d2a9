package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.Project;
import io.guardops.api.RetentionPolicy;
import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import io.guardops.engine.Retention;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two host instances (two engines, two HTTP servers) on one MongoDB, as behind a load balancer: the
 * spans of the same traces arrive at both at once, from several threads, each trace's spans split over
 * the two hosts and children before their roots; afterwards every trace's summary is the summary of all
 * its spans, the same through either host. Then a retention sweep started on both at once runs on
 * exactly one (the lease in the store) and deletes each old trace once, with one set of cleanup records.
 * On the in-process mongo-java-server, or the MongoDB of {@code GUARDOPS_TEST_MONGO_URI}.
 */
class TwoHostsOnOneMongoIT {
  private static final int TRACES = 24;
  private static final int CHILDREN = 6;
  private static final int THREADS = 4;
  private static final String MODEL = "gpt-4o-mini";
  private static TestMongo mongo;

  @TempDir
  Path dir;

  @BeforeAll
  static void startMongo() {
    mongo = TestMongo.start();
  }

  @AfterAll
  static void stopMongo() {
    mongo.close();
  }

  /** Holds the sweep that got the lease inside the retention policy until the test lets it go on. */
  static final class GatedPolicy implements RetentionPolicy {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public Optional<Instant> cutoff(Project project, Instant now) {
      entered.countDown();
      try {
        if (!release.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the sweep");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return RetentionPolicy.retentionDays().cutoff(project, now);
    }
  }

  private TestHost host(String name, String database, GatedPolicy policy) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    TestHost.pluginsDir(d);
    return new TestHost(d, mongo.settings(database), b -> b.retentionPolicy(policy));
  }

  private static String traceId(int t) {
    return "7a" + OtlpJson.hex(t + 1, 30);
  }

  private static String spanId(int t, int j) {
    return "5c" + OtlpJson.hex((long) (t + 1) * 100 + j, 14);
  }

  @Test
  void spansSplitOverTwoHostsGiveTheSameRightSummariesAndOneSweepRunsOnOneHost() throws Exception {
    String database = mongo.database("two_hosts");
    GatedPolicy policy = new GatedPolicy();
    try (TestHost a = host("a", database, policy); TestHost b = host("b", database, policy)) {
      TestHost[] hosts = {a, b};
      String key = a.send("POST", "/api/create_key?user_id=0").json().asText();
      String project = a.send("GET", "/api/get_projects?user_id=0").json().at("/projects/0/project_id").asText();
      assertThat(b.send("GET", "/api/get_projects?user_id=0").json().get("projects")).as("one Default Project, seen by both")
          .hasSize(1).allSatisfy(p -> assertThat(p.get("project_id").asText()).isEqualTo(project));

      // each trace: a root (the agent, ends last) and CHILDREN model calls, some failing
      long t0 = Instant.now().minus(Duration.ofHours(1)).toEpochMilli() * 1_000_000L;
      Map<String, List<OtlpJson.SpanSpec>> children = new HashMap<>();
      Map<String, OtlpJson.SpanSpec> roots = new HashMap<>();
      for (int t = 0; t < TRACES; t++) {
        long start = t0 + t * 1_000_000_000L;
        String root = spanId(t, 0);
        roots.put(traceId(t), OtlpJson.SpanSpec.root(traceId(t), root, "agent " + t, start, start + 900_000_000L));
        List<OtlpJson.SpanSpec> kids = new ArrayList<>();
        for (int j = 1; j <= CHILDREN; j++) {
          long s = start + j * 100_000_000L;
          kids.add(OtlpJson.SpanSpec.chat(traceId(t), spanId(t, j), root, s, s + 50_000_000L, (t + j) % 5 == 0, MODEL,
              100 + j, 10 + j));
        }
        children.put(traceId(t), kids);
      }

      // THREADS clients at once: thread k sends child j of every trace where j % THREADS == k, to host
      // (t + k) % 2; after every child is acknowledged, the roots, each to the other host
      CyclicBarrier childrenDone = new CyclicBarrier(THREADS);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<Integer>> clients = new ArrayList<>();
      for (int k = 0; k < THREADS; k++) {
        int thread = k;
        clients.add(pool.submit(() -> {
          HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
          int sent = 0;
          for (int t = 0; t < TRACES; t++) {
            List<OtlpJson.SpanSpec> mine = new ArrayList<>();
            for (int j = 1; j <= CHILDREN; j++) {
              if (j % THREADS == thread) {
                mine.add(children.get(traceId(t)).get(j - 1));
              }
            }
            if (!mine.isEmpty()) {
              TestHost h = hosts[(t + thread) % 2];
              expect200(OtlpJson.post(http, h.uri("/v1/traces"), key, null, OtlpJson.request(mine)));
              sent++;
            }
          }
          childrenDone.await(60, TimeUnit.SECONDS);
          for (int t = thread; t < TRACES; t += THREADS) {
            TestHost h = hosts[(t + 1) % 2];
            expect200(OtlpJson.post(http, h.uri("/v1/traces"), key, null,
                OtlpJson.request(List.of(roots.get(traceId(t))))));
            sent++;
          }
          return sent;
        }));
      }
      int requests = 0;
      for (Future<Integer> c : clients) {
        requests += c.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      // CHILDREN >= THREADS: every thread had a child of every trace, then a quarter of the roots
      assertThat(requests).isEqualTo(TRACES * THREADS + TRACES);

      for (int t = 0; t < TRACES; t++) {
        String q = "/api/get_trace?user_id=0&project_id=" + project + "&trace_id=0x" + traceId(t);
        JsonNode viaA = a.send("GET", q).json();
        JsonNode viaB = b.send("GET", q).json();
        assertThat(viaA.get("summary")).as("trace %d: the same summary through both hosts", t)
            .isEqualTo(viaB.get("summary"));
        JsonNode summary = viaA.get("summary");
        JsonNode spans = viaA.get("spans");
        List<OtlpJson.SpanSpec> kids = children.get(traceId(t));
        assertThat(spans).hasSize(CHILDREN + 1);
        assertThat(summary.get("span_count").asInt()).isEqualTo(CHILDREN + 1);
        assertThat(summary.get("name").asText()).isEqualTo("agent " + t);
        assertThat(summary.get("error_count").asInt()).isEqualTo((int) kids.stream().filter(OtlpJson.SpanSpec::error)
            .count());
        assertThat(summary.get("input_tokens").asLong()).isEqualTo(kids.stream().mapToLong(OtlpJson.SpanSpec::inputTokens)
            .sum());
        assertThat(summary.get("output_tokens").asLong())
            .isEqualTo(kids.stream().mapToLong(OtlpJson.SpanSpec::outputTokens).sum());
        assertThat(summary.get("model").asText()).isEqualTo(MODEL);
        assertThat(summary.get("cost").asDouble()).isPositive();
        assertThat(summary.get("start_time").asText()).isEqualTo(spans.get(0).get("start_time").asText());
        // exactly TraceSummary.of(every stored span), as the store contract says
        List<Span> stored = a.engine.store().spans().findSpans(project, List.of(traceId(t)));
        assertThat(a.engine.store().spans().findTrace(project, traceId(t))).contains(TraceSummary.of(project,
            traceId(t), stored.stream().map(TraceSummary.SpanFacts::of).collect(Collectors.toList())));
      }

      sweepOnBothAtOnce(a, b, key, policy);
    }
  }

  private static void expect200(HttpResponse<byte[]> r) {
    assertThat(r.statusCode()).as(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(200);
  }

  private void sweepOnBothAtOnce(TestHost a, TestHost b, String key, GatedPolicy policy) throws Exception {
    String shortLived = a.send("POST", "/api/create_project?user_id=0&project_name=short&project_retention=3").json()
        .get("project_id").asText();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long old = Instant.now().minus(Duration.ofDays(10)).toEpochMilli() * 1_000_000L;
    long recent = Instant.now().minus(Duration.ofHours(2)).toEpochMilli() * 1_000_000L;
    int oldTraces = 10;
    int newTraces = 5;
    for (int i = 0; i < oldTraces + newTraces; i++) {
      long start = (i < oldTraces ? old : recent) + i * 1_000_000L;
      String trace = "0d" + OtlpJson.hex(i + 1, 30);
      String root = "e0" + OtlpJson.hex(i + 1, 14);
      // the child through one host, the root through the other
      expect200(OtlpJson.post(http, (i % 2 == 0 ? a : b).uri("/v1/traces"), key, shortLived, OtlpJson.request(List.of(
          OtlpJson.SpanSpec.chat(trace, "e1" + OtlpJson.hex(i + 1, 14), root, start + 1000, start + 2000, false, MODEL,
              5, 5)))));
      expect200(OtlpJson.post(http, (i % 2 == 0 ? b : a).uri("/v1/traces"), key, shortLived, OtlpJson.request(List.of(
          OtlpJson.SpanSpec.root(trace, root, "old or new " + i, start, start + 5000)))));
    }
    String traces = "/api/get_project_traces?user_id=0&limit=100&project_id=" + shortLived;
    assertThat(a.send("GET", traces).json().get("traces")).hasSize(oldTraces + newTraces);

    // both sweeps start together; the one holding the lease waits inside the policy until the other returned
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<CompletableFuture<Retention.SweepReport>> sweeps = new ArrayList<>();
    for (TestHost h : List.of(a, b)) {
      sweeps.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return h.engine.retention().sweep(Retention.Progress.none());
      }, pool));
    }
    go.countDown();
    Object first = CompletableFuture.anyOf(sweeps.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(((Retention.SweepReport) first).ran()).as("the first sweep to return found the lease taken").isFalse();
    assertThat(policy.entered.await(30, TimeUnit.SECONDS)).as("the other sweep holds the lease").isTrue();
    policy.release.countDown();
    List<Retention.SweepReport> reports = new ArrayList<>();
    for (CompletableFuture<Retention.SweepReport> s : sweeps) {
      reports.add(s.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    assertThat(reports).filteredOn(Retention.SweepReport::ran).as("exactly one host swept").hasSize(1);
    assertThat(reports).filteredOn(r -> !r.ran()).singleElement()
        .satisfies(r -> assertThat(r.records()).isEmpty());
    Retention.SweepReport ran = reports.stream().filter(Retention.SweepReport::ran).findFirst().orElseThrow();
    assertThat(ran.records()).singleElement().satisfies(r -> {
      assertThat(r.projectId()).isEqualTo(shortLived);
      assertThat(r.deletedTraces()).isEqualTo(oldTraces);
      assertThat(r.deletedSpans()).isEqualTo(2L * oldTraces);
    });
    for (TestHost h : List.of(a, b)) {
      assertThat(h.send("GET", traces).json().get("traces")).hasSize(newTraces);
      List<String> kept = new ArrayList<>();
      h.send("GET", "/api/search_traces?user_id=0&limit=100&project_id=" + shortLived).json().get("traces")
          .forEach(t -> kept.add(t.get("name").asText()));
      assertThat(kept).containsExactlyInAnyOrder("old or new 10", "old or new 11", "old or new 12", "old or new 13",
          "old or new 14");
      JsonNode cleanups = h.send("GET", "/api/get_cleanup_records?user_id=0&project_id=" + shortLived).json()
          .get("cleanups");
      assertThat(cleanups).as("one set of cleanup records, seen by both hosts").hasSize(1);
      assertThat(cleanups.get(0).get("deleted_traces").asLong()).isEqualTo(oldTraces);
    }
  }
}
