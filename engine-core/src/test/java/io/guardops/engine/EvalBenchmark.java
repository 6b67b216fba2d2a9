package io.guardops.engine;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.dataset.ImportOptions;
import io.guardops.api.eval.Experiment;
import io.guardops.engine.internal.InMemoryStore;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The engine's own cost in evaluation, on the in-memory store (so the numbers are the engine's, not a
 * database's): a streamed import, experiments with heuristics and with an instant in-process model
 * (every call traced into the project), and what online sampling adds to ingestion. A {@code main},
 * not a unit test; see the module README for the command.
 */
public final class EvalBenchmark {
  static final Caller ME = Caller.claimedUser("bench");

  private EvalBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("guardops-eval-bench");
    FakeModel model = new FakeModel().answer(r -> FakeModel.last(r.messages()).startsWith("score:") ? "0.5"
        : "a short answer of six words");
    try (Engine e = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(new InMemoryStore()).tokenCache(new MapTokenCache())
        .setting("guardops.auth", "unprotected").setting("guardops.eval.max-concurrency", "8").startScheduler(false)
        .modelClient(model).datasetFormat(new DatasetsTest.TabFormat()).evaluator(TestEvaluators.exact())
        .evaluator(TestEvaluators.length()).evaluator(TestEvaluators.judge()).build()) {
      e.users().provision("bench");
      for (int round = 1; round <= 2; round++) {
        System.out.println("round " + round + (round == 1 ? " (warm-up)" : ""));
        int items = 100_000;
        String ds = e.datasets().create(ME, "bench", "").datasetId();
        long t0 = System.nanoTime();
        Datasets.ImportReport r = e.datasets().importFile(ME, ds, "tab", lines(items), ImportOptions.defaults(), false);
        report("import (tab lines, staged in batches of 500)", r.items(), t0);

        String scored = e.datasets().create(ME, "bench-outputs", "").datasetId();
        for (int part = 0; part < 5; part++) {
          List<Datasets.ItemDraft> drafts = new ArrayList<>();
          for (int i = 0; i < 10_000; i++) {
            int k = part * 10_000 + i;
            drafts.add(new Datasets.ItemDraft("i" + k, "question " + k, "answer " + k, "answer " + (k % 3 == 0 ? -1 : k),
                null, null));
          }
          e.datasets().addItems(ME, scored, drafts);
        }
        t0 = System.nanoTime();
        Experiment x = run(e, new ExperimentDefinition(null, scored, null, null, ExperimentDefinition.Task.existing(),
            List.of(new ExperimentDefinition.EvaluatorRun("exact", Map.of(), 0.5),
                new ExperimentDefinition.EvaluatorRun("length", Map.of(), null)), 8));
        report("experiment, existing outputs, 2 heuristics, concurrency 8", x.done(), t0);

        String small = e.datasets().create(ME, "bench-small", "").datasetId();
        e.datasets().importFile(ME, small, "tab", lines(10_000), ImportOptions.defaults(), false);
        t0 = System.nanoTime();
        x = run(e, new ExperimentDefinition(null, small, null, null,
            ExperimentDefinition.Task.prompt("Q: {{input}}", "gpt-4o-mini"),
            List.of(new ExperimentDefinition.EvaluatorRun("judge", Map.of(), null)), 8));
        report("experiment, prompt task + judge on an instant model (2 traced calls per item)", x.done(), t0);

        String project = e.projects().defaultProject("bench").orElseThrow().projectId();
        List<List<Span>> batches = spans(project, 100, 1000, round);
        t0 = System.nanoTime();
        batches.subList(0, 50).forEach(b -> e.ingest().spans(b));
        report("ingest, no online rule (batches of 1,000 spans)", 50_000, t0);
        e.onlineEvaluation().create(ME, project, "length", Map.of(), 0.01, true);
        t0 = System.nanoTime();
        batches.subList(50, 100).forEach(b -> e.ingest().spans(b));
        report("ingest, one online rule at 1%", 50_000, t0);
        System.out.println("  online: " + e.onlineEvaluation().stats());
        List<List<Span>> again = spans(project, 50, 1000, round + 10);
        t0 = System.nanoTime();
        again.forEach(b -> e.onlineEvaluation().offer(b));
        report("  the hook alone (sampling 50,000 spans, queueing 1%)", 50_000, t0);
        e.onlineEvaluation().list(ME, project).forEach(rule -> e.onlineEvaluation().delete(ME, project, rule.ruleId()));
      }
    }
  }

  static Experiment run(Engine e, ExperimentDefinition def) throws InterruptedException {
    Experiment x = e.experiments().create(ME, def);
    return e.experiments().await(ME, x.experimentId(), Duration.ofMinutes(10));
  }

  static InputStream lines(int n) {
    List<InputStream> parts = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("question ").append(i).append(" about something\tanswer ").append(i).append('\n');
      if (sb.length() > 1 << 20) {
        parts.add(new java.io.ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)));
        sb.setLength(0);
      }
    }
    parts.add(new java.io.ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)));
    return new SequenceInputStream(Collections.enumeration(parts));
  }

  static List<List<Span>> spans(String project, int batches, int size, int round) {
    List<List<Span>> out = new ArrayList<>();
    long t = 1_780_000_000_000_000_000L + round * 10_000_000_000_000L;
    int n = 0;
    for (int b = 0; b < batches; b++) {
      List<Span> batch = new ArrayList<>(size);
      for (int i = 0; i < size; i++, n++) {
        batch.add(Span.builder().projectId(project).traceId(String.format("%08x%024x", round, n + 1))
            .spanId(String.format("%016x", n + 1)).name("chat").startEpochNanos(t + n).endEpochNanos(t + n + 1000)
            .llm(LlmFields.builder().requestModel("gpt-4o-mini").prompt("q " + n).output("a " + n).inputTokens(10L)
                .outputTokens(5L).build()).build());
      }
      out.add(batch);
    }
    return out;
  }

  static void report(String what, long n, long t0) {
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("  %-80s %,10d in %6.2f s = %,10.0f /s%n", what, n, s, n / s);
  }
}
