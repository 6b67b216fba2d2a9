package io.guardops.host.bench;

import com.google.protobuf.ByteString;
import io.guardops.api.auth.Caller;
import io.guardops.engine.Engine;
import io.guardops.engine.Projects;
import io.guardops.engine.ingest.SpanNormalizer;
import io.guardops.engine.mapping.BuiltinMappers;
import io.guardops.engine.pii.PiiDetector;
import io.guardops.engine.pii.PiiType;
import io.guardops.engine.pii.SpanMasker;
import io.guardops.engine.pricing.PriceTable;
import io.guardops.host.GuardOpsServer;
import io.guardops.otlp.OtlpProtobufDecoder;
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
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What masking PII costs ingestion (not a unit test), with the performance issue's workload: batches of
 * 100 spans (25 traces of an agent root and three chat calls with a ~500-character prompt and a
 * ~300-character completion; one chat in five with an e-mail address or a phone number), masking off
 * against on (default types) in alternating rounds, three ways:
 *
 * <ol>
 *   <li>at the normaliser: the decoded spans through {@code SpanNormalizer.normalizeAll} alone against it
 *       followed by masking (the harshest comparison: no decoding, no store);</li>
 *   <li>{@code Ingest.write} in process into the in-memory store (no network, no durable store);</li>
 *   <li>end to end: client threads posting OTLP/HTTP protobuf to {@code /v1/traces} of a host on the
 *       in-memory store ({@code -Dbench.store=sqlite}: the embedded default, durable), into a project
 *       without masking and one with it (purged between rounds).</li>
 * </ol>
 *
 * Prints each round and the medians. Run (no install needed):
 *
 * <pre>
 * ./mvnw -q -o -pl host-app -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/host.cp \
 *   -Dmdep.includeScope=test
 * java -cp host-app/target/test-classes:host-app/target/classes:$(cat /tmp/host.cp) \
 *   io.guardops.host.bench.PiiIngestBenchmark [-Dbench.requests=300 -Dbench.clients=4 -Dbench.rounds=4 \
 *   -Dbench.store=sqlite]
 * </pre>
 */
public final class PiiIngestBenchmark {
  private static final String[] WORDS = ("the customer asks about order status refund policy shipping delay"
      + " invoice account password reset subscription plan upgrade discount warranty replacement delivery address"
      + " support ticket escalation priority response time product manual battery screen broken cable adapter"
      + " please answer briefly and politely summarise the conversation history before replying").split(" ");

  private PiiIngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    int requests = Integer.getInteger("bench.requests", 300);
    int clients = Integer.getInteger("bench.clients", 4);
    int rounds = Integer.getInteger("bench.rounds", 4);
    Path dir = Files.createTempDirectory("guardops-pii-bench");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path source = Path.of(System.getProperty("bench.plugins", "host-app/target/test-plugins"));
    try (var zips = Files.newDirectoryStream(source, "*.zip")) {
      for (Path z : zips) {
        Files.copy(z, plugins.resolve(z.getFileName()));
      }
    }
    try (Engine engine = Engine.builder().workingDirectory(dir).environment(Map.of()).systemProperties(Map.of())
        .setting("guardops.plugins.dir", plugins.toString())
        .setting("guardops.store", System.getProperty("bench.store", "memory"))
        .setting("guardops.auth", "unprotected").startScheduler(false).startReceivers(false).build()) {
      GuardOpsServer server = new GuardOpsServer(engine, "127.0.0.1", 0);
      server.start();
      engine.users().provision("bench");
      Caller user = Caller.claimedUser("bench");
      String plain = engine.projects().create(user, new Projects.Draft("plain", "", List.of(), 0, null, null))
          .projectId();
      String masked = engine.projects().create(user, new Projects.Draft("masked", "", List.of(), 0, null, null))
          .projectId();
      engine.pii().update(user, masked, true, null);
      String key = engine.apiKeys().create("bench");
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/traces");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      // bodies made up front so that the clients measure the server, not the protobuf encoder
      List<byte[]> bodies = new ArrayList<>();
      SplittableRandom rnd = new SplittableRandom(7);
      for (int i = 0; i < 64; i++) {
        bodies.add(request(rnd).toByteArray());
      }
      System.out.printf("%d clients x %d requests of 100 spans per phase (%,d bytes per request)%n", clients, requests,
          bodies.get(0).length);
      atTheNormaliser(bodies, rounds);
      inProcess(engine, plain, masked, bodies, rounds);

      phase(http, uri, key, plain, bodies, clients, requests); // warm-up
      phase(http, uri, key, masked, bodies, clients, requests);
      List<Double> ratios = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        engine.store().spans().purgeTraces(plain, Long.MAX_VALUE, Integer.MAX_VALUE);
        engine.store().spans().purgeTraces(masked, Long.MAX_VALUE, Integer.MAX_VALUE);
        double off = phase(http, uri, key, plain, bodies, clients, requests);
        double on = phase(http, uri, key, masked, bodies, clients, requests);
        ratios.add(on / off);
        System.out.printf("end to end round %d: %,.0f spans/s without masking, %,.0f with (%+.1f%%)%n", r, off, on,
            100 * (on / off - 1));
      }
      System.out.printf("end to end, median: masking changes throughput by %+.1f%%%n", 100 * (median(ratios) - 1));
      String stored = engine.traces().withSpans(user, io.guardops.api.store.TraceQuery.builder(masked).limit(50)
          .build()).traces().toString();
      System.out.println("masked project holds [EMAIL]: " + stored.contains("[EMAIL]") + ", raw addresses: "
          + stored.contains("@example.com"));
      server.close();
    }
  }

  private static List<List<io.guardops.api.Span>> decoded(List<byte[]> bodies, String project) {
    List<List<io.guardops.api.Span>> out = new ArrayList<>();
    for (byte[] b : bodies) {
      out.add(new OtlpProtobufDecoder(resource -> project).decode(b).spans());
    }
    return out;
  }

  /** The normaliser alone against the normaliser and the masker, on the decoded batches. */
  private static void atTheNormaliser(List<byte[]> bodies, int rounds) {
    List<List<io.guardops.api.Span>> batches = decoded(bodies, "p");
    SpanNormalizer normalizer = new SpanNormalizer(
        BuiltinMappers.mappers(), PriceTable.bundled());
    SpanMasker masker = new SpanMasker(
        PiiDetector.standard());
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r <= rounds; r++) {
      double off = rate(batches, 10, () -> batches.forEach(normalizer::normalizeAll));
      double on = rate(batches, 10, () -> batches.forEach(b -> {
        for (io.guardops.api.Span s : normalizer.normalizeAll(b)) {
          masker.mask(s, PiiType.DEFAULT);
        }
      }));
      if (r > 0) {
        // round 0 warms up
        ratios.add(on / off);
        System.out.printf("normaliser round %d: %,.0f spans/s without masking, %,.0f with (%+.1f%%)%n", r, off, on,
            100 * (on / off - 1));
      }
    }
    System.out.printf("at the normaliser, median: %+.1f%%%n", 100 * (median(ratios) - 1));
  }

  /** {@code Ingest.write} into the in-memory store: a project without masking against one with it. */
  private static void inProcess(Engine engine, String plain, String masked, List<byte[]> bodies, int rounds) {
    List<List<io.guardops.api.Span>> off = decoded(bodies, plain);
    List<List<io.guardops.api.Span>> on = decoded(bodies, masked);
    Caller key = Caller.apiKey("bench", "bench");
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r <= rounds; r++) {
      double a = rate(off, 5, () -> off.forEach(b -> engine.ingest().write(key, b)));
      double b = rate(on, 5, () -> on.forEach(x -> engine.ingest().write(key, x)));
      if (r > 0) {
        ratios.add(b / a);
        System.out.printf("Ingest.write round %d: %,.0f spans/s without masking, %,.0f with (%+.1f%%)%n", r, a, b,
            100 * (b / a - 1));
      }
    }
    System.out.printf("Ingest.write, median: %+.1f%%%n", 100 * (median(ratios) - 1));
    engine.store().spans().purgeTraces(plain, Long.MAX_VALUE, Integer.MAX_VALUE);
    engine.store().spans().purgeTraces(masked, Long.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** Spans per second of {@code times} runs of {@code work} over {@code batches}. */
  private static double rate(List<List<io.guardops.api.Span>> batches, int times, Runnable work) {
    long spans = 0;
    for (List<io.guardops.api.Span> b : batches) {
      spans += b.size();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < times; i++) {
      work.run();
    }
    return spans * times / ((System.nanoTime() - t0) / 1e9);
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** One phase: every client sends {@code requests} bodies; returns spans per second. */
  private static double phase(HttpClient http, URI uri, String key, String project, List<byte[]> bodies, int clients,
      int requests) throws Exception {
    AtomicLong spans = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        for (int i = 0; i < requests; i++) {
          byte[] body = bodies.get(ThreadLocalRandom.current().nextInt(bodies.size()));
          try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                .header("Authorization", "Bearer " + key).header("x-guardops-project", project)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 200) {
              spans.addAndGet(100);
            } else {
              failed.incrementAndGet();
            }
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " requests failed");
    }
    return spans.get() / ((System.nanoTime() - t0) / 1e9);
  }

  /** 25 traces of an agent root and three chat spans; random ids (the same body may be sent again). */
  static ExportTraceServiceRequest request(SplittableRandom rnd) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int t = 0; t < 25; t++) {
      byte[] trace = new byte[16];
      byte[] root = new byte[8];
      fill(rnd, trace);
      fill(rnd, root);
      scope.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(root))
          .setName("invoke_agent support-bot").setKind(Span.SpanKind.SPAN_KIND_INTERNAL).setStartTimeUnixNano(now)
          .setEndTimeUnixNano(now + 900_000_000L).addAttributes(kv("gen_ai.operation.name", "invoke_agent")));
      for (int c = 0; c < 3; c++) {
        byte[] id = new byte[8];
        fill(rnd, id);
        boolean pii = rnd.nextInt(5) == 0;
        scope.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(id))
            .setParentSpanId(ByteString.copyFrom(root)).setName("chat gpt-4o-mini").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .setStartTimeUnixNano(now + c).setEndTimeUnixNano(now + c + 350_000_000L)
            .addAttributes(kv("gen_ai.operation.name", "chat"))
            .addAttributes(kv("gen_ai.provider.name", "openai"))
            .addAttributes(kv("gen_ai.request.model", "gpt-4o-mini"))
            .addAttributes(kv("gen_ai.response.model", "gpt-4o-mini-2024-07-18"))
            .addAttributes(kvInt("gen_ai.usage.input_tokens", 200 + rnd.nextInt(800)))
            .addAttributes(kvInt("gen_ai.usage.output_tokens", 50 + rnd.nextInt(300)))
            .addAttributes(kv("gen_ai.prompt", text(rnd, 500, pii ? " my email is customer" + rnd.nextInt(1000)
                + "@example.com and order #" + rnd.nextInt(100000) : " order #" + rnd.nextInt(100000))))
            .addAttributes(kv("gen_ai.completion", text(rnd, 300, pii ? " call us on +1 (555) "
                + (100 + rnd.nextInt(900)) + "-" + (1000 + rnd.nextInt(9000)) : ""))));
      }
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "support-bot"))).addScopeSpans(scope))
        .build();
  }

  private static void fill(SplittableRandom rnd, byte[] b) {
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) rnd.nextInt(256);
    }
    if (Arrays.equals(b, new byte[b.length])) {
      b[0] = 1;
    }
  }

  private static String text(SplittableRandom rnd, int length, String insert) {
    StringBuilder sb = new StringBuilder(length + insert.length() + 16);
    int at = rnd.nextInt(Math.max(1, length - 100));
    while (sb.length() < length) {
      if (sb.length() >= at && insert != null) {
        sb.append(insert);
        insert = null;
      }
      sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(rnd.nextInt(12) == 0 ? ". " : " ");
      if (rnd.nextInt(25) == 0) {
        sb.append(rnd.nextInt(10_000)).append(' ');
      }
    }
    return sb.toString();
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  private static KeyValue kvInt(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }
}
