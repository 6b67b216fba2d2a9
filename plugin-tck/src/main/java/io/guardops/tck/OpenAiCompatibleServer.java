package io.guardops.tck;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.guardops.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small, real HTTP server that speaks the OpenAI chat completions protocol, for tests of model
 * clients, judges, experiments and the playground. It listens on a free port of 127.0.0.1 and
 * answers:
 *
 * <ul>
 *   <li>{@code POST {prefix}/chat/completions}: a chat completion as JSON, or as server-sent events
 *       when the body says {@code "stream": true} (one chunk per word, a usage chunk when
 *       {@code stream_options.include_usage} is set, then {@code data: [DONE]});</li>
 *   <li>{@code POST /openai/deployments/{deployment}/chat/completions}: the same, Azure style (the
 *       deployment is the model);</li>
 *   <li>{@code GET {prefix}/models}: the model list.</li>
 * </ul>
 *
 * The prefix is {@code /v1} unless {@link Builder#pathPrefix} says otherwise. When an API key is
 * configured, a request must carry it ({@code Authorization: Bearer KEY} or Azure's
 * {@code api-key: KEY}), else it gets 401. What the server answers is scriptable per test: a
 * default {@link #answer(Function) answer function} of the request, and a queue of one-off
 * {@link Behaviour behaviours} for the next requests (429 with {@code Retry-After}, 5xx, a delay, a
 * malformed body, a stream cut off, a stream that pauses). Token usage is counted in words, so it is
 * predictable: prompt tokens are the words of all messages, completion tokens those of the answer.
 * Every request is recorded for assertions. Thread-safe.
 */
public final class OpenAiCompatibleServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final String apiKey;
  private final String prefix;
  private final List<String> models;
  private final ConcurrentLinkedQueue<Behaviour> next = new ConcurrentLinkedQueue<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile Function<RecordedRequest, String> answer = echo();

  private OpenAiCompatibleServer(Builder b) throws IOException {
    this.apiKey = b.apiKey;
    this.prefix = b.prefix;
    this.models = List.copyOf(b.models);
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "openai-compatible-server");
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A server that requires {@code apiKey} (or none when {@code null}) and echoes the last user message. */
  public static OpenAiCompatibleServer start(String apiKey) {
    return builder().apiKey(apiKey).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How the server is set up before it starts. */
  public static final class Builder {
    private String apiKey = "test-key";
    private String prefix = "/v1";
    private List<String> models = List.of("gpt-4o-mini", "test-model");

    private Builder() {}

    /** The API key every request must carry; {@code null} for none. Default {@code test-key}. */
    public Builder apiKey(String key) {
      this.apiKey = key;
      return this;
    }

    /** The path the OpenAI routes live under; default {@code /v1} ({@code ""} for the root). */
    public Builder pathPrefix(String p) {
      String t = Objects.requireNonNull(p, "prefix").trim();
      while (t.endsWith("/")) {
        t = t.substring(0, t.length() - 1);
      }
      this.prefix = t.isEmpty() || t.startsWith("/") ? t : "/" + t;
      return this;
    }

    /** The ids {@code GET /models} lists. */
    public Builder models(List<String> ids) {
      this.models = List.copyOf(ids);
      return this;
    }

    public OpenAiCompatibleServer start() {
      try {
        return new OpenAiCompatibleServer(this);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the OpenAI-compatible test server: " + e.getMessage(), e);
      }
    }
  }

  /** The base URL a client is configured with, such as {@code http://127.0.0.1:41234/v1}. */
  public String baseUrl() {
    return origin() + prefix;
  }

  /** {@code http://127.0.0.1:PORT}, without a path (Azure clients add {@code /openai/deployments/...}). */
  public String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The key requests must carry, or {@code null}. */
  public String apiKey() {
    return apiKey;
  }

  /** Sets the default answer: the assistant's text as a function of the request. */
  public OpenAiCompatibleServer answer(Function<RecordedRequest, String> f) {
    this.answer = Objects.requireNonNull(f, "answer");
    return this;
  }

  /** Queues one-off behaviours, each used by one coming request, in order; then the default answer again. */
  public OpenAiCompatibleServer enqueue(Behaviour... behaviours) {
    next.addAll(List.of(behaviours));
    return this;
  }

  /** Every request received so far, in order of arrival. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** The chat completion requests received so far. */
  public List<RecordedRequest> chatRequests() {
    return requests.stream().filter(r -> r.path().endsWith("/chat/completions")).toList();
  }

  /** The last request received; fails when there was none. */
  public RecordedRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new AssertionError("the OpenAI-compatible server received no request");
    }
    return requests.get(requests.size() - 1);
  }

  /** Forgets recorded requests and queued behaviours; the answer function stays. */
  public void reset() {
    requests.clear();
    next.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- answers

  /** Answers with the last user message, unchanged. */
  public static Function<RecordedRequest, String> echo() {
    return RecordedRequest::lastUserMessage;
  }

  /** Answers with {@code text} whatever the request. */
  public static Function<RecordedRequest, String> fixed(String text) {
    Objects.requireNonNull(text, "text");
    return r -> text;
  }

  /** Answers as an LLM judge asked for strict JSON would: {@code {"score": s, "label": l, "reason": r}}. */
  public static Function<RecordedRequest, String> judge(double score, String label, String reason) {
    Map<String, Object> verdict = new LinkedHashMap<>();
    verdict.put("score", score);
    verdict.put("label", label);
    verdict.put("reason", reason);
    String json = Json.write(verdict);
    return r -> json;
  }

  // ---- behaviours

  /** What the server does for one request instead of its default answer. */
  public static final class Behaviour {
    final int status;
    final String body;
    final Map<String, String> headers;
    final Duration delay;
    final String reply;
    final int cutAfterChunks;
    final CountDownLatch resume;

    private Behaviour(int status, String body, Map<String, String> headers, Duration delay, String reply,
        int cutAfterChunks, CountDownLatch resume) {
      this.status = status;
      this.body = body;
      this.headers = headers;
      this.delay = delay;
      this.reply = reply;
      this.cutAfterChunks = cutAfterChunks;
      this.resume = resume;
    }

    /** An HTTP error with an OpenAI-style error body. */
    public static Behaviour error(int status, String message) {
      return new Behaviour(status, errorBody(message, status), Map.of(), Duration.ZERO, null, -1, null);
    }

    /** HTTP 429 with {@code Retry-After: seconds}. */
    public static Behaviour rateLimited(int retryAfterSeconds) {
      return new Behaviour(429, errorBody("Rate limit reached, retry later", 429),
          Map.of("Retry-After", Integer.toString(retryAfterSeconds)), Duration.ZERO, null, -1, null);
    }

    /** HTTP 429 without any retry hint. */
    public static Behaviour rateLimited() {
      return error(429, "Rate limit reached");
    }

    /** HTTP 500. */
    public static Behaviour serverError() {
      return error(500, "The server had an error while processing your request");
    }

    /** HTTP 503. */
    public static Behaviour unavailable() {
      return error(503, "The engine is currently overloaded");
    }

    /** Waits {@code d} before answering as usual (longer than a client's timeout: a timeout). */
    public static Behaviour delay(Duration d) {
      return new Behaviour(200, null, Map.of(), d, null, -1, null);
    }

    /** A 200 reply whose body is {@code body}, whatever it is (malformed JSON, not a completion). */
    public static Behaviour rawBody(String body) {
      return new Behaviour(200, body, Map.of("Content-Type", "application/json"), Duration.ZERO, null, -1, null);
    }

    /** A 200 reply that is not JSON at all. */
    public static Behaviour malformed() {
      return rawBody("{\"id\": \"chatcmpl-1\", \"choices\": [ {\"message\": ");
    }

    /** Answers this one request with {@code text} instead of the default answer. */
    public static Behaviour reply(String text) {
      return new Behaviour(200, null, Map.of(), Duration.ZERO, Objects.requireNonNull(text, "text"), -1, null);
    }

    /**
     * A stream that breaks: {@code chunks} content chunks are sent, then the connection is dropped
     * mid-body (no final chunk, no {@code [DONE]}). On a non-streaming request, the body is cut.
     */
    public static Behaviour cutOff(int chunks) {
      return new Behaviour(200, null, Map.of(), Duration.ZERO, null, Math.max(0, chunks), null);
    }

    /**
     * A stream that sends its first content chunk, then waits (up to 10 seconds) until
     * {@code resume} is counted down before sending the rest: lets a test see that a client
     * delivers deltas as they arrive.
     */
    public static Behaviour pauseAfterFirstChunk(CountDownLatch resume) {
      return new Behaviour(200, null, Map.of(), Duration.ZERO, null, -1, Objects.requireNonNull(resume, "resume"));
    }
  }

  /** One request the server received. Header names are lowercase. */
  public static final class RecordedRequest {
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final String rawBody;
    private final Map<String, Object> body;
    private final long receivedAtNanos;
    private volatile long completedAtNanos;

    RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, String rawBody,
        Map<String, Object> body) {
      this.method = method;
      this.path = path;
      this.query = query;
      this.headers = headers;
      this.rawBody = rawBody;
      this.body = body;
      this.receivedAtNanos = System.nanoTime();
    }

    public String method() {
      return method;
    }

    public String path() {
      return path;
    }

    /** The raw query string, or {@code ""}. */
    public String query() {
      return query;
    }

    /** One query parameter (not decoded), or {@code null}. */
    public String queryParameter(String name) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(name)) {
          return pair.substring(eq + 1);
        }
      }
      return null;
    }

    public Map<String, List<String>> headers() {
      return headers;
    }

    /** The first value of a header (any case), or {@code null}. */
    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String rawBody() {
      return rawBody;
    }

    /** The JSON body as maps and lists (empty when the body was not a JSON object). */
    public Map<String, Object> body() {
      return body;
    }

    /** The requested model: the body's {@code model}, else an Azure deployment's name, else {@code null}. */
    public String model() {
      Object m = body.get("model");
      if (m instanceof String s) {
        return s;
      }
      String marker = "/openai/deployments/";
      int i = path.indexOf(marker);
      if (i >= 0) {
        String rest = path.substring(i + marker.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
      }
      return null;
    }

    /** The request's messages as (role, content) maps. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> messages() {
      Object m = body.get("messages");
      if (!(m instanceof List<?> list)) {
        return List.of();
      }
      List<Map<String, Object>> out = new ArrayList<>();
      for (Object o : list) {
        if (o instanceof Map<?, ?> map) {
          out.add((Map<String, Object>) map);
        }
      }
      return out;
    }

    /** The content of the last user message, or {@code ""}. */
    public String lastUserMessage() {
      List<Map<String, Object>> ms = messages();
      for (int i = ms.size() - 1; i >= 0; i--) {
        if ("user".equals(ms.get(i).get("role"))) {
          return String.valueOf(ms.get(i).getOrDefault("content", ""));
        }
      }
      return "";
    }

    /** Whether the body asked for a stream. */
    public boolean stream() {
      return Boolean.TRUE.equals(body.get("stream"));
    }

    /** When the server received it ({@link System#nanoTime()}). */
    public long receivedAtNanos() {
      return receivedAtNanos;
    }

    /** When the server finished answering it ({@link System#nanoTime()}), or 0 while it has not. */
    public long completedAtNanos() {
      return completedAtNanos;
    }

    @Override
    public String toString() {
      return method + " " + path + (query.isEmpty() ? "" : "?" + query);
    }
  }

  // ---- handling

  private void handle(HttpExchange ex) throws IOException {
    RecordedRequest req = record(ex);
    try {
      route(ex, req);
    } catch (IOException | RuntimeException e) {
      // the client went away or a behaviour cut the body short: nothing left to answer
    } finally {
      req.completedAtNanos = System.nanoTime();
      try {
        ex.close();
      } catch (RuntimeException e) {
        // a body cut short on purpose cannot be closed cleanly; the connection is dropped either way
      }
    }
  }

  private RecordedRequest record(HttpExchange ex) throws IOException {
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readAllBytes();
    }
    String raw = new String(bytes, StandardCharsets.UTF_8);
    Map<String, Object> body;
    try {
      body = Json.readObject(raw);
    } catch (IllegalArgumentException e) {
      body = Map.of();
    }
    Map<String, List<String>> headers = new TreeMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    String query = ex.getRequestURI().getRawQuery();
    RecordedRequest req = new RecordedRequest(ex.getRequestMethod(), ex.getRequestURI().getPath(),
        query == null ? "" : query, Collections.unmodifiableMap(headers), raw, body);
    requests.add(req);
    return req;
  }

  private void route(HttpExchange ex, RecordedRequest req) throws IOException {
    String path = req.path();
    boolean chat = path.equals(prefix + "/chat/completions")
        || path.matches("/openai/deployments/[^/]+/chat/completions");
    boolean models = path.equals(prefix + "/models");
    if (!chat && !models) {
      send(ex, 404, errorBody("no route " + req.method() + " " + path, 404), Map.of());
      return;
    }
    if (chat != req.method().equals("POST") || models != req.method().equals("GET")) {
      send(ex, 405, errorBody("method " + req.method() + " not allowed on " + path, 405), Map.of());
      return;
    }
    if (!authorised(req)) {
      send(ex, 401, errorBody("Incorrect API key provided", 401), Map.of());
      return;
    }
    if (models) {
      List<Object> data = new ArrayList<>();
      for (String id : this.models) {
        data.add(Map.of("id", id, "object", "model", "owned_by", "guardops-test"));
      }
      send(ex, 200, Json.write(Map.of("object", "list", "data", data)), Map.of());
      return;
    }
    Behaviour b = next.poll();
    if (b != null && b.delay.toNanos() > 0) {
      try {
        Thread.sleep(b.delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (b != null && b.body != null) {
      send(ex, b.status, b.body, b.headers);
      return;
    }
    if (req.body().isEmpty() || req.messages().isEmpty()) {
      send(ex, 400, errorBody("'messages' is a required property", 400), Map.of());
      return;
    }
    String text = b != null && b.reply != null ? b.reply : answer.apply(req);
    if (req.stream()) {
      stream(ex, req, text, b);
    } else if (b != null && b.cutAfterChunks >= 0) {
      byte[] full = completion(req, text).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, full.length);
      OutputStream os = ex.getResponseBody();
      os.write(full, 0, full.length / 2);
      os.flush();
      throw new IOException("cut off on purpose");
    } else {
      send(ex, 200, completion(req, text), Map.of());
    }
  }

  private boolean authorised(RecordedRequest req) {
    if (apiKey == null) {
      return true;
    }
    String auth = req.header("authorization");
    return ("Bearer " + apiKey).equals(auth) || apiKey.equals(req.header("api-key"));
  }

  private String completion(RecordedRequest req, String text) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", text);
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("message", message);
    choice.put("finish_reason", "stop");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", "chatcmpl-" + ids.incrementAndGet());
    out.put("object", "chat.completion");
    out.put("created", System.currentTimeMillis() / 1000);
    out.put("model", servedModel(req));
    out.put("choices", List.of(choice));
    out.put("usage", usage(req, text));
    return Json.write(out);
  }

  private static String servedModel(RecordedRequest req) {
    String m = req.model();
    return m == null ? "unknown" : m;
  }

  private static Map<String, Object> usage(RecordedRequest req, String text) {
    long prompt = 0;
    for (Map<String, Object> m : req.messages()) {
      prompt += words(String.valueOf(m.getOrDefault("content", "")));
    }
    long completion = words(text);
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("prompt_tokens", prompt);
    u.put("completion_tokens", completion);
    u.put("total_tokens", prompt + completion);
    return u;
  }

  /** Words as the server counts tokens: runs of non-whitespace. */
  public static long words(String s) {
    long n = 0;
    boolean in = false;
    for (int i = 0; i < s.length(); i++) {
      boolean ws = Character.isWhitespace(s.charAt(i));
      if (!ws && !in) {
        n++;
      }
      in = !ws;
    }
    return n;
  }

  /** Splits an answer into stream chunks: each word with the whitespace before it. */
  static List<String> chunks(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      out.add(text.substring(start, i));
      start = i;
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private void stream(HttpExchange ex, RecordedRequest req, String text, Behaviour b) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    String id = "chatcmpl-" + ids.incrementAndGet();
    String model = servedModel(req);
    List<String> chunks = chunks(text);
    boolean cut = b != null && b.cutAfterChunks >= 0;
    if (cut) {
      // a declared length the body never reaches: the connection drops mid-body, as a broken stream does
      ex.sendResponseHeaders(200, 1L << 20);
    } else {
      ex.sendResponseHeaders(200, 0);
    }
    OutputStream os = ex.getResponseBody();
    event(os, chunk(id, model, Map.of("role", "assistant", "content", ""), null));
    for (int i = 0; i < chunks.size(); i++) {
      if (cut && i == b.cutAfterChunks) {
        throw new IOException("stream cut off on purpose");
      }
      event(os, chunk(id, model, Map.of("content", chunks.get(i)), null));
      if (i == 0 && b != null && b.resume != null) {
        try {
          b.resume.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    if (cut) {
      throw new IOException("stream cut off on purpose");
    }
    event(os, chunk(id, model, Map.of(), "stop"));
    Object options = req.body().get("stream_options");
    if (options instanceof Map<?, ?> o && Boolean.TRUE.equals(((Map<String, Object>) o).get("include_usage"))) {
      Map<String, Object> last = new LinkedHashMap<>();
      last.put("id", id);
      last.put("object", "chat.completion.chunk");
      last.put("model", model);
      last.put("choices", List.of());
      last.put("usage", usage(req, text));
      event(os, Json.write(last));
    }
    os.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    os.flush();
  }

  private static String chunk(String id, String model, Map<String, Object> delta, String finish) {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("delta", delta);
    choice.put("finish_reason", finish);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("object", "chat.completion.chunk");
    out.put("model", model);
    out.put("choices", List.of(choice));
    return Json.write(out);
  }

  private static void event(OutputStream os, String json) throws IOException {
    os.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    os.flush();
  }

  private static String errorBody(String message, int status) {
    String type = status == 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("message", message);
    error.put("type", type);
    error.put("code", status == 401 ? "invalid_api_key" : null);
    return Json.write(Map.of("error", error));
  }

  private static void send(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }
}
