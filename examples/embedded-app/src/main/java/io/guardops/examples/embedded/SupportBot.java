package io.guardops.examples.embedded;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.guardops.engine.Engine;
import io.guardops.host.GuardOpsServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small support-bot service with GuardOps inside. It answers {@code GET /ask?q=...} on its own port
 * (the "model call" is a stand-in that needs no network: swap in your LLM client), traces every request
 * with its own OpenTelemetry SDK straight into the embedded engine ({@code engine.spanExporter}: no
 * collector, no HTTP hop), and serves the GuardOps HTTP API on a second port, where the traces can be
 * read ({@code /api/get_project_traces}) and the service watched ({@code /metrics}, {@code /health/ready}).
 *
 * <pre>
 * java -jar embedded-app.jar [appPort [guardOpsPort [dataDir]]]     (defaults 8080, 8001, ./data)
 * </pre>
 */
public final class SupportBot implements AutoCloseable {
  private final Engine engine;
  private final GuardOpsServer guardOps;
  private final SdkTracerProvider tracing;
  private final Tracer tracer;
  private final HttpServer app;
  private final String projectId;

  private SupportBot(Path dataDir, int appPort, int guardOpsPort) throws IOException {
    // the engine: SQLite under dataDir, single-user mode (the API is for this machine: bound to loopback)
    engine = Engine.builder()
        .setting("guardops.data.dir", dataDir.toString())
        .setting("guardops.store", "sqlite")
        .build();
    try {
      projectId = engine.projects().defaultProject("0").orElseThrow().projectId();
      // the service's own OpenTelemetry SDK exports into the engine, in-process
      tracing = SdkTracerProvider.builder()
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "support-bot")))
          .addSpanProcessor(BatchSpanProcessor.builder(engine.spanExporter(projectId)).build())
          .build();
      tracer = tracing.get("io.guardops.examples.support-bot");
      guardOps = new GuardOpsServer(engine, "127.0.0.1", guardOpsPort);
      guardOps.start();
      app = HttpServer.create(new InetSocketAddress("127.0.0.1", appPort), 0);
      app.createContext("/ask", this::ask);
      app.setExecutor(Executors.newFixedThreadPool(4));
      app.start();
    } catch (IOException | RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  /** Starts the service; ports 0 pick free ones. */
  public static SupportBot start(Path dataDir, int appPort, int guardOpsPort) throws IOException {
    return new SupportBot(dataDir, appPort, guardOpsPort);
  }

  public int appPort() {
    return app.getAddress().getPort();
  }

  public int guardOpsPort() {
    return guardOps.port();
  }

  /** The GuardOps project this service's traces go to (the local user's Default Project). */
  public String projectId() {
    return projectId;
  }

  /** Exports the spans still in the batch processor (they are stored when this returns). */
  public void flush() {
    tracing.forceFlush().join(10, TimeUnit.SECONDS);
  }

  private void ask(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    String question = query != null && query.startsWith("q=")
        ? URLDecoder.decode(query.substring(2), StandardCharsets.UTF_8) : "";
    Span request = tracer.spanBuilder("GET /ask").setSpanKind(SpanKind.SERVER).startSpan();
    String answer;
    try (Scope ignored = request.makeCurrent()) {
      answer = callModel(question);
    } finally {
      request.end();
    }
    byte[] body = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The stand-in model call, traced with the OpenTelemetry GenAI conventions that GuardOps normalises. */
  private String callModel(String question) {
    Span chat = tracer.spanBuilder("chat gpt-4o-mini").setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o-mini")
        .setAttribute("gen_ai.prompt", question)
        .startSpan();
    try {
      String answer = question.isBlank() ? "Ask me anything about your order."
          : "Thanks for asking \"" + question + "\": your order ships within two business days.";
      chat.setAttribute("gen_ai.completion", answer);
      chat.setAttribute("gen_ai.usage.input_tokens", 12L + question.length() / 4);
      chat.setAttribute("gen_ai.usage.output_tokens", (long) answer.length() / 4);
      return answer;
    } finally {
      chat.end();
    }
  }

  @Override
  public void close() {
    app.stop(0);
    ((java.util.concurrent.ExecutorService) app.getExecutor()).shutdownNow();
    tracing.close(); // flushes what is left into the engine
    guardOps.close();
    engine.close();
  }

  public static void main(String[] args) throws Exception {
    int appPort = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    int guardOpsPort = args.length > 1 ? Integer.parseInt(args[1]) : 8001;
    Path dataDir = Path.of(args.length > 2 ? args[2] : "data");
    SupportBot bot = start(dataDir, appPort, guardOpsPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      bot.close();
      stopped.countDown();
    }));
    System.out.printf("support bot on http://127.0.0.1:%d/ask?q=hello, GuardOps API on http://127.0.0.1:%d"
        + " (traces: /api/get_project_traces?project_id=%s, docs: /docs/)%n", bot.appPort(), bot.guardOpsPort(),
        bot.projectId());
    stopped.await();
  }
}
