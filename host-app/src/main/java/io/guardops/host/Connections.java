package io.guardops.host;

import fi.iki.elonen.NanoHTTPD;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the server holds its connections. NanoHTTPD serves a connection on one thread for its whole life,
 * blocked in a read while the client is idle between keep-alive requests; a bounded pool of such threads
 * (what we had) refuses the next connection once as many clients merely stay connected. So every
 * connection gets a thread of its own, up to {@code guardops.http.max-connections}: a virtual thread
 * where the JVM has them (21+; an idle one costs a few hundred bytes), else a platform thread with a
 * small stack, reused from connection to connection. What bounds the work is {@link GuardOpsServer}'s
 * limit on requests handled at once, not the number of connections.
 */
final class Connections implements NanoHTTPD.AsyncRunner {
  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
  /** A platform connection thread mostly waits in a read; its deepest work (JSON, SQLite) fits in this. */
  static final long PLATFORM_STACK_BYTES = 512 * 1024;
  /** Connections waiting to be accepted while the acceptor is busy (the kernel caps it at somaxconn). */
  static final int BACKLOG = 1024;

  private final int maxConnections;
  private final ExecutorService threads;
  private final boolean virtual;
  private final Set<NanoHTTPD.ClientHandler> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();

  Connections(int maxConnections, boolean preferVirtual) {
    this.maxConnections = maxConnections;
    ExecutorService v = preferVirtual ? virtualThreads() : null;
    this.virtual = v != null;
    this.threads = v != null ? v : platformThreads(maxConnections);
  }

  /** Whether connections run on virtual threads. */
  boolean virtual() {
    return virtual;
  }

  /** Connections open now. */
  int open() {
    return count.get();
  }

  @Override
  public void exec(NanoHTTPD.ClientHandler handler) {
    if (count.incrementAndGet() > maxConnections) {
      count.decrementAndGet();
      LOG.warn("{} connections are open, the most guardops.http.max-connections allows: refusing one", maxConnections);
      handler.close();
      return;
    }
    open.add(handler);
    try {
      threads.execute(handler);
    } catch (RuntimeException e) {
      // shutting down, or no thread could be made: the connection is closed, not left hanging
      closed(handler);
      handler.close();
      LOG.warn("could not start a connection thread: {}", e.toString());
    }
  }

  @Override
  public void closed(NanoHTTPD.ClientHandler handler) {
    if (open.remove(handler)) {
      count.decrementAndGet();
    }
  }

  @Override
  public void closeAll() {
    for (NanoHTTPD.ClientHandler h : List.copyOf(open)) {
      h.close();
    }
    threads.shutdown();
  }

  private static ExecutorService platformThreads(int max) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(null, r, "guardops-http-" + n.incrementAndGet(), PLATFORM_STACK_BYTES);
      t.setDaemon(true);
      return t;
    };
    // no queue: a connection gets an idle thread or a new one at once; idle threads go after a minute
    return new ThreadPoolExecutor(0, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
  }

  /**
   * {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("guardops-http-", 1).factory())}
   * on a JVM that has virtual threads (reflection: the code is compiled for Java 17), else null.
   */
  static ExecutorService virtualThreads() {
    if (Runtime.version().feature() < 21) {
      return null;
    }
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      builder = ofVirtual.getMethod("name", String.class, long.class).invoke(builder, "guardops-http-", 1L);
      ThreadFactory factory = (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory")
          .invoke(builder);
      Method perTask = java.util.concurrent.Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
      return (ExecutorService) perTask.invoke(null, factory);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("virtual threads are not available ({}); using platform threads", e.toString());
      return null;
    }
  }

  /**
   * Server sockets with TCP_NODELAY on every accepted socket (NanoHTTPD's default of Nagle plus delayed
   * ACK stalls each response by 40 ms) and a backlog of {@value #BACKLOG} (NanoHTTPD binds with Java's
   * default of 50, so a burst of new clients saw refused or retried connections).
   */
  static NanoHTTPD.ServerSocketFactory serverSockets() {
    return () -> new ServerSocket() {
      @Override
      public void bind(SocketAddress endpoint) throws IOException {
        super.bind(endpoint, BACKLOG);
      }

      @Override
      public Socket accept() throws IOException {
        Socket s = super.accept();
        s.setTcpNoDelay(true);
        return s;
      }
    };
  }
}
