package io.guardops.host;

import io.guardops.api.auth.Caller;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.ImportOptions;
import io.guardops.api.eval.Experiment;
import io.guardops.engine.Datasets;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.ExperimentDefinition;
import io.guardops.engine.Experiments;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code guardops eval run} and {@code guardops eval compare}: experiments from the command line,
 * in-process on the configured store, so a CI pipeline can gate on them.
 *
 * <p>Exit codes: 0 the run succeeded and met every threshold; 1 a threshold was missed or the run
 * did not succeed (failed, cancelled); 2 a usage error or a request the engine refused (unknown
 * dataset or evaluator, bad parameter).
 */
final class EvalCommand {
  static final String USAGE = String.join("\n",
      "Usage: guardops eval run (--dataset ID | --dataset-file FILE) --evaluators NAME[:param=value...][,NAME...]",
      "                         [--task existing | --prompt-file FILE --model MODEL [--system-file FILE]",
      "                          [--temperature T] [--max-tokens N]]",
      "                         [--threshold NAME=MIN]... [--param NAME.KEY=VALUE]... [--project ID] [--user ID]",
      "                         [--name NAME] [--dataset-version N] [--concurrency N]",
      "       guardops eval compare EXPERIMENT_A EXPERIMENT_B [--limit N] [--user ID]",
      "",
      "  --dataset-file FILE   import a .csv or .jsonl file into a new dataset first, then run on it",
      "  --evaluators          comma-separated; parameters after colons (rouge_l:stemmer=true)",
      "  --param NAME.KEY=V    a parameter whose value holds commas or colons (a rubric, a regex)",
      "  --threshold NAME=MIN  fail (exit 1) unless every item was scored and NAME's mean is at least MIN",
      "  --prompt-file FILE    a prompt template with {{input}}, {{expected}}, {{context}}, {{metadata keys}}",
      "  --user ID             the user to act for (default \"0\" in single-user mode)",
      "  plus --data-dir, --plugins-dir and --set KEY=VALUE as for the server",
      "",
      "Exit codes: 0 passed, 1 a threshold missed or the run did not succeed, 2 usage error.",
      "");

  private EvalCommand() {}

  /** Thrown for a usage error (exit 2). */
  static final class Usage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Usage(String message) {
      super(message);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, b -> { });
  }

  /** As {@link #run(String[], PrintStream, PrintStream)}, with the engine builder adjusted (tests give a store). */
  static int run(String[] args, PrintStream out, PrintStream err, Consumer<Engine.Builder> customize) {
    Map<String, String> settings = new LinkedHashMap<>();
    Map<String, List<String>> opts = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--help", "-h" -> {
            out.print(USAGE);
            return 0;
          }
          case "--data-dir", "--plugins-dir", "--set" -> {
            try {
              i = Main.storeOption(args, i, settings);
            } catch (IllegalArgumentException e) {
              throw new Usage(e.getMessage());
            }
          }
          case "--dataset", "--dataset-file", "--dataset-version", "--evaluators", "--task", "--prompt-file",
              "--system-file", "--model", "--temperature", "--max-tokens", "--threshold", "--param", "--project",
              "--user", "--name", "--concurrency", "--limit" ->
              opts.computeIfAbsent(a.substring(2), k -> new ArrayList<>()).add(value(args, ++i, a));
          default -> {
            if (a.startsWith("-")) {
              throw new Usage("unknown option " + a);
            }
            positional.add(a);
          }
        }
      }
      if (positional.isEmpty()) {
        throw new Usage("name a command: run or compare");
      }
      String command = positional.get(0);
      if (command.equals("run")) {
        if (positional.size() > 1) {
          throw new Usage("eval run takes no positional arguments, got " + positional.subList(1, positional.size()));
        }
        return runExperiment(engine(settings, customize), opts, out, err);
      }
      if (command.equals("compare")) {
        if (positional.size() != 3) {
          throw new Usage("eval compare needs two experiment ids");
        }
        return compare(engine(settings, customize), opts, positional.get(1), positional.get(2), out);
      }
      throw new Usage("unknown eval command '" + command + "'");
    } catch (Usage e) {
      err.println("guardops eval: " + e.getMessage());
      err.print(USAGE);
      return 2;
    } catch (EngineException e) {
      err.println("guardops eval: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("guardops eval: cannot start: " + e.getMessage());
      return 2;
    }
  }

  /** The engine of one command, built when the command's arguments were read. */
  private static java.util.function.Supplier<Engine> engine(Map<String, String> settings,
      Consumer<Engine.Builder> customize) {
    return () -> {
      Engine.Builder b = Engine.builder().settings(settings).startScheduler(false).startReceivers(false);
      customize.accept(b);
      return b.build();
    };
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new Usage(option + " needs a value");
    }
    return args[i];
  }

  private static String one(Map<String, List<String>> opts, String name) {
    List<String> v = opts.get(name);
    if (v == null) {
      return null;
    }
    if (v.size() > 1) {
      throw new Usage("--" + name + " is given " + v.size() + " times");
    }
    return v.get(0);
  }

  private static List<String> all(Map<String, List<String>> opts, String name) {
    return opts.getOrDefault(name, List.of());
  }

  private static Caller caller(Engine engine, Map<String, List<String>> opts) {
    String user = one(opts, "user");
    if (user == null) {
      if (!engine.authMode().equals("single-user")) {
        throw new Usage("--user is required in " + engine.authMode() + " mode");
      }
      user = "0";
    }
    return Caller.localUser(user);
  }

  /** The evaluators with their parameters and thresholds, as the options give them. */
  static List<ExperimentDefinition.EvaluatorRun> evaluators(Map<String, List<String>> opts) {
    Map<String, Map<String, String>> params = new LinkedHashMap<>();
    for (String list : all(opts, "evaluators")) {
      for (String spec : list.split(",")) {
        if (spec.isBlank()) {
          continue;
        }
        String[] parts = spec.trim().split(":");
        Map<String, String> p = params.computeIfAbsent(parts[0].trim(), k -> new LinkedHashMap<>());
        for (int i = 1; i < parts.length; i++) {
          int eq = parts[i].indexOf('=');
          if (eq <= 0) {
            throw new Usage("evaluator parameters are name:key=value, got '" + spec.trim() + "'");
          }
          p.put(parts[i].substring(0, eq).trim(), parts[i].substring(eq + 1));
        }
      }
    }
    for (String kv : all(opts, "param")) {
      int dot = kv.indexOf('.');
      int eq = kv.indexOf('=');
      if (dot <= 0 || eq <= dot + 1) {
        throw new Usage("--param needs EVALUATOR.KEY=VALUE, got '" + kv + "'");
      }
      String name = kv.substring(0, dot).trim();
      if (!params.containsKey(name)) {
        throw new Usage("--param names '" + name + "', which --evaluators does not list");
      }
      params.get(name).put(kv.substring(dot + 1, eq).trim(), kv.substring(eq + 1));
    }
    Map<String, Double> thresholds = new LinkedHashMap<>();
    for (String kv : all(opts, "threshold")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new Usage("--threshold needs NAME=MIN, got '" + kv + "'");
      }
      String name = kv.substring(0, eq).trim();
      if (!params.containsKey(name)) {
        throw new Usage("--threshold names '" + name + "', which --evaluators does not list");
      }
      try {
        thresholds.put(name, Double.parseDouble(kv.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        throw new Usage("--threshold " + kv + ": the minimum must be a number");
      }
    }
    if (params.isEmpty()) {
      throw new Usage("--evaluators is required (guardops eval run --help)");
    }
    List<ExperimentDefinition.EvaluatorRun> runs = new ArrayList<>();
    params.forEach((name, p) -> runs.add(new ExperimentDefinition.EvaluatorRun(name, p, thresholds.get(name))));
    return runs;
  }

  private static ExperimentDefinition.Task task(Map<String, List<String>> opts) {
    String task = one(opts, "task");
    String promptFile = one(opts, "prompt-file");
    if (promptFile == null) {
      if (task != null && !task.equals(ExperimentDefinition.Task.EXISTING)) {
        throw new Usage("--task is 'existing', or give --prompt-file and --model for a prompt task");
      }
      for (String o : List.of("model", "system-file", "temperature", "max-tokens")) {
        if (opts.containsKey(o)) {
          throw new Usage("--" + o + " belongs to a prompt task: give --prompt-file too");
        }
      }
      return ExperimentDefinition.Task.existing();
    }
    if (task != null && !task.equals(ExperimentDefinition.Task.PROMPT)) {
      throw new Usage("--prompt-file makes a prompt task; drop --task " + task);
    }
    String model = one(opts, "model");
    if (model == null) {
      throw new Usage("--prompt-file needs --model");
    }
    String system = one(opts, "system-file");
    return new ExperimentDefinition.Task(ExperimentDefinition.Task.PROMPT, read(promptFile),
        system == null ? null : read(system), model, number(one(opts, "temperature"), "--temperature"),
        integer(one(opts, "max-tokens"), "--max-tokens"), null);
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Usage("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static Double number(String v, String option) {
    if (v == null) {
      return null;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new Usage(option + " must be a number, was '" + v + "'");
    }
  }

  private static Integer integer(String v, String option) {
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new Usage(option + " must be a whole number, was '" + v + "'");
    }
  }

  private static int runExperiment(java.util.function.Supplier<Engine> engines, Map<String, List<String>> opts,
      PrintStream out, PrintStream err) {
    String dataset = one(opts, "dataset");
    String file = one(opts, "dataset-file");
    if ((dataset == null) == (file == null)) {
      throw new Usage("give --dataset ID or --dataset-file FILE (one of them)");
    }
    List<ExperimentDefinition.EvaluatorRun> evaluators = evaluators(opts);
    ExperimentDefinition.Task task = task(opts);
    Integer version = integer(one(opts, "dataset-version"), "--dataset-version");
    Integer concurrency = integer(one(opts, "concurrency"), "--concurrency");
    try (Engine engine = engines.get()) {
      Caller caller = caller(engine, opts);
      if (file != null) {
        dataset = importFile(engine, caller, Path.of(file), out, err);
        if (dataset == null) {
          return 2;
        }
      }
      ExperimentDefinition def = new ExperimentDefinition(one(opts, "name"), dataset,
          version == null ? null : version.longValue(), one(opts, "project"), task, evaluators, concurrency);
      Experiment e = engine.experiments().create(caller, def);
      out.printf("Experiment %s: %s, %d items%n", e.experimentId(), e.name(), e.total());
      Thread cancelOnInterrupt = new Thread(() -> {
        try {
          engine.experiments().cancel(caller, e.experimentId());
        } catch (RuntimeException ignored) {
          // the engine is stopping anyway
        }
      }, "guardops-eval-cancel");
      Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
      Experiment current = e;
      try {
        while (!current.status().finished()) {
          current = engine.experiments().await(caller, e.experimentId(), Duration.ofMillis(200));
          out.print("\r" + progress(current));
          out.flush();
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        current = engine.experiments().cancel(caller, e.experimentId());
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(cancelOnInterrupt);
        } catch (IllegalStateException stopping) {
          // already shutting down: the hook runs
        }
      }
      out.println();
      return report(engine.experiments(), current, out);
    }
  }

  private static String importFile(Engine engine, Caller caller, Path file, PrintStream out, PrintStream err) {
    String name = file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    String format = lower.endsWith(".csv") ? "csv" : lower.endsWith(".jsonl") || lower.endsWith(".ndjson") ? "jsonl"
        : null;
    if (format == null) {
      throw new Usage("--dataset-file must end in .csv or .jsonl, was " + name);
    }
    if (!Files.isRegularFile(file)) {
      throw new Usage("--dataset-file " + file + " does not exist");
    }
    Dataset d = engine.datasets().create(caller, name, "imported by guardops eval run from " + file);
    Datasets.ImportReport report;
    try (InputStream in = Files.newInputStream(file)) {
      report = engine.datasets().importFile(caller, d.datasetId(), format, in, ImportOptions.defaults(), false);
    } catch (IOException e) {
      throw new Usage("cannot read " + file + ": " + e.getMessage());
    }
    if (!report.ok()) {
      err.println("guardops eval: " + file + " has " + report.errors().size() + " bad line(s); nothing was run:");
      for (Datasets.LineError le : report.errors()) {
        err.println("  line " + le.line() + ": " + le.reason());
      }
      return null;
    }
    out.printf("Imported %d items from %s into dataset %s%n", report.items(), file, d.datasetId());
    return d.datasetId();
  }

  /** One line: a bar, done of total, failures, cost. */
  static String progress(Experiment e) {
    int width = 30;
    long total = Math.max(1, e.total());
    int filled = (int) Math.min(width, e.done() * width / total);
    return String.format(Locale.ROOT, "  [%s%s] %d/%d done, %d failed%s   ", "#".repeat(filled),
        "-".repeat(width - filled), e.done(), e.total(), e.failed(),
        e.cost() == null ? "" : String.format(Locale.ROOT, ", $%.6f", e.cost()));
  }

  private static int report(Experiments experiments, Experiment e, PrintStream out) {
    Experiments.Summary s = experiments.summary(e);
    out.printf(Locale.ROOT, "Experiment %s %s: %d of %d items done, %d failed%s%s%n", e.experimentId(),
        e.status().name(), e.done(), e.total(), e.failed(),
        e.cost() == null ? "" : String.format(Locale.ROOT, ", cost $%.6f", e.cost()),
        e.error() == null ? "" : " (" + e.error() + ")");
    out.printf(Locale.ROOT, "  %-22s %8s %8s %10s  %s%n", "evaluator", "scored", "mean", "threshold", "result");
    boolean missed = false;
    for (Experiments.EvaluatorSummary es : s.evaluators()) {
      String result = es.met() == null ? "" : es.met() ? "ok" : "MISSED";
      missed |= Boolean.FALSE.equals(es.met());
      out.printf(Locale.ROOT, "  %-22s %8d %8s %10s  %s%n", es.name(), es.scored(),
          es.mean() == null ? "-" : String.format(Locale.ROOT, "%.4f", es.mean()),
          es.threshold() == null ? "-" : String.format(Locale.ROOT, ">= %.3f", es.threshold()), result);
    }
    if (missed) {
      out.println("A threshold was missed (every item must be scored and the mean at least the threshold).");
    }
    return missed || e.status() != Experiment.Status.SUCCEEDED ? 1 : 0;
  }

  private static int compare(java.util.function.Supplier<Engine> engines, Map<String, List<String>> opts, String a,
      String b, PrintStream out) {
    Integer limit = integer(one(opts, "limit"), "--limit");
    try (Engine engine = engines.get()) {
      Caller caller = caller(engine, opts);
      Experiments.Comparison c = engine.experiments().compare(caller, a, b, limit == null ? 10 : limit);
      out.printf("A: %s (%s, %s)%nB: %s (%s, %s)%n", c.a().experimentId(), c.a().name(),
          c.a().status().name().toLowerCase(Locale.ROOT), c.b().experimentId(), c.b().name(),
          c.b().status().name().toLowerCase(Locale.ROOT));
      out.printf("%d items in both, %d only in A, %d only in B%n", c.matched(), c.onlyA(), c.onlyB());
      out.printf(Locale.ROOT, "  %-22s %8s %8s %8s %9s %9s %9s%n", "evaluator", "mean A", "mean B", "delta",
          "improved", "regressed", "unchanged");
      for (Experiments.MetricDelta m : c.metrics()) {
        out.printf(Locale.ROOT, "  %-22s %8s %8s %8s %9d %9d %9d%n", m.name(), fmt(m.meanA()), fmt(m.meanB()),
            m.delta() == null ? "-" : String.format(Locale.ROOT, "%+.4f", m.delta()), m.improved(), m.regressed(),
            m.unchanged());
      }
      List<Experiments.ItemDelta> regressions = c.items().stream().filter(d -> d.worst() < 0).toList();
      if (!regressions.isEmpty()) {
        out.println("Largest regressions:");
        for (Experiments.ItemDelta d : regressions) {
          StringBuilder sb = new StringBuilder("  ").append(d.itemId()).append(':');
          for (Experiments.ScoreDelta sd : d.scores()) {
            sb.append(' ').append(sd.name()).append(' ').append(fmt(sd.a())).append(" -> ").append(fmt(sd.b()));
          }
          if (d.errorB() != null) {
            sb.append(" (B failed: ").append(d.errorB()).append(')');
          }
          out.println(sb);
        }
      }
      return 0;
    }
  }

  private static String fmt(Double d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.4f", d);
  }
}
