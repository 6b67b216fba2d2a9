package io.guardops.plugins.store.sqlite;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic span workloads shared by the tests and the second process of the two-process test. */
final class Workloads {
  /** 2023-11-14T22:13:20Z: 20 seconds past a minute, so ranges from here have partial edge minutes. */
  static final long T0 = 1_700_000_000_000_000_000L;
  static final long MS = 1_000_000L;

  private Workloads() {}

  static String traceId(int n) {
    return String.format("c%031x", n);
  }

  /**
   * Model calls over three hours from {@link #T0}, four per trace, of three models and one without a
   * model, some failed, some without a price; each trace also has an agent wrapper repeating usage.
   */
  static List<Span> modelCalls(String project, int calls, long seed) {
    Random random = new Random(seed);
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      long start = T0 + random.nextInt(3 * 3600 * 1000) * MS;
      long duration = (1 + (long) Math.abs(random.nextGaussian() * 900 + 40 * (i % 9))) * MS;
      String model = i % 11 == 0 ? null : "model-" + random.nextInt(3);
      LlmFields llm = model == null ? LlmFields.builder().inputTokens(5L).build()
          : LlmFields.builder().requestModel(model).inputTokens((long) random.nextInt(900))
              .outputTokens((long) random.nextInt(200)).cost(model.endsWith("2") ? null : 0.0001 * (i % 13)).build();
      int trace = i / 4;
      spans.add(Span.builder().projectId(project).traceId(traceId(trace)).spanId(String.format("e%015x", i + 1))
          .parentSpanId(String.format("f%015x", trace + 1)).name("call " + i).kind(SpanKind.CLIENT)
          .startEpochNanos(start).endEpochNanos(start + duration)
          .status(random.nextInt(15) == 0 ? StatusCode.ERROR : StatusCode.OK).llm(llm).build());
      if (i % 4 == 0) {
        spans.add(Span.builder().projectId(project).traceId(traceId(trace)).spanId(String.format("f%015x", trace + 1))
            .name("agent").startEpochNanos(start).endEpochNanos(start + 5 * duration)
            .llm(LlmFields.builder().requestModel("model-0").inputTokens(99_999L).usageIsAggregate(true).build())
            .build());
      }
    }
    return spans;
  }

  /** {@link #modelCalls} plus changed re-sends of every fifth call (another model, longer, failed, priced). */
  static List<Span> modelCallsWithResends(String project, int calls, long seed) {
    List<Span> all = new ArrayList<>(modelCalls(project, calls, seed));
    int firstVersions = all.size();
    for (int i = 0; i < firstVersions; i += 5) {
      Span s = all.get(i);
      all.add(Span.builder().projectId(s.projectId()).traceId(s.traceId()).spanId(s.spanId())
          .parentSpanId(s.parentSpanId()).name("resent").startEpochNanos(s.startEpochNanos())
          .endEpochNanos(s.endEpochNanos() + 333 * MS).status(StatusCode.ERROR)
          .llm(LlmFields.builder().requestModel("model-9").inputTokens(1L).outputTokens(2L).cost(0.5).build()).build());
    }
    return all;
  }
}
