package io.guardops.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import fi.iki.elonen.NanoHTTPD;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: NanoHTTPD tuned as PITFALLS.md describes (TCP_NODELAY on accepted sockets,
 * a bounded worker pool, our own body reading with a size cap and chunked decoding), routing to
 * {@link Routes}. Every reply is JSON; errors are {@code {"detail": "..."}}.
 */
public final class GuardOpsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GuardOpsServer.class);
  static final String MIME_JSON = "application/json";

  private final Engine engine;
  private final Routes routes;
  private final Nano nano;
  private final long maxBodyBytes;
  private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /**
   * Creates a server for {@code engine} on {@code host:port} (port 0 picks a free one). Settings:
   * {@code guardops.http.max-body-bytes} (default 16 MiB), {@code guardops.http.threads} (default 64).
   */
  public GuardOpsServer(Engine engine, String host, int port) {
    this.engine = engine;
    this.maxBodyBytes = engine.config().getLong("http.max-body-bytes", 16L * 1024 * 1024);
    if (maxBodyBytes < 1024 || maxBodyBytes > 1L << 30) {
      throw new IllegalArgumentException("guardops.http.max-body-bytes must be between 1024 and 1073741824 (1 GiB), was "
          + maxBodyBytes);
    }
    int threads = engine.config().getInt("http.threads", 64);
    if (threads < 2 || threads > 4096) {
      throw new IllegalArgumentException("guardops.http.threads must be between 2 and 4096");
    }
    this.routes = new Routes(engine, json);
    this.nano = new Nano(host, port, threads);
  }

  /** Starts listening; returns once the socket is bound. */
  public void start() throws IOException {
    nano.start(NanoHTTPD.SOCKET_READ_TIMEOUT, false);
    LOG.info("GuardOps listening on http://{}:{}", nano.getHostname(), nano.getListeningPort());
  }

  /** The bound port. */
  public int port() {
    return nano.getListeningPort();
  }

  @Override
  public void close() {
    nano.stop();
  }

  private NanoHTTPD.Response handle(NanoHTTPD.IHTTPSession session) {
    long t0 = System.nanoTime();
    String path = session.getUri();
    if (path.startsWith("/tracing/")) {
      path = path.substring("/tracing".length()); // the original backend's proxy root path
    }
    Map<String, String> headers = session.getHeaders();
    Request request = new Request(session.getMethod().name(), path, queryParameters(session),
        headers, session.getRemoteIpAddress(), () -> BodyReaders.read(session.getInputStream(),
            headers.get("content-length"), headers.get("transfer-encoding"), headers.get("content-encoding"),
            maxBodyBytes));
    NanoHTTPD.Response response;
    try {
      Routes.Reply reply = routes.dispatch(request);
      response = NanoHTTPD.newFixedLengthResponse(status(reply.status()), reply.contentType(),
          new java.io.ByteArrayInputStream(reply.body()), reply.body().length);
    } catch (EngineException e) {
      response = error(e.kind().httpStatus(), e.getMessage());
      if (e.kind().httpStatus() >= 500) {
        LOG.warn("{} {} -> {}: {}", request.method(), path, e.kind().httpStatus(), e.getMessage());
      }
    } catch (UncheckedIOException e) {
      response = error(400, "could not read the request body: " + e.getCause().getMessage());
    } catch (io.guardops.api.StoreException e) {
      LOG.error("{} {} failed in the store: {}", request.method(), path, e.toString(), e);
      response = error(503, "the store is unavailable; retry later");
    } catch (RuntimeException e) {
      LOG.error("{} {} failed: {}", request.method(), path, e.toString(), e);
      response = error(500, "internal error");
    }
    boolean hasBody = headers.containsKey("content-length") && !"0".equals(headers.get("content-length"))
        || headers.containsKey("transfer-encoding");
    if (hasBody && !request.bodyRead()) {
      // an unread body would be parsed as the next request: drop the connection instead
      response.closeConnection(true);
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} -> {} in {} us", request.method(), path, response.getStatus().getRequestStatus(),
          (System.nanoTime() - t0) / 1000);
    }
    return response;
  }

  private NanoHTTPD.Response error(int status, String detail) {
    return NanoHTTPD.newFixedLengthResponse(status(status), MIME_JSON, toJson(Map.of("detail", detail)));
  }

  String toJson(Object o) {
    try {
      return json.writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The request's query parameters. NanoHTTPD's {@code getQueryParameterString()} keeps the previous
   * request's value on a keep-alive connection when the next request has no query, so we take
   * {@code getParameters()}, which it rebuilds per request (we never call {@code parseBody}, so it
   * holds the query only). Values NanoHTTPD could not percent-decode arrive as null: refused.
   */
  static Map<String, List<String>> queryParameters(NanoHTTPD.IHTTPSession session) {
    Map<String, List<String>> out = new HashMap<>();
    for (Map.Entry<String, List<String>> e : session.getParameters().entrySet()) {
      if (e.getKey() == null) {
        continue;
      }
      List<String> values = new ArrayList<>();
      for (String v : e.getValue()) {
        if (v == null) {
          throw EngineException.badRequest("malformed query parameter '" + e.getKey() + "'");
        }
        values.add(v);
      }
      out.put(e.getKey(), values);
    }
    return out;
  }

  static NanoHTTPD.Response.IStatus status(int code) {
    for (NanoHTTPD.Response.Status s : NanoHTTPD.Response.Status.values()) {
      if (s.getRequestStatus() == code) {
        return s;
      }
    }
    String text = switch (code) {
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
    return new NanoHTTPD.Response.IStatus() {
      @Override
      public String getDescription() {
        return code + " " + text;
      }

      @Override
      public int getRequestStatus() {
        return code;
      }
    };
  }

  private final class Nano extends NanoHTTPD {
    Nano(String host, int port, int threads) {
      super(host, port);
      // NanoHTTPD's default is Nagle + delayed ACK = a 40 ms stall per response
      setServerSocketFactory(() -> new ServerSocket() {
        @Override
        public Socket accept() throws IOException {
          Socket s = super.accept();
          s.setTcpNoDelay(true);
          return s;
        }
      });
      setAsyncRunner(new PooledRunner(threads));
    }

    @Override
    public Response serve(IHTTPSession session) {
      return handle(session);
    }

    @Override
    protected boolean useGzipWhenAccepted(Response r) {
      return false;
    }
  }

  /** A bounded pool instead of NanoHTTPD's thread per connection. */
  private static final class PooledRunner implements NanoHTTPD.AsyncRunner {
    private final ThreadPoolExecutor pool;
    private final Set<NanoHTTPD.ClientHandler> running = Collections.newSetFromMap(new ConcurrentHashMap<>());

    PooledRunner(int threads) {
      AtomicInteger n = new AtomicInteger();
      pool = new ThreadPoolExecutor(Math.min(8, threads), threads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "guardops-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          },
          (r, executor) -> {
            LOG.warn("all {} HTTP workers busy: refusing a connection", threads);
            ((NanoHTTPD.ClientHandler) r).close();
          });
    }

    @Override
    public void exec(NanoHTTPD.ClientHandler handler) {
      running.add(handler);
      pool.execute(handler);
    }

    @Override
    public void closed(NanoHTTPD.ClientHandler handler) {
      running.remove(handler);
    }

    @Override
    public void closeAll() {
      for (NanoHTTPD.ClientHandler h : List.copyOf(running)) {
        h.close();
      }
      pool.shutdown();
    }
  }

  /** For {@link InetSocketAddress}-style logging in the CLI. */
  String hostname() {
    return nano.getHostname();
  }
}
