package io.guardops.engine;

import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.auth.Caller;
import io.guardops.engine.ingest.SpanNormalizer;
import io.guardops.engine.internal.InMemoryStore;
import io.guardops.engine.mapping.BuiltinMappers;
import io.guardops.engine.pii.PiiDetector;
import io.guardops.engine.pii.PiiType;
import io.guardops.engine.pii.SpanMasker;
import io.guardops.engine.pricing.PriceTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What masking PII costs ingestion, with the performance issue's workload: batches of 100 spans (25
 * traces of an agent root and three chat calls) whose chat spans carry a ~500-character prompt and a
 * ~300-character completion in their GenAI attributes; one chat span in five contains an e-mail address
 * or a phone number. Two measurements, each masking off against masking on (the default types):
 *
 * <ol>
 *   <li>at the normaliser: {@code SpanNormalizer.normalizeAll} alone against it followed by masking,
 *       the harshest comparison (no decoding, no store);</li>
 *   <li>in-process ingestion ({@code Ingest.write}) into the in-memory store, two projects of one user,
 *       one of them masking: everything but the network and a durable store.</li>
 * </ol>
 *
 * Rounds alternate off and on so that JIT warm-up and machine noise hit both. A {@code main}, not a unit
 * test; see the engine-core README for the command and the numbers.
 */
public final class PiiMaskingBenchmark {
  private static final String[] WORDS = ("the customer asks about order status refund policy shipping delay"
      + " invoice account password reset subscription plan upgrade discount warranty replacement delivery address"
      + " support ticket escalation priority response time product manual battery screen broken cable adapter"
      + " please answer briefly and politely summarise the conversation history before replying").split(" ");

  private PiiMaskingBenchmark() {}

  public static void main(String[] args) throws Exception {
    int batches = Integer.getInteger("bench.batches", 200);
    int rounds = Integer.getInteger("bench.rounds", 6);
    SplittableRandom rnd = new SplittableRandom(42);
    List<List<Span>> off = new ArrayList<>();
    List<List<Span>> on = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      off.add(batch("off", rnd, b));
      on.add(batch("on", rnd, b));
    }
    long chars = 0;
    for (Span s : off.get(0)) {
      for (Object v : s.attributes().values()) {
        chars += v instanceof String str ? str.length() : 0;
      }
    }
    System.out.printf("workload: %d batches of %d spans, %,d characters of attribute text per batch%n", batches,
        off.get(0).size(), chars);

    // 1. at the normaliser
    SpanNormalizer normalizer = new SpanNormalizer(BuiltinMappers.mappers(), PriceTable.bundled());
    SpanMasker masker = new SpanMasker(PiiDetector.standard());
    List<Double> ratios = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      double plain = rate(() -> {
        for (List<Span> batch : off) {
          normalizer.normalizeAll(batch);
        }
      }, off);
      double masked = rate(() -> {
        for (List<Span> batch : off) {
          for (Span s : normalizer.normalizeAll(batch)) {
            masker.mask(s, PiiType.DEFAULT);
          }
        }
      }, off);
      System.out.printf("normaliser round %d: %,.0f spans/s without masking, %,.0f with (%.1f%%)%n", round + 1, plain,
          masked, 100 * (masked / plain - 1));
      ratios.add(masked / plain);
    }
    System.out.printf("normaliser median: %+.1f%%%n", 100 * (median(ratios) - 1));
    ratios.clear();

    // 2. in-process ingestion into the in-memory store
    Path dir = Files.createTempDirectory("guardops-pii-bench");
    try (Engine e = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(new InMemoryStore()).tokenCache(new MapTokenCache())
        .setting("guardops.auth", "unprotected").startScheduler(false).build()) {
      e.users().provision("bench");
      Caller user = Caller.claimedUser("bench");
      String plainProject = e.projects().create(user, new Projects.Draft("plain", "", List.of(), 0, null, null))
          .projectId();
      String maskedProject = e.projects().create(user, new Projects.Draft("masked", "", List.of(), 0, null, null))
          .projectId();
      e.pii().update(user, maskedProject, true, null);
      Caller key = Caller.apiKey("bench-key", "bench");
      for (int round = 0; round < rounds; round++) {
        List<List<Span>> a = moved(off, plainProject, round);
        List<List<Span>> b = moved(on, maskedProject, round);
        double plain = rate(() -> a.forEach(batch -> e.ingest().write(key, batch)), a);
        double masked = rate(() -> b.forEach(batch -> e.ingest().write(key, batch)), b);
        System.out.printf("Ingest.write round %d: %,.0f spans/s without masking, %,.0f with (%.1f%%)%n", round + 1,
            plain, masked, 100 * (masked / plain - 1));
        ratios.add(masked / plain);
      }
      System.out.printf("Ingest.write median: %+.1f%%%n", 100 * (median(ratios) - 1));
    }
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double rate(Runnable work, List<List<Span>> batches) {
    long spans = 0;
    for (List<Span> b : batches) {
      spans += b.size();
    }
    long t0 = System.nanoTime();
    work.run();
    return spans / ((System.nanoTime() - t0) / 1e9);
  }

  /** The batches with their spans in {@code project} and fresh trace ids for this round. */
  private static List<List<Span>> moved(List<List<Span>> batches, String project, int round) {
    List<List<Span>> out = new ArrayList<>(batches.size());
    for (List<Span> b : batches) {
      List<Span> m = new ArrayList<>(b.size());
      for (Span s : b) {
        String trace = Integer.toHexString(round + 1) + s.traceId().substring(Integer.toHexString(round + 1).length());
        m.add(new Span(project, trace, s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.startEpochNanos(),
            s.endEpochNanos(), s.status(), s.statusMessage(), s.attributes(), s.events(), s.resource(), s.llm()));
      }
      out.add(m);
    }
    return out;
  }

  /** 25 traces of an agent root and three chat spans with GenAI attributes. */
  private static List<Span> batch(String tag, SplittableRandom rnd, int b) {
    List<Span> spans = new ArrayList<>(100);
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int t = 0; t < 25; t++) {
      String trace = hex(rnd.nextLong(), 16) + hex(rnd.nextLong(), 16);
      String root = hex(rnd.nextLong() | 1, 16);
      spans.add(Span.builder().projectId("p-" + tag).traceId(trace).spanId(root).name("invoke_agent support-bot")
          .kind(SpanKind.INTERNAL).startEpochNanos(now).endEpochNanos(now + 900_000_000L)
          .attributes(Map.of("gen_ai.operation.name", "invoke_agent")).build());
      for (int c = 0; c < 3; c++) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("gen_ai.operation.name", "chat");
        attrs.put("gen_ai.provider.name", "openai");
        attrs.put("gen_ai.request.model", "gpt-4o-mini");
        attrs.put("gen_ai.response.model", "gpt-4o-mini-2024-07-18");
        attrs.put("gen_ai.usage.input_tokens", 200L + rnd.nextInt(800));
        attrs.put("gen_ai.usage.output_tokens", 50L + rnd.nextInt(300));
        boolean pii = rnd.nextInt(5) == 0;
        attrs.put("gen_ai.prompt", text(rnd, 500, pii ? " my email is customer" + rnd.nextInt(1000)
            + "@example.com and order #" + rnd.nextInt(100000) : " order #" + rnd.nextInt(100000)));
        attrs.put("gen_ai.completion", text(rnd, 300, pii ? " call us on +1 (555) " + (100 + rnd.nextInt(900))
            + "-" + (1000 + rnd.nextInt(9000)) : ""));
        spans.add(Span.builder().projectId("p-" + tag).traceId(trace).spanId(hex(rnd.nextLong() | 1, 16))
            .parentSpanId(root).name("chat gpt-4o-mini").kind(SpanKind.CLIENT).startEpochNanos(now + c)
            .endEpochNanos(now + c + 350_000_000L).attributes(attrs).build());
      }
    }
    return spans;
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

  private static String hex(long v, int digits) {
    String h = Long.toHexString(v);
    return "0".repeat(Math.max(0, digits - h.length())) + h;
  }
}
