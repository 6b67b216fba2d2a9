package io.guardops.host.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server under test, started as a process of its own so its CPU time can be read from
 * {@code /proc/<pid>/stat} (utime + stime: every thread of the process) and its resident memory from
 * {@code /proc/<pid>/status}. Output goes to a log file. {@link #close()} stops it (SIGTERM, then
 * SIGKILL after 60 s).
 */
final class ServerProcess implements AutoCloseable {
  /** Clock ticks per second of /proc's CPU times ({@code getconf CLK_TCK}; 100 on Linux x86-64). */
  static final long CLK_TCK = clockTicks();

  final String name;
  final int port;
  final Process process;
  final Path log;

  private ServerProcess(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  static ServerProcess start(String name, List<String> command, Map<String, String> env, int port, Path log)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    ServerProcess p = new ServerProcess(name, port, pb.start(), log);
    // whatever happens to the load generator, the server goes with it
    Runtime.getRuntime().addShutdownHook(new Thread(p::close, "stop-" + name));
    return p;
  }

  /** A free TCP port on the loopback interface. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  long pid() {
    return process.pid();
  }

  /** User + system CPU time of the whole process so far, in nanoseconds. */
  long cpuNanos() {
    return cpuNanos(pid());
  }

  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // the command name (field 2) may contain spaces: fields are counted after its closing parenthesis
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * (1_000_000_000L / CLK_TCK);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e.getMessage(), e);
    }
  }

  /** Resident set size in bytes. */
  long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid() + "/status", e);
    }
    return -1;
  }

  /** Machine-wide CPU: {busy, total} jiffies since boot, from the first line of /proc/stat. */
  static long[] machineJiffies() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/stat", e);
    }
  }

  /** Waits until {@code path} answers 200 (the server is up), or fails after {@code seconds}. */
  void awaitReady(String path, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " at start-up; see " + log);
      }
      try (KeepAliveClient c = new KeepAliveClient("127.0.0.1", port, 2000)) {
        if (c.send("GET", path, "", null, 0, 0, false) == 200) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        // not up yet, or something else answered on the port before the server took it
        last = e instanceof IOException io ? io : new IOException(e);
      }
      Thread.sleep(200); // polling another process's start-up: there is no clock to inject
    }
    throw new IOException(name + " did not answer " + path + " within " + seconds + " s; see " + log, last);
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
