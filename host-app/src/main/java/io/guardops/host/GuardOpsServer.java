package io.guardops.host;

import fi.iki.elonen.NanoHTTPD;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: NanoHTTPD tuned as PITFALLS.md describes (TCP_NODELAY on accepted sockets, a
 * thread per connection that an idle keep-alive client does not take from anyone else
 * ({@link Connections}), a bound on requests handled at once, our own body reading with a size cap and
 * chunked decoding, replies written in one write ({@link FixedResponse})), dispatching through the
 * {@link RouteTable}, which authenticates and authorises every request before its handler runs.
 */
public final class GuardOpsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GuardOpsServer.class);
  /** The largest refused body read to its end to keep the connection (and the reply) intact. */
  static final long MAX_SKIPPED_BODY = 16L * 1024 * 1024;

  private final Engine engine;
  private final RouteTable routes;
  private final Nano nano;
  private final Connections connections;
  /** Requests handled at once ({@code guardops.http.threads}): bounds work and memory, not connections. */
  private final Semaphore active;
  private final int idleTimeoutMillis;
  private final long maxBodyBytes;
  private final long maxImportBytes;
  private final Json json = new Json();
  private final WebConsole console;

  /**
   * Creates a server for {@code engine} on {@code host:port} (port 0 picks a free one). Settings:
   * {@code guardops.http.max-body-bytes} (default 16 MiB), {@code guardops.http.max-import-bytes} (the
   * limit of streamed uploads, dataset imports; default 1 GiB), {@code guardops.http.threads} (requests
   * handled at once, default 64; more wait their turn), {@code guardops.http.max-connections} (open
   * connections, idle or not, default 10,000), {@code guardops.http.idle-timeout} (a keep-alive
   * connection idle this long is closed, default 60 s), {@code guardops.http.virtual-threads} (a virtual
   * thread per connection on Java 21+, default true), {@code guardops.console.enabled} (the web console
   * at {@code /}, default true).
   */
  public GuardOpsServer(Engine engine, String host, int port) {
    this.engine = engine;
    this.maxBodyBytes = engine.maxBodyBytes();
    this.maxImportBytes = engine.config().getLong("http.max-import-bytes", 1L << 30);
    if (maxImportBytes < maxBodyBytes || maxImportBytes > 1L << 40) {
      throw new IllegalArgumentException("guardops.http.max-import-bytes must be between guardops.http.max-body-bytes ("
          + maxBodyBytes + ") and 1099511627776 (1 TiB), was " + maxImportBytes);
    }
    int threads = engine.config().getInt("http.threads", 64);
    if (threads < 2 || threads > 4096) {
      throw new IllegalArgumentException("guardops.http.threads must be between 2 and 4096, was " + threads);
    }
    int maxConnections = engine.config().getInt("http.max-connections", 10_000);
    if (maxConnections < threads || maxConnections > 1_000_000) {
      throw new IllegalArgumentException("guardops.http.max-connections must be between guardops.http.threads ("
          + threads + ") and 1000000, was " + maxConnections);
    }
    Duration idle = engine.config().getDuration("http.idle-timeout", Duration.ofSeconds(60));
    if (idle.toMillis() < 100 || idle.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("guardops.http.idle-timeout must be between 100ms and 24 days, was " + idle);
    }
    this.idleTimeoutMillis = (int) idle.toMillis();
    this.active = new Semaphore(threads);
    this.connections = new Connections(maxConnections, engine.config().getBoolean("http.virtual-threads", true));
    this.routes = routes(engine, json);
    this.console = engine.config().getBoolean("console.enabled", true) ? new WebConsole(engine) : null;
    this.nano = new Nano(host, port);
  }

  /** The route table of every HTTP endpoint the host serves. */
  static RouteTable routes(Engine engine, Json json) {
    RouteTable t = new RouteTable(engine, json.mapper);
    HealthRoutes.register(t, engine, json);
    ProjectRoutes.register(t, engine, json);
    TraceRoutes.register(t, engine);
    DatasetRoutes.register(t, engine, json);
    EvaluationRoutes.register(t, engine, json);
    ExperimentRoutes.register(t, engine, json);
    ScoreRoutes.register(t, engine, json);
    PlaygroundRoutes.register(t, engine, json);
    ModelRoutes.register(t, engine, json);
    TemplateRoutes.register(t, engine, json);
    PiiRoutes.register(t, engine, json);
    IngestRoutes.register(t, engine);
    OperationsRoutes.register(t, engine, json);
    ConsoleRoutes.register(t, engine);
    return t;
  }

  /** This server's routes (method, path, access), for documentation and tests. */
  RouteTable routeTable() {
    return routes;
  }

  /** Starts listening; returns once the socket is bound. */
  public void start() throws IOException {
    nano.start(idleTimeoutMillis, false);
    LOG.info("GuardOps listening on http://{}:{} ({} threads per connection)", nano.getHostname(),
        nano.getListeningPort(), connections.virtual() ? "virtual" : "platform");
  }

  /** The bound port. */
  public int port() {
    return nano.getListeningPort();
  }

  @Override
  public void close() {
    nano.stop();
  }

  /** Connections open now (for health and tests). */
  int openConnections() {
    return connections.open();
  }

  private NanoHTTPD.Response handle(NanoHTTPD.IHTTPSession session) {
    try {
      active.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      NanoHTTPD.Response r = new FixedResponse(status(503), Reply.JSON,
          "{\"detail\":\"the server is shutting down\"}".getBytes(StandardCharsets.UTF_8));
      r.closeConnection(true);
      return r;
    }
    try {
      return handleActive(session);
    } finally {
      active.release();
    }
  }

  private NanoHTTPD.Response handleActive(NanoHTTPD.IHTTPSession session) {
    long t0 = System.nanoTime();
    String path = session.getUri();
    if (path.startsWith("/tracing/")) {
      path = path.substring("/tracing".length()); // the original backend's proxy root path
    }
    Map<String, String> headers = session.getHeaders();
    String method = session.getMethod() == null ? "UNKNOWN" : session.getMethod().name();
    Request request = null;
    Reply reply;
    try {
      request = new Request(method, path, queryParameters(session), headers, session.getRemoteIpAddress(),
          maxBodyBytes, maxImportBytes, () -> BodyReaders.read(session.getInputStream(), headers.get("content-length"),
              headers.get("transfer-encoding"), headers.get("content-encoding"), maxBodyBytes),
          limit -> BodyReaders.stream(session.getInputStream(), headers.get("content-length"),
              headers.get("transfer-encoding"), headers.get("content-encoding"), limit));
      reply = console != null && WebConsole.serves(method, path) ? console.serve(path, headers.get("accept-encoding"))
          : routes.dispatch(request);
    } catch (EngineException e) {
      reply = routes.detail(e.kind().httpStatus(), e.getMessage());
    } catch (RuntimeException e) {
      // dispatch renders every failure itself; this is a bug in the host
      LOG.error("{} {} failed: {}", method, path, e.toString(), e);
      reply = routes.detail(500, "internal error");
    }
    NanoHTTPD.Response response = reply.stream() != null
        ? NanoHTTPD.newChunkedResponse(status(reply.status()), reply.contentType(), reply.stream())
        : new FixedResponse(status(reply.status()), reply.contentType(), reply.body());
    reply.headers().forEach(response::addHeader);
    if (reply.status() == 503 && !reply.headers().containsKey("Retry-After")) {
      // a backend is down: tell clients (OTLP exporters honour it) when to try again
      response.addHeader("Retry-After", "5");
    }
    boolean hasBody = headers.containsKey("content-length") && !"0".equals(headers.get("content-length"))
        || headers.containsKey("transfer-encoding");
    if (hasBody && (request == null || !request.bodyRead())
        && !skipUnopenedBody(session, headers, request == null || !request.bodyOpened())) {
      // an unread body would be parsed as the next request: drop the connection instead
      response.closeConnection(true);
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} -> {} in {} us", method, path, response.getStatus().getRequestStatus(),
          (System.nanoTime() - t0) / 1000);
    }
    return response;
  }

  /**
   * Reads and discards a body no one began to read (a request refused before its handler read it,
   * such as a 413 on its declared length), when its length is declared and at most
   * {@link #MAX_SKIPPED_BODY}: closing a connection with unread bytes in its receive buffer makes
   * the kernel send a reset, which can destroy the reply before the client reads it. After the skip
   * the connection is in step again and stays open.
   *
   * @return whether the body was skipped to its end
   */
  private static boolean skipUnopenedBody(NanoHTTPD.IHTTPSession session, Map<String, String> headers,
      boolean unopened) {
    String length = headers.get("content-length");
    if (!unopened || length == null || headers.containsKey("transfer-encoding")) {
      return false;
    }
    long n;
    try {
      n = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    if (n < 0 || n > MAX_SKIPPED_BODY) {
      return false;
    }
    try {
      InputStream in = session.getInputStream();
      byte[] sink = new byte[8192];
      while (n > 0) {
        int r = in.read(sink, 0, (int) Math.min(sink.length, n));
        if (r < 0) {
          return false;
        }
        n -= r;
      }
      return true;
    } catch (IOException e) {
      return false;
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
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
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
    Nano(String host, int port) {
      super(host, port);
      setServerSocketFactory(Connections.serverSockets());
      setAsyncRunner(connections);
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

  /** For {@link InetSocketAddress}-style logging in the CLI. */
  String hostname() {
    return nano.getHostname();
  }
}
