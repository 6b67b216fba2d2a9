package io.guardops.host.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.guardops.engine.Engine;
import io.guardops.host.GuardOpsServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator over real HTTP (not a unit test): an in-process host on the embedded SQLite store,
 * several client threads posting OTLP protobuf batches of realistic LLM spans to {@code /v1/traces},
 * then trace-list latency of {@code get_project_traces}. Run:
 *
 * <pre>
 * ./mvnw -q -DskipTests install &amp;&amp; ./mvnw -q -pl host-app exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.guardops.host.bench.IngestBenchmark [-Dbench.seconds=20 -Dbench.clients=8 -Dbench.batch=100]
 * </pre>
 */
public final class IngestBenchmark {
  private IngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 20);
    int clients = Integer.getInteger("bench.clients", 8);
    int batch = Integer.getInteger("bench.batch", 100);
    int listRequests = Integer.getInteger("bench.listRequests", 2000);
    Path dir = Files.createTempDirectory("guardops-bench");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path source = Path.of(System.getProperty("bench.plugins", "host-app/target/test-plugins"));
    if (!Files.isDirectory(source)) {
      source = Path.of("target/test-plugins");
    }
    try (var zips = Files.newDirectoryStream(source, "*.zip")) {
      for (Path z : zips) {
        Files.copy(z, plugins.resolve(z.getFileName()));
      }
    }
    Engine.Builder builder = Engine.builder().workingDirectory(dir).setting("guardops.plugins.dir", plugins.toString())
        .setting("guardops.receivers.grpc.port", "0").startScheduler(false);
    // any -Dguardops.* setting reaches the engine as usual (system properties), e.g. -Dguardops.store.sqlite.synchronous=NORMAL
    try (Engine engine = builder.build()) {
      GuardOpsServer server = new GuardOpsServer(engine, "127.0.0.1", 0);
      server.start();
      String key = engine.apiKeys().create("0");
      String project = engine.projects().defaultProject("0").orElseThrow().projectId();
      String base = "http://127.0.0.1:" + server.port();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

      AtomicLong spans = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      List<Thread> threads = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        Thread t = new Thread(() -> {
          while (System.nanoTime() < end) {
            byte[] body = request(batch).toByteArray();
            try {
              HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/traces"))
                  .header("Content-Type", "application/x-protobuf").header("Authorization", "Bearer " + key)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
              if (r.statusCode() == 200) {
                spans.addAndGet(batch);
              } else {
                failures.incrementAndGet();
              }
            } catch (Exception e) {
              failures.incrementAndGet();
            }
          }
        });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      System.out.printf("ingest: %,d spans in %.1f s = %,.0f spans/s (%d clients, %d spans/request, %d failed requests)%n",
          spans.get(), elapsed, spans.get() / elapsed, clients, batch, failures.get());

      long[] lat = new long[listRequests];
      ObjectMapper json = new ObjectMapper();
      for (int i = 0; i < listRequests; i++) {
        int page = 1 + ThreadLocalRandom.current().nextInt(50);
        long s = System.nanoTime();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base
            + "/api/get_project_traces?user_id=0&project_id=" + project + "&page=" + page + "&limit=20")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        lat[i] = System.nanoTime() - s;
        if (r.statusCode() != 200 || json.readTree(r.body()).get("traces").size() != 20) {
          throw new IllegalStateException("unexpected trace page: " + r.statusCode());
        }
      }
      Arrays.sort(lat);
      System.out.printf("trace list (page of 20 traces with their spans, %,d traces stored): p50 %.2f ms, p99 %.2f ms%n",
          spans.get() / 4, lat[lat.length / 2] / 1e6, lat[(int) (lat.length * 0.99)] / 1e6);
      server.close();
    }
    if (Boolean.parseBoolean(System.getProperty("bench.grpc", "true"))) {
      GrpcIngestBenchmark.run(source, seconds, clients, batch);
    }
  }

  /** A batch of traces of 4 spans: an agent root and three LLM calls with GenAI attributes. */
  static ExportTraceServiceRequest request(int spans) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    long now = System.currentTimeMillis() * 1_000_000L;
    byte[] traceId = new byte[16];
    byte[] rootId = new byte[8];
    for (int i = 0; i < spans; i++) {
      if (i % 4 == 0) {
        rnd.nextBytes(traceId);
        rnd.nextBytes(rootId);
      }
      byte[] spanId = new byte[8];
      rnd.nextBytes(spanId);
      Span.Builder s = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId))
          .setStartTimeUnixNano(now + i * 1000L).setEndTimeUnixNano(now + i * 1000L + 350_000_000L);
      if (i % 4 == 0) {
        s.setSpanId(ByteString.copyFrom(rootId)).setName("invoke_agent support-bot").setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
            .addAttributes(kv("gen_ai.operation.name", "invoke_agent"));
      } else {
        s.setSpanId(ByteString.copyFrom(spanId)).setParentSpanId(ByteString.copyFrom(rootId))
            .setName("chat gpt-4o-mini").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .addAttributes(kv("gen_ai.operation.name", "chat"))
            .addAttributes(kv("gen_ai.provider.name", "openai"))
            .addAttributes(kv("gen_ai.request.model", "gpt-4o-mini"))
            .addAttributes(kv("gen_ai.response.model", "gpt-4o-mini-2024-07-18"))
            .addAttributes(kvInt("gen_ai.usage.input_tokens", 200 + rnd.nextInt(800)))
            .addAttributes(kvInt("gen_ai.usage.output_tokens", 50 + rnd.nextInt(300)))
            .addAttributes(kv("gen_ai.prompt", "You are a helpful support assistant. The customer asks: where is my order #"
                + rnd.nextInt(100000) + "? Please answer briefly and politely."))
            .addAttributes(kv("gen_ai.completion", "Your order has shipped and should arrive within two business days."));
      }
      scope.addSpans(s);
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "support-bot")))
        .addScopeSpans(scope)).build();
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  private static KeyValue kvInt(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

}
