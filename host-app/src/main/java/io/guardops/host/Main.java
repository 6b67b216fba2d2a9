package io.guardops.host;

import io.guardops.api.CleanupRecord;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.importer.DataImporter;
import io.guardops.api.importer.ImportProgress;
import io.guardops.api.importer.ImportReport;
import io.guardops.api.store.StoreException;
import io.guardops.engine.Engine;
import io.guardops.engine.Retention;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code guardops} command line.
 *
 * <pre>
 * guardops [serve] [--host H] [--port N] [--data-dir D] [--plugins-dir P] [--set key=value]...
 * guardops retention run [--data-dir D] [--plugins-dir P] [--set key=value]...
 * guardops import-mongo --from URI [--database D] [--keys hash|skip] [--data-dir D] [--plugins-dir P] [--set k=v]...
 * guardops eval run|compare ... (see {@link EvalCommand})
 * guardops --help | --version
 * </pre>
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  static final String USAGE = String.join("\n",
      "Usage: guardops [command] [options]",
      "",
      "Commands:",
      "  serve            start the HTTP server (default)",
      "  retention run    run one retention sweep now, show progress and what was deleted",
      "  import-mongo --from URI [--database NAME] [--keys hash|skip]",
      "                   copy an original GuardOps MongoDB database (its MONGO_URI) into the configured",
      "                   store, any store; --database defaults to the URI's, else Prod; --keys hash keeps",
      "                   the original API keys working (stored hashed), skip leaves them behind. Running it",
      "                   again changes nothing. Exit code 0 done, 2 bad options or unreachable source,",
      "                   1 failed part-way (what was imported stays: run it again)",
      "  eval run         run an experiment on a dataset now, with progress; exit 1 when a threshold is missed",
      "  eval compare     compare two experiments item by item (guardops eval --help)",
      "",
      "Options:",
      "  --host HOST          address to listen on (default 127.0.0.1; guardops.host)",
      "  --port PORT          port to listen on, 0 for any free port (default 8001; guardops.port)",
      "  --data-dir DIR       where the embedded store keeps its files (default ./data; guardops.data.dir)",
      "  --plugins-dir DIR    where plugin zips are loaded from (default ./plugins; guardops.plugins.dir)",
      "  --set KEY=VALUE      any setting, e.g. --set guardops.store=memory",
      "  --help               show this help",
      "  --version            show the version",
      "",
      "Configuration is read from system properties > environment > .env > conf/guardops.properties.",
      "");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the CLI; returns the exit code (0 ok, 2 usage or start-up error). Blocks while serving. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("eval")) {
      return EvalCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    List<String> positional = new ArrayList<>();
    Map<String, String> settings = new LinkedHashMap<>();
    // options no command of ours knows: an importer's (--from ...), or a mistake (said below)
    Map<String, String> extra = new LinkedHashMap<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--help", "-h" -> {
            out.print(USAGE);
            return 0;
          }
          case "--version" -> {
            out.println("guardops " + Engine.version());
            return 0;
          }
          case "--host" -> settings.put("guardops.host", value(args, ++i, a));
          case "--port" -> settings.put("guardops.port", value(args, ++i, a));
          case "--data-dir", "--plugins-dir", "--set" -> i = storeOption(args, i, settings);
          default -> {
            if (a.startsWith("--") && a.length() > 2) {
              boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
              extra.put(a.substring(2), hasValue ? args[++i] : null);
            } else if (a.startsWith("-")) {
              throw new IllegalArgumentException("unknown option " + a);
            } else {
              positional.add(a);
            }
          }
        }
      }
      boolean importing = positional.size() == 1 && positional.get(0).startsWith(IMPORT);
      for (Map.Entry<String, String> e : extra.entrySet()) {
        if (!importing) {
          throw new IllegalArgumentException("unknown option --" + e.getKey());
        }
        if (e.getValue() == null) {
          throw new IllegalArgumentException("--" + e.getKey() + " needs a value");
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("guardops: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    String command = String.join(" ", positional);
    try {
      switch (command) {
        case "", "serve":
          return serve(settings, out);
        case "retention run":
          return retentionRun(settings, out);
        default:
          if (positional.size() == 1 && command.startsWith(IMPORT) && command.length() > IMPORT.length()) {
            return importRun(command.substring(IMPORT.length()), settings, extra, out, err);
          }
          err.println("guardops: unknown command '" + command + "'");
          err.print(USAGE);
          return 2;
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("guardops: cannot start: " + e.getMessage());
      LOG.debug("start-up failure", e);
      return 2;
    }
  }

  /**
   * Reads an option every command that opens the store takes ({@code --data-dir}, {@code --plugins-dir},
   * {@code --set KEY=VALUE}) at {@code args[i]} into {@code settings}; returns the index of its value.
   *
   * @throws IllegalArgumentException when the value is missing or malformed
   */
  static int storeOption(String[] args, int i, Map<String, String> settings) {
    String option = args[i];
    String v = value(args, i + 1, option);
    switch (option) {
      case "--data-dir" -> settings.put("guardops.data.dir", v);
      case "--plugins-dir" -> settings.put("guardops.plugins.dir", v);
      default -> {
        int eq = v.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--set needs KEY=VALUE, got '" + v + "'");
        }
        settings.put(v.substring(0, eq), v.substring(eq + 1));
      }
    }
    return i + 1;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int serve(Map<String, String> settings, PrintStream out) {
    Engine engine = Engine.builder().settings(settings).build();
    GuardOpsServer server;
    try {
      String host = engine.config().getString("host", "127.0.0.1");
      int port = engine.config().getInt("port", 8001);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("guardops.port must be between 0 and 65535, was " + port);
      }
      warnIfExposed(engine, host);
      server = new GuardOpsServer(engine, host, port);
      server.start();
    } catch (Exception e) {
      engine.close();
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down");
      server.close();
      engine.close();
      stopped.countDown();
    }, "guardops-shutdown"));
    out.println("GuardOps " + Engine.version() + " serving on http://" + server.hostname() + ":" + server.port()
        + " (Ctrl-C to stop)");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
      engine.close();
    }
    return 0;
  }

  private static void warnIfExposed(Engine engine, String host) {
    String auth = engine.config().getString("auth", "single-user");
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("guardops.host '" + host + "' does not resolve");
    }
    if (!loopback && (auth.equals("single-user") || auth.equals("unprotected"))) {
      LOG.warn("*** {} mode has no login and listens on {}: anyone who can reach this address can read "
          + "and change all data. Use guardops.auth=auth0 or bind 127.0.0.1. ***", auth, host);
    }
  }

  private static int retentionRun(Map<String, String> settings, PrintStream out) {
    try (Engine engine = Engine.builder().settings(settings).startScheduler(false).startReceivers(false).build()) {
      out.println("Running a retention sweep...");
      Retention.SweepReport report = engine.retention().sweep((project, traces, spans) ->
          out.printf("\r  %-36s %-24s %,12d traces %,14d spans deleted", project.projectId(),
              abbreviate(project.name()), traces, spans));
      out.println();
      if (!report.ran()) {
        out.println("Another GuardOps instance is sweeping right now (it holds the retention lease); nothing done.");
        return 1;
      }
      if (report.records().isEmpty()) {
        out.println("No project has a retention period: nothing to delete.");
      }
      for (CleanupRecord r : report.records()) {
        out.printf("  project %s: deleted %,d traces and %,d spans started before %s (%d ms)%n",
            r.projectId(), r.deletedTraces(), r.deletedSpans(), r.cutoff(), r.duration().toMillis());
      }
      out.printf("Done: %,d traces and %,d spans deleted in %d projects.%n", report.deletedTraces(),
          report.deletedSpans(), report.records().size());
      return 0;
    }
  }

  static final String IMPORT = "import-";
  private static final String DRIVER_LOG_LEVEL = "org.slf4j.simpleLogger.log.org.mongodb.driver";

  /**
   * The import serves no requests, so it starts no identity provider: an authenticator that admits
   * nobody. That also leaves the store's auth mode unrecorded and creates no local user "0": the data
   * belongs to the original's users, and the server's first start decides the mode.
   */
  private static final Authenticator NO_REQUESTS =
      credentials -> AuthResult.unauthenticated("an import serves no requests");

  /** {@code guardops import-<name>}: runs the importer of that name into the configured store. */
  private static int importRun(String name, Map<String, String> settings, Map<String, String> options,
      PrintStream out, PrintStream err) {
    // the MongoDB driver's monitor logs every failed connection attempt with a stack trace at INFO; the
    // import says itself what is wrong, once (set before the driver's loggers exist; -D still wins)
    if (System.getProperty(DRIVER_LOG_LEVEL) == null) {
      System.setProperty(DRIVER_LOG_LEVEL, "warn");
    }
    try (Engine engine = Engine.builder().settings(settings).startScheduler(false).startReceivers(false)
        .authenticator(NO_REQUESTS).build()) {
      DataImporter importer = engine.dataImporter(name);
      out.println("Importing into the " + engine.config().getString("store", "sqlite") + " store...");
      LineProgress progress = new LineProgress(out);
      long started = System.nanoTime();
      ImportReport report;
      try {
        report = importer.run(options, engine.store(), progress);
      } catch (IllegalArgumentException | IOException e) {
        // a bad option, or a source that cannot be reached or read: nothing for a retry to fix as is
        progress.end();
        err.println("guardops: import-" + name + ": " + e.getMessage());
        LOG.debug("import failed", e);
        return 2;
      } catch (StoreException e) {
        progress.end();
        err.println("guardops: import-" + name + " failed part-way: the store failed: " + e.getMessage()
            + ". What was imported stays; run the import again once the store works (it is idempotent).");
        LOG.debug("import failed", e);
        return 1;
      } catch (Exception e) {
        progress.end();
        err.println("guardops: import-" + name + " failed part-way: " + (e.getMessage() != null ? e.getMessage()
            : e.toString()) + ". What was imported stays; run the import again to go on (it is idempotent).");
        LOG.error("import-{} failed", name, e);
        return 1;
      }
      progress.end();
      printReport(report, out);
      out.printf("Done in %.1f s.%n", (System.nanoTime() - started) / 1e9);
      return 0;
    }
  }

  private static void printReport(ImportReport report, PrintStream out) {
    out.println("Imported:");
    new TreeMap<>(report.imported()).forEach((what, n) -> out.printf("  %-40s %,12d%n", what, n));
    if (!report.skipped().isEmpty()) {
      out.println("Skipped:");
      new TreeMap<>(report.skipped()).forEach((why, n) -> out.printf("  %,12d  %s%n", n, why));
    }
    if (!report.notes().isEmpty()) {
      out.println("Notes:");
      report.notes().forEach(n -> out.println("  - " + n));
    }
  }

  /**
   * Progress as {@code retention run} shows it: one line per kind of thing, rewritten in place
   * ({@code \r}) at most ten times a second; the last count of a kind is always shown.
   */
  static final class LineProgress implements ImportProgress {
    private static final long INTERVAL_NANOS = 100_000_000L;
    private final PrintStream out;
    private String kind;
    private String pending;
    private long printedAt;

    LineProgress(PrintStream out) {
      this.out = out;
    }

    @Override
    public void progress(String what, long done, long total) {
      if (!what.equals(kind)) {
        end();
        kind = what;
        printedAt = System.nanoTime() - INTERVAL_NANOS;
      }
      pending = String.format("\r  %-16s %,12d%s", what, done, total >= 0 ? String.format(" of %,d", total) : "");
      if (System.nanoTime() - printedAt >= INTERVAL_NANOS || done == total) {
        flush();
      }
    }

    @Override
    public void note(String message) {
      end();
      out.println("  " + message);
    }

    private void flush() {
      if (pending != null) {
        out.print(pending);
        out.flush();
        pending = null;
        printedAt = System.nanoTime();
      }
    }

    /** Shows the last count and ends the line. */
    void end() {
      flush();
      if (kind != null) {
        out.println();
        kind = null;
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 24 ? s : s.substring(0, 21) + "...";
  }
}
