package io.guardops.plugins.ingest.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.util.concurrent.GlobalEventExecutor;
import io.guardops.api.Health;
import io.guardops.api.ingest.IngestReceiver;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server: Netty (grpc's shaded copy), one service ({@link TraceService}), a fixed pool of
 * request threads, gRPC's own message size limit set to ours, gzip through gRPC's decompressor
 * registry. The event loops are the receiver's own, not gRPC's shared ones, so that {@link #close()}
 * returns only once every Netty thread has ended: the engine unloads the plugin next, and a thread of
 * a closed plugin class loader that still loads classes fails (or, where the application has its own
 * copy of gRPC, takes the application's classes and breaks that copy).
 */
final class GrpcReceiver implements IngestReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcReceiver.class);
  /**
   * gRPC logs every message over the size limit as a WARNING with a stack trace (java.util.logging); it
   * is a refusal the client is told about and the metrics count. Held here: JUL keeps loggers weakly.
   */
  private static final java.util.logging.Logger DEFRAME_LOG = quiet(
      "io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
    l.setLevel(java.util.logging.Level.SEVERE);
    return l;
  }

  private final String host;
  private final int port;
  private final int maxMessageBytes;
  private final int threads;
  private final ExportHandler handler;
  private Server server;
  private ExecutorService executor;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private volatile boolean closed;

  GrpcReceiver(String host, int port, int maxMessageBytes, int threads, ExportHandler handler) {
    this.host = host;
    this.port = port;
    this.maxMessageBytes = maxMessageBytes;
    this.threads = threads;
    this.handler = handler;
  }

  @Override
  public synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "guardops-grpc-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    EventLoopGroup bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("guardops-grpc-accept", true));
    EventLoopGroup workerGroup = new NioEventLoopGroup(Math.min(4, Runtime.getRuntime().availableProcessors()),
        new DefaultThreadFactory("guardops-grpc-io", true));
    Server s = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .channelType(NioServerSocketChannel.class)
        .bossEventLoopGroup(bossGroup)
        .workerEventLoopGroup(workerGroup)
        .executor(pool)
        // gRPC refuses a larger frame before buffering it; a gzip frame that inflates past the limit is
        // caught while the request is read (RequestMarshaller)
        .maxInboundMessageSize(maxMessageBytes)
        .addStreamTracerFactory(new RefusalTracer.Factory(handler))
        .addService(ServerInterceptors.intercept(TraceService.definition(handler, maxMessageBytes),
            new RequestMetadata.Interceptor()))
        .build();
    try {
      s.start();
    } catch (IOException e) {
      pool.shutdownNow();
      stopEventLoops(bossGroup, workerGroup);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String why = cause instanceof BindException ? "the address is in use or not available" : cause.toString();
      throw new IOException("cannot listen for OTLP/gRPC on " + host + ":" + port + " (" + why
          + "): set guardops.receivers.grpc.port (0 picks a free port) or guardops.receivers=none", e);
    }
    server = s;
    executor = pool;
    boss = bossGroup;
    workers = workerGroup;
  }

  private static void stopEventLoops(EventLoopGroup boss, EventLoopGroup workers) {
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    // Netty's global executor runs the server's last close listener on a thread of its own: let it finish
    // (its thread then idles out by itself, running no new code)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (GlobalEventExecutor.INSTANCE.pendingTasks() > 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  @Override
  public String address() {
    Server s = server;
    int bound = s == null ? port : ((InetSocketAddress) s.getListenSockets().get(0)).getPort();
    return "grpc://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound;
  }

  @Override
  public Health check() {
    Server s = server;
    if (closed || s == null || s.isShutdown()) {
      return Health.down("the OTLP/gRPC receiver is not listening");
    }
    return Health.up(address());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server == null) {
      return;
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("OTLP/gRPC requests still running after 5 s: cancelling them");
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    stopEventLoops(boss, workers);
  }
}
