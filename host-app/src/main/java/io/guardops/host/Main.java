package io.guardops.host;

import io.guardops.api.CleanupRecord;
import io.guardops.engine.Engine;
import io.guardops.engine.Retention;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code guardops} command line.
 *
 * <pre>
 * guardops [serve] [--host H] [--port N] [--data-dir D] [--plugins-dir P] [--set key=value]...
 * guardops retention run [--data-dir D] [--plugins-dir P] [--set key=value]...
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
            if (a.startsWith("-")) {
              throw new IllegalArgumentException("unknown option " + a);
            }
            positional.add(a);
          }
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
    try (Engine engine = Engine.builder().settings(settings).startScheduler(false).build()) {
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

  private static String abbreviate(String s) {
    return s.length() <= 24 ? s : s.substring(0, 21) + "...";
  }
}
