package io.guardops.host.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * GuardOps against Zipkin, side by side, on one machine (not a unit test: a {@code main}). Both servers
 * run as processes of their own: Zipkin 3.5.1 from its Maven Central exec jar (in-memory storage,
 * {@code MEM_MAX_SPANS=200000}, {@code -Xmx2g}) and GuardOps from the packaged distribution
 * ({@code bin/guardops serve}, default settings: the durable SQLite store). One load generator drives
 * both with the same spans ({@link LlmWorkload}: batches of 25 traces x 4 spans, as OTLP protobuf to
 * GuardOps's {@code /v1/traces} and as Zipkin JSON v2 to Zipkin's {@code /api/v2/spans}), on
 * keep-alive connections, alternating between the servers: per connection count, each server gets a
 * warm-up and a measured window. For each window it reports acknowledged spans per second, request
 * latency p50 / p99, the server's CPU per span ({@code /proc/<pid>/stat} utime + stime over the window),
 * how busy the whole machine was, and the ratios GuardOps / Zipkin. Finally GuardOps is stopped and its
 * data directory measured (bytes per stored span after the checkpoint of a clean shutdown).
 *
 * <p>Settings ({@code -Dbench.*}): {@code seconds} (20), {@code warmup} (5), {@code connections}
 * ({@code 4,16}), {@code rounds} (1), {@code spread} (3600: traces start within the last hour),
 * {@code seed} (42), {@code guardops} (the unpacked distribution, {@code distribution/target/guardops}),
 * {@code zipkinJar} (the exec jar in {@code ~/.m2}), {@code guardopsOpts} (extra {@code JAVA_OPTS}),
 * {@code keep} (false: the servers' directories are deleted at the end), {@code servers} ({@code zipkin,guardops}; add {@code library} for GuardOps's library path, one span per
 * {@code store_trace} request, on the same GuardOps process).
 */
public final class SideBySideBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int TRACES_PER_REQUEST = 25;

  private SideBySideBenchmark() {}

  /** One server and how the load generator talks to it. */
  abstract static class Target implements AutoCloseable {
    final ServerProcess process;
    final AtomicLong nextTrace = new AtomicLong();
    long acknowledgedSpans;

    Target(ServerProcess process) {
      this.process = process;
    }

    String name() {
      return process.name;
    }

    abstract String path();

    abstract String headers();

    /** A request body of {@code traces} traces from {@code first}; per thread: {@code state} is its own. */
    abstract Encoders.Bytes body(Object state, long first, int traces, long nowNanos);

    abstract Object newState();

    /** Spans in one request. */
    int spansPerRequest() {
      return TRACES_PER_REQUEST * LlmWorkload.SPANS_PER_TRACE;
    }

    /** The next request body: traces never sent before. */
    Encoders.Bytes next(Object state, long nowNanos) {
      long first = nextTrace.getAndAdd(TRACES_PER_REQUEST);
      return body(state, first, TRACES_PER_REQUEST, nowNanos);
    }

    boolean ok(int status) {
      return status == 200 || status == 202;
    }

    @Override
    public void close() {
      process.close();
    }
  }

  /** Zipkin: JSON v2 to /api/v2/spans. */
  static final class ZipkinTarget extends Target {
    private final LlmWorkload workload;

    ZipkinTarget(ServerProcess p, LlmWorkload workload) {
      super(p);
      this.workload = workload;
    }

    @Override
    String path() {
      return "/api/v2/spans";
    }

    @Override
    String headers() {
      return "Content-Type: application/json\r\n";
    }

    @Override
    Object newState() {
      return new Encoders.Zipkin();
    }

    @Override
    Encoders.Bytes body(Object state, long first, int traces, long nowNanos) {
      Encoders.Zipkin z = (Encoders.Zipkin) state;
      z.reset();
      workload.traces(first, traces, nowNanos, z);
      return z.request();
    }
  }

  /** GuardOps: OTLP protobuf to /v1/traces with an API key. */
  static final class GuardOpsTarget extends Target {
    private final LlmWorkload workload;
    final String key;
    final String projectId;
    final Path dataDir;

    GuardOpsTarget(ServerProcess p, LlmWorkload workload, String key, String projectId, Path dataDir) {
      super(p);
      this.workload = workload;
      this.key = key;
      this.projectId = projectId;
      this.dataDir = dataDir;
    }

    @Override
    String path() {
      return "/v1/traces";
    }

    @Override
    String headers() {
      return "Content-Type: application/x-protobuf\r\nAuthorization: Bearer " + key + "\r\n";
    }

    @Override
    Object newState() {
      return new Encoders.Otlp();
    }

    @Override
    Encoders.Bytes body(Object state, long first, int traces, long nowNanos) {
      Encoders.Otlp o = (Encoders.Otlp) state;
      o.reset();
      workload.traces(first, traces, nowNanos, o);
      return o.request();
    }
  }

  /**
   * GuardOps as the Python library talks to it: {@code POST /api/store_trace/} with one span per request,
   * as each span ends (children before their root), the first span of a trace announcing it. Same spans
   * as the OTLP target, in the library's JSON.
   */
  static final class LibraryTarget extends Target {
    private final LlmWorkload workload;
    private final String path;
    private final String rawKey;
    private final String projectId;

    LibraryTarget(GuardOpsTarget g, LlmWorkload workload) throws Exception {
      super(g.process);
      this.workload = workload;
      this.rawKey = g.key;
      this.projectId = g.projectId;
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      this.path = "/api/store_trace/?user_id=0&project_id=" + projectId + "&key_hash="
          + java.util.HexFormat.of().formatHex(sha.digest(rawKey.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Override
    String name() {
      return "library";
    }

    @Override
    String path() {
      return path;
    }

    @Override
    String headers() {
      return "Content-Type: application/json\r\n";
    }

    @Override
    int spansPerRequest() {
      return 1;
    }

    /** A thread's encoder and the bodies of its current trace still to send. */
    private static final class State {
      final Encoders.Library library = new Encoders.Library();
      final java.util.ArrayDeque<byte[]> pending = new java.util.ArrayDeque<>();
      final Encoders.Bytes out = new Encoders.Bytes(8192);
    }

    @Override
    Object newState() {
      return new State();
    }

    @Override
    Encoders.Bytes next(Object state, long nowNanos) {
      State st = (State) state;
      if (st.pending.isEmpty()) {
        long trace = nextTrace.getAndIncrement();
        st.library.reset();
        workload.traces(trace, 1, nowNanos, st.library);
        List<byte[]> bodies = st.library.bodies();
        // the library announces the trace with the first span it sends: add the trace object to that body
        byte[] first = bodies.get(0);
        String traceHex = new String(first, java.nio.charset.StandardCharsets.UTF_8).replaceAll(
            "(?s).*?\"trace_id\":\"0x([0-9a-f]{32})\".*", "$1");
        String announce = ",\"trace\":{\"trace_id\":\"0x" + traceHex + "\",\"access_token\":\"" + rawKey
            + "\",\"project_id\":\"" + projectId + "\",\"playground_id\":null}}";
        byte[] tail = announce.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] announced = Arrays.copyOf(first, first.length - 1 + tail.length);
        System.arraycopy(tail, 0, announced, first.length - 1, tail.length);
        st.pending.add(announced);
        for (int i = 1; i < bodies.size(); i++) {
          st.pending.add(bodies.get(i));
        }
      }
      st.out.reset();
      byte[] b = st.pending.poll();
      st.out.put(b, 0, b.length);
      return st.out;
    }

    @Override
    Encoders.Bytes body(Object state, long first, int traces, long nowNanos) {
      throw new UnsupportedOperationException("the library sends one span per request: use next()");
    }

    @Override
    public void close() {
      // the GuardOps target owns the process
    }
  }

  /** What one measured window gave. */
  record Result(String server, int connections, long spans, double seconds, double p50Millis, double p99Millis,
      double serverCpuMicrosPerSpan, double machineBusy, double loadGeneratorCpuMicrosPerSpan, long failures,
      long rssBytes) {
    double spansPerSecond() {
      return spans / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 20);
    int warmup = Integer.getInteger("bench.warmup", 5);
    int rounds = Integer.getInteger("bench.rounds", 1);
    long spread = Long.getLong("bench.spread", 3600);
    long seed = Long.getLong("bench.seed", 42);
    int[] connections = Arrays.stream(System.getProperty("bench.connections", "4,16").split(","))
        .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    List<String> servers = List.of(System.getProperty("bench.servers", "zipkin,guardops").split(","));
    Path work = Files.createTempDirectory("guardops-sbs");
    LlmWorkload workload = new LlmWorkload(seed, spread);

    List<Target> targets = new ArrayList<>();
    try {
      if (servers.contains("zipkin")) {
        targets.add(startZipkin(work, workload));
      }
      GuardOpsTarget guardops = null;
      if (servers.contains("guardops") || servers.contains("library")) {
        guardops = startGuardOps(work, workload);
      }
      if (servers.contains("guardops")) {
        targets.add(guardops);
      }
      if (servers.contains("library")) {
        targets.add(new LibraryTarget(guardops, workload));
      }
      System.out.printf("# side-by-side ingest, %s, %d-core machine, %d s warm-up + %d s measured, batches of %d spans%n",
          LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME), Runtime.getRuntime().availableProcessors(),
          warmup, seconds, TRACES_PER_REQUEST * LlmWorkload.SPANS_PER_TRACE);
      System.out.printf("# request body: %,d bytes OTLP protobuf, %,d bytes Zipkin JSON per %d spans%n",
          new GuardOpsTarget(null, workload, "", "", null).body(new Encoders.Otlp(), 0, TRACES_PER_REQUEST,
              System.currentTimeMillis() * 1_000_000L).len,
          new ZipkinTarget(null, workload).body(new Encoders.Zipkin(), 0, TRACES_PER_REQUEST,
              System.currentTimeMillis() * 1_000_000L).len, TRACES_PER_REQUEST * LlmWorkload.SPANS_PER_TRACE);
      for (Target t : targets) {
        System.out.printf("# %s: pid %d, port %d, log %s%n", t.name(), t.process.pid(), t.process.port, t.process.log);
      }
      List<Result> results = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        for (int ci = 0; ci < connections.length; ci++) {
          // alternate which server goes first, so neither always runs on a machine warmed by the other
          List<Target> order = new ArrayList<>(targets);
          if ((round + ci) % 2 == 1) {
            java.util.Collections.reverse(order);
          }
          for (Target t : order) {
            Result r = phase(t, connections[ci], warmup, seconds);
            results.add(r);
            printResult(r);
          }
        }
      }
      System.out.println();
      printTable(results, connections);
      if (guardops != null) {
        ServerProcess g = guardops.process;
        long acked = targets.stream().filter(t -> t.process == g).mapToLong(t -> t.acknowledgedSpans)
            .sum();
        guardops.process.close();
        long bytes = directorySize(guardops.dataDir);
        System.out.printf("%nGuardOps data directory after a clean stop: %,d bytes for %,d acknowledged spans = %,.0f bytes per span%n",
            bytes, acked, bytes / (double) Math.max(1, acked));
      }
    } finally {
      for (Target t : targets) {
        t.close();
      }
      // a run leaves gigabytes of spans behind: kept only when asked (-Dbench.keep=true)
      if (!Boolean.getBoolean("bench.keep")) {
        try (Stream<Path> files = Files.walk(work)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  static ZipkinTarget startZipkin(Path work, LlmWorkload workload) throws Exception {
    Path jar = Path.of(System.getProperty("bench.zipkinJar", System.getProperty("user.home")
        + "/.m2/repository/io/zipkin/zipkin-server/3.5.1/zipkin-server-3.5.1-exec.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("Zipkin's exec jar is not at " + jar + "; fetch it with ./mvnw -q"
          + " dependency:get -Dartifact=io.zipkin:zipkin-server:3.5.1:jar:exec -Dtransitive=false");
    }
    int port = ServerProcess.freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ServerProcess p = ServerProcess.start("zipkin", List.of(java, "-Xmx2g", "-jar", jar.toString()),
        Map.of("STORAGE_TYPE", "mem", "MEM_MAX_SPANS", "200000", "QUERY_PORT", Integer.toString(port),
            "SELF_TRACING_ENABLED", "false"), port, work.resolve("zipkin.log"));
    p.awaitReady("/health", 120);
    return new ZipkinTarget(p, workload);
  }

  static GuardOpsTarget startGuardOps(Path work, LlmWorkload workload) throws Exception {
    Path home = Path.of(System.getProperty("bench.guardops", "distribution/target/guardops")).toAbsolutePath();
    Path launcher = home.resolve("bin/guardops");
    if (!Files.isRegularFile(launcher)) {
      throw new IllegalStateException("no GuardOps distribution at " + home + ": build it with"
          + " ./mvnw -q -o -DskipTests package (or set -Dbench.guardops)");
    }
    int port = ServerProcess.freePort();
    Path data = Files.createDirectories(work.resolve("guardops-data"));
    Map<String, String> env = new LinkedHashMap<>();
    String opts = System.getProperty("bench.guardopsOpts");
    if (opts != null) {
      env.put("JAVA_OPTS", opts);
    }
    env.put("JAVA_HOME", System.getProperty("java.home"));
    // the OTLP/gRPC receiver on a free port rather than 4317, which another GuardOps on the machine may hold
    ServerProcess p = ServerProcess.start("guardops", List.of("sh", launcher.toString(), "serve", "--port",
        Integer.toString(port), "--data-dir", data.toString(), "--set", "guardops.receivers.grpc.port=0"), env, port,
        work.resolve("guardops.log"));
    p.awaitReady("/health", 120);
    try (KeepAliveClient c = new KeepAliveClient("127.0.0.1", port, 10_000)) {
      if (c.send("POST", "/api/create_key?user_id=0", "", new byte[0], 0, 0, true) != 200) {
        throw new IllegalStateException("create_key failed: " + KeepAliveClient.utf8(c.body()));
      }
      String key = JSON.readTree(c.body()).asText();
      if (c.send("GET", "/api/get_projects?user_id=0", "", null, 0, 0, true) != 200) {
        throw new IllegalStateException("get_projects failed: " + KeepAliveClient.utf8(c.body()));
      }
      JsonNode projects = JSON.readTree(c.body()).get("projects");
      return new GuardOpsTarget(p, workload, key, projects.get(0).get("project_id").asText(), data);
    }
  }

  /** Warm-up, then the measured window, on {@code connections} keep-alive connections. */
  static Result phase(Target t, int connections, int warmupSeconds, int seconds) throws Exception {
    long start = System.nanoTime();
    long measureFrom = start + warmupSeconds * 1_000_000_000L;
    long measureTo = measureFrom + seconds * 1_000_000_000L;
    int spansPerRequest = t.spansPerRequest();
    long[][] latencies = new long[connections][];
    int[] counts = new int[connections];
    long[] failures = new long[connections];
    long[] acked = new long[connections];
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      int id = i;
      latencies[i] = new long[4096];
      Thread th = new Thread(() -> {
        Object state = t.newState();
        try (KeepAliveClient c = new KeepAliveClient("127.0.0.1", t.process.port, 60_000)) {
          while (System.nanoTime() < measureTo) {
            Encoders.Bytes body = t.next(state, System.currentTimeMillis() * 1_000_000L);
            long t0 = System.nanoTime();
            boolean ok;
            try {
              ok = t.ok(c.send("POST", t.path(), t.headers(), body.buf, 0, body.len, false));
            } catch (IOException e) {
              ok = false;
            }
            long t1 = System.nanoTime();
            if (ok) {
              acked[id] += spansPerRequest;
            }
            if (t1 >= measureFrom && t1 < measureTo) {
              if (!ok) {
                failures[id]++;
                continue;
              }
              if (counts[id] == latencies[id].length) {
                latencies[id] = Arrays.copyOf(latencies[id], counts[id] * 2);
              }
              latencies[id][counts[id]++] = t1 - t0;
            }
          }
        }
      }, "load-" + t.name() + "-" + i);
      th.start();
      threads.add(th);
    }
    sleepUntil(measureFrom);
    long cpu0 = t.process.cpuNanos();
    long self0 = ServerProcess.cpuNanos(ProcessHandle.current().pid());
    long[] machine0 = ServerProcess.machineJiffies();
    long wall0 = System.nanoTime();
    sleepUntil(measureTo);
    long cpu1 = t.process.cpuNanos();
    long self1 = ServerProcess.cpuNanos(ProcessHandle.current().pid());
    long[] machine1 = ServerProcess.machineJiffies();
    long wall1 = System.nanoTime();
    long rss = t.process.rssBytes();
    for (Thread th : threads) {
      th.join();
    }
    long n = 0;
    long failed = 0;
    for (int i = 0; i < connections; i++) {
      n += counts[i];
      failed += failures[i];
      t.acknowledgedSpans += acked[i];
    }
    long[] all = new long[(int) n];
    int at = 0;
    for (int i = 0; i < connections; i++) {
      System.arraycopy(latencies[i], 0, all, at, counts[i]);
      at += counts[i];
    }
    Arrays.sort(all);
    long spans = n * spansPerRequest;
    double window = (wall1 - wall0) / 1e9;
    double busy = (machine1[0] - machine0[0]) / (double) Math.max(1, machine1[1] - machine0[1]);
    return new Result(t.name(), connections, spans, window, percentile(all, 0.50), percentile(all, 0.99),
        (cpu1 - cpu0) / 1e3 / Math.max(1, spans), busy, (self1 - self0) / 1e3 / Math.max(1, spans), failed, rss);
  }

  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, left / 1_000_000L));
    }
  }

  static void printResult(Result r) {
    System.out.printf(Locale.ROOT, "%-8s %2d conns: %,8.0f spans/s  p50 %6.1f ms  p99 %6.1f ms  server CPU %5.1f us/span"
            + "  machine busy %3.0f%%  load generator %4.1f us/span  failures %d  RSS %,d MB%n",
        r.server(), r.connections(), r.spansPerSecond(), r.p50Millis(), r.p99Millis(), r.serverCpuMicrosPerSpan(),
        r.machineBusy() * 100, r.loadGeneratorCpuMicrosPerSpan(), r.failures(), r.rssBytes() >> 20);
  }

  static void printTable(List<Result> results, int[] connections) {
    System.out.println("| server | connections | spans/s | p50 ms | p99 ms | server CPU us/span | machine busy | failed requests |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %.1f | %.1f | %.1f | %.0f%% | %d |%n", r.server(),
          r.connections(), r.spansPerSecond(), r.p50Millis(), r.p99Millis(), r.serverCpuMicrosPerSpan(),
          r.machineBusy() * 100, r.failures());
    }
    for (int c : connections) {
      List<Result> z = results.stream().filter(r -> r.connections() == c && r.server().equals("zipkin")).toList();
      List<Result> g = results.stream().filter(r -> r.connections() == c && r.server().equals("guardops")).toList();
      for (int i = 0; i < Math.min(z.size(), g.size()); i++) {
        System.out.printf(Locale.ROOT, "ratio GuardOps/Zipkin at %d connections: throughput %.2f, CPU per span %.2f%n",
            c, g.get(i).spansPerSecond() / z.get(i).spansPerSecond(),
            g.get(i).serverCpuMicrosPerSpan() / z.get(i).serverCpuMicrosPerSpan());
      }
    }
  }

  static long directorySize(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    }
  }
}
