package io.guardops.host.bench;

import io.guardops.engine.Engine;
import io.guardops.host.GrpcCalls;
import io.grpc.Metadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gRPC row of the ingest benchmark: the same workload as {@link IngestBenchmark}'s OTLP/HTTP phase
 * (clients, batches of realistic LLM spans, duration), sent to the OTLP/gRPC receiver (the ingest-grpc
 * plugin from its zip) by a raw gRPC client over one channel, into a fresh engine with its own data
 * directory, so that neither phase runs on the other's data. Run with the ingest benchmark
 * ({@code -Dbench.grpc=false} skips it), or alone:
 *
 * <pre>
 * ./mvnw -q -pl host-app exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.guardops.host.bench.GrpcIngestBenchmark [-Dbench.seconds=20 -Dbench.clients=8 -Dbench.batch=100]
 * </pre>
 */
public final class GrpcIngestBenchmark {
  private GrpcIngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path source = Path.of(System.getProperty("bench.plugins", "host-app/target/test-plugins"));
    if (!Files.isDirectory(source)) {
      source = Path.of("target/test-plugins");
    }
    run(source, Integer.getInteger("bench.seconds", 20), Integer.getInteger("bench.clients", 8),
        Integer.getInteger("bench.batch", 100));
  }

  static void run(Path pluginZips, int seconds, int clients, int batch) throws Exception {
    Path dir = Files.createTempDirectory("guardops-bench-grpc");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    try (var zips = Files.newDirectoryStream(pluginZips, "*.zip")) {
      for (Path z : zips) {
        Files.copy(z, plugins.resolve(z.getFileName()));
      }
    }
    try (Engine engine = Engine.builder().workingDirectory(dir).setting("guardops.plugins.dir", plugins.toString())
        .setting("guardops.receivers.grpc.port", "0").startScheduler(false).build()) {
      String address = engine.receiverAddresses().stream().filter(a -> a.startsWith("grpc://")).findFirst()
          .orElseThrow(() -> new IllegalStateException("the ingest-grpc plugin is not in " + pluginZips));
      int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      Metadata headers = GrpcCalls.headers("x-guardops-api-key", engine.apiKeys().create("0"));
      AtomicLong spans = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      try (GrpcCalls grpc = new GrpcCalls(port)) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
          Thread t = new Thread(() -> {
            while (System.nanoTime() < end) {
              try {
                grpc.export(IngestBenchmark.request(batch), headers);
                spans.addAndGet(batch);
              } catch (RuntimeException e) {
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
        System.out.printf("ingest over OTLP/gRPC: %,d spans in %.1f s = %,.0f spans/s (%d clients, %d spans/request,"
            + " %d failed requests)%n", spans.get(), elapsed, spans.get() / elapsed, clients, batch, failures.get());
      }
    }
  }
}
