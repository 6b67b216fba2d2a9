package io.guardops.plugins.model.openai;

import io.guardops.api.Health;
import io.guardops.api.model.ChatListener;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.model.ChatResponse;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelEndpoint;
import io.guardops.api.model.ModelException;
import io.guardops.api.model.ModelException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ModelClient} for the OpenAI chat completions protocol on the JDK's HTTP client.
 *
 * <p>Every call runs against one deadline (the request's timeout, else {@code request-timeout}):
 * attempts, the waits between them and the reading of the body all count against it. The response
 * body arrives as lines through a queue the calling thread reads with the time left, so a slow
 * server, a stalled stream and a slow body all end in {@link Kind#TIMEOUT} on time, and a stream's
 * listener is called on the caller's thread as each event arrives.
 */
final class OpenAiModelClient implements ModelClient {
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiModelClient.class);
  /** Largest non-streamed reply read; a chat completion is far smaller. */
  static final int MAX_REPLY_CHARS = 32 << 20;
  private static final int MAX_ERROR_CHARS = 64 << 10;
  private static final Object END = new Object();

  private final OpenAiSettings settings;
  private final Clock clock;
  private final Backoff backoff;
  private final Backoff.Sleeper sleeper;
  private final ExecutorService executor;
  private final HttpClient http;
  private volatile boolean closed;

  OpenAiModelClient(OpenAiSettings settings, Clock clock, Backoff.Sleeper sleeper, DoubleSupplier random) {
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
    this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(), random);
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "model-openai-http");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .executor(executor)
        .build();
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    Target target = chatTarget(request);
    long start = System.nanoTime();
    long deadline = start + timeout(request).toNanos();
    String body = ChatCodec.requestBody(request, false, settings.maxTokensField(), settings.streamUsage());
    return call(target, body, false, deadline, (ex, attempts) -> {
      String text = ex.collect(deadline, MAX_REPLY_CHARS, target);
      if (text == null) {
        throw new ModelException(Kind.BAD_RESPONSE, 200, target.where() + ": the reply is larger than "
            + MAX_REPLY_CHARS + " characters", null);
      }
      ChatCodec.Completion c;
      try {
        c = ChatCodec.completion(text);
      } catch (ModelException e) {
        throw new ModelException(Kind.BAD_RESPONSE, 200, target.where() + ": " + target.redact(e.getMessage()), null);
      }
      return new ChatResponse(c.id(), c.model() == null ? request.model() : c.model(), c.content(), c.finishReason(),
          c.inputTokens(), c.outputTokens(), System.nanoTime() - start, attempts);
    });
  }

  @Override
  public void stream(ChatRequest request, ChatListener listener) {
    ChatResponse done;
    try {
      Target target = chatTarget(request);
      long start = System.nanoTime();
      long deadline = start + timeout(request).toNanos();
      String body = ChatCodec.requestBody(request, true, settings.maxTokensField(), settings.streamUsage());
      done = call(target, body, true, deadline,
          (ex, attempts) -> new StreamReader(ex, target, request, listener, start, deadline).read(attempts));
    } catch (ModelException e) {
      listener.onError(e);
      return;
    }
    listener.onComplete(done);
  }

  /**
   * {@code GET {base}/models} (Azure: {@code GET {base}/openai/models?api-version=...}), with the same
   * deadline ({@code request-timeout}), retries and error kinds as a chat call.
   */
  @Override
  public List<String> models(ModelEndpoint endpoint) {
    Target target = target(endpoint, null);
    long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
    return call(target, null, false, deadline, (ex, attempts) -> {
      String text = ex.collect(deadline, MAX_REPLY_CHARS, target);
      if (text == null) {
        throw new ModelException(Kind.BAD_RESPONSE, 200, target.where() + ": the reply is larger than "
            + MAX_REPLY_CHARS + " characters", null);
      }
      try {
        return ChatCodec.modelIds(text);
      } catch (ModelException e) {
        throw new ModelException(Kind.BAD_RESPONSE, 200, target.where() + ": " + target.redact(e.getMessage()), null);
      }
    });
  }

  @Override
  public Health check() {
    if (closed) {
      return Health.down("the model client is closed");
    }
    String where = settings.baseUrl() + (settings.azure() ? " (Azure OpenAI, api-version " + settings.apiVersion() + ")"
        : "");
    String host = settings.baseUrl().getHost().toLowerCase(Locale.ROOT);
    boolean hosted = host.equals("api.openai.com") || host.endsWith(".openai.azure.com") || settings.azure();
    if (settings.apiKey() == null && hosted) {
      return Health.down("no API key for " + where + ": set guardops.model-client.openai.api-key (OPENAI_API_KEY)");
    }
    // configuration only: a health check must not cost a request to a paid endpoint
    return Health.up("chat completions at " + where + (settings.apiKey() == null ? ", no API key" : ", API key set"));
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
  }

  // ---- one call, with retries

  /** What a 2xx reply becomes; an {@link IOException} is a transport failure that may be retried. */
  private interface OnSuccess<T> {
    T accept(Exchange ex, int attempts) throws IOException;
  }

  private <T> T call(Target target, String body, boolean stream, long deadline, OnSuccess<T> onSuccess) {
    if (closed) {
      throw new ModelException(Kind.UNAVAILABLE, "the model client is closed");
    }
    int maxAttempts = settings.maxRetries() + 1;
    for (int attempt = 1; ; attempt++) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw timeout(target, deadline, attempt - 1);
      }
      Exchange ex = new Exchange();
      Failure failure;
      try {
        ex.open(target, body, stream, Duration.ofNanos(remaining));
        Object first = ex.next(deadline);
        if (first == null) {
          ex.cancel();
          throw timeout(target, deadline, attempt);
        }
        if (first instanceof Status s && s.code / 100 == 2) {
          try {
            return onSuccess.accept(ex, attempt);
          } catch (IOException e) {
            ex.cancel();
            failure = transport(e);
          }
        } else if (first instanceof Status s) {
          String err;
          try {
            err = ex.collect(deadline, MAX_ERROR_CHARS, target);
          } catch (IOException e) {
            err = null;
          }
          failure = Failure.of(s, err == null ? "(no readable error body)" : ChatCodec.errorMessage(err), clock);
        } else {
          failure = transport((Throwable) first);
        }
      } catch (TimedOut t) {
        ex.cancel();
        throw timeout(target, deadline, attempt);
      } catch (InterruptedException e) {
        ex.cancel();
        Thread.currentThread().interrupt();
        throw new ModelException(Kind.UNAVAILABLE, 0, target.where() + ": interrupted", e);
      } catch (RuntimeException e) {
        ex.cancel();
        throw e;
      }
      if (failure.kind == Kind.TIMEOUT) {
        throw timeout(target, deadline, attempt);
      }
      String what = target.where() + ": " + target.redact(failure.message);
      if (!failure.kind.retryable() || attempt >= maxAttempts) {
        throw new ModelException(failure.kind, failure.status, what + " (" + attempts(attempt) + ")", failure.cause);
      }
      Duration wait = failure.retryAfter != null ? failure.retryAfter : backoff.delay(attempt);
      if (failure.retryAfter != null && failure.retryAfter.compareTo(settings.maxRetryAfter()) > 0) {
        throw new ModelException(failure.kind, failure.status, what + " (" + attempts(attempt)
            + "; the endpoint asked to retry after " + failure.retryAfter.toMillis()
            + " ms, longer than max-retry-after " + settings.maxRetryAfter().toMillis() + " ms)", failure.cause);
      }
      if (System.nanoTime() + wait.toNanos() >= deadline) {
        throw new ModelException(failure.kind, failure.status, what + " (" + attempts(attempt)
            + "; waiting " + wait.toMillis() + " ms for another would pass the deadline)", failure.cause);
      }
      LOG.debug("{}; retrying in {} ms (attempt {} of {})", what, wait.toMillis(), attempt + 1, maxAttempts);
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ModelException(Kind.UNAVAILABLE, 0, what + " (interrupted while waiting to retry)", e);
      }
    }
  }

  private static String attempts(int n) {
    return n == 1 ? "1 attempt" : n + " attempts";
  }

  private static ModelException timeout(Target target, long deadline, int attempts) {
    return new ModelException(Kind.TIMEOUT, 0, target.where() + ": no complete answer within the timeout ("
        + attempts(Math.max(1, attempts)) + ")", null);
  }

  private Duration timeout(ChatRequest r) {
    return r.timeout() != null ? r.timeout() : settings.requestTimeout();
  }

  /** A failed attempt: whether to try again and how long to wait first. */
  private record Failure(Kind kind, int status, String message, Duration retryAfter, Throwable cause) {
    static Failure of(Status s, String error, Clock clock) {
      String message = "HTTP " + s.code + " (" + error + ")";
      Kind kind;
      if (s.code == 429) {
        kind = Kind.RATE_LIMITED;
      } else if (s.code >= 500) {
        kind = Kind.UNAVAILABLE;
      } else if (s.code == 401 || s.code == 403) {
        kind = Kind.UNAUTHORIZED;
        message += ": check the API key";
      } else {
        kind = Kind.BAD_REQUEST;
      }
      Duration retryAfter = kind.retryable() ? Backoff.retryAfter(s.headers, clock).orElse(null) : null;
      return new Failure(kind, s.code, message, retryAfter, null);
    }
  }

  private static Failure transport(Throwable t) {
    Throwable e = t instanceof CompletionException || t instanceof ExecutionException ? t.getCause() : t;
    if (e instanceof HttpConnectTimeoutException) {
      return new Failure(Kind.UNAVAILABLE, 0, "could not connect in time", null, e);
    }
    if (e instanceof HttpTimeoutException) {
      return new Failure(Kind.TIMEOUT, 0, "no answer in time", null, e);
    }
    if (e instanceof ConnectException) {
      return new Failure(Kind.UNAVAILABLE, 0, "could not connect (" + e.getMessage() + ")", null, e);
    }
    String m = e == null ? "unknown" : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
        + e.getMessage());
    return new Failure(Kind.UNAVAILABLE, 0, "the connection failed (" + m + ")", null, e);
  }

  // ---- where a call goes

  /** The method, URL and headers of one call; the key only to keep it out of messages. */
  record Target(String method, URI uri, Map<String, String> headers, String secret) {
    String where() {
      String q = uri.getRawQuery();
      return method + " " + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + (q == null ? "" : "?" + q);
    }

    String redact(String message) {
      if (secret == null || secret.isEmpty() || message == null) {
        return message;
      }
      return message.replace(secret, "***");
    }
  }

  private Target chatTarget(ChatRequest request) {
    return target(request.endpoint(), request.model());
  }

  /**
   * Where a call goes: the chat completions of {@code model}, or the model list when {@code model} is
   * null. The endpoint's fields replace the settings' ones. The configured key, organization, project
   * and headers belong to the configured endpoint: they are never sent to an endpoint on another origin
   * (scheme, host and port), whose own key (or none) is used instead. An empty key means "no key".
   */
  private Target target(ModelEndpoint e, String model) {
    URI base = settings.baseUrl();
    boolean foreign = false;
    if (e != null && e.baseUrl() != null) {
      try {
        base = OpenAiSettings.baseUrl(e.baseUrl(), "the endpoint's base URL");
      } catch (IllegalArgumentException bad) {
        throw new ModelException(Kind.BAD_REQUEST, bad.getMessage());
      }
      foreign = !sameOrigin(base, settings.baseUrl());
    }
    String key = e != null && e.apiKey() != null ? e.apiKey() : foreign ? null : settings.apiKey();
    if (key != null && key.isEmpty()) {
      key = null;
    }
    boolean azure = e != null && e.azure() != null ? e.azure() : settings.azure();
    String apiVersion = e != null && e.apiVersion() != null && !e.apiVersion().isBlank() ? e.apiVersion().trim()
        : settings.apiVersion();
    String version = "?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8);
    URI uri;
    if (model == null) {
      uri = URI.create(azure ? base + "/openai/models" + version : base + "/models");
    } else if (azure) {
      uri = URI.create(base + "/openai/deployments/" + URLEncoder.encode(model, StandardCharsets.UTF_8)
          .replace("+", "%20") + "/chat/completions" + version);
    } else {
      uri = URI.create(base + "/chat/completions");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (key != null) {
      if (azure) {
        headers.put("api-key", key);
      } else {
        headers.put("Authorization", "Bearer " + key);
      }
    }
    if (!foreign) {
      if (settings.organization() != null) {
        headers.put("OpenAI-Organization", settings.organization());
      }
      if (settings.project() != null) {
        headers.put("OpenAI-Project", settings.project());
      }
      headers.putAll(settings.headers());
    }
    if (e != null) {
      headers.putAll(e.headers());
    }
    return new Target(model == null ? "GET" : "POST", uri, headers, key);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  // ---- one HTTP exchange, read through a queue

  private record Status(int code, HttpHeaders headers) {}

  /** Thrown inside an attempt when the deadline passes. */
  private static final class TimedOut extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TimedOut() {
      super(null, null, false, false);
    }
  }

  /**
   * One request. The HTTP client's threads put the status, then each line of the body, then the
   * end (or the failure) into a queue; the caller takes them with the time it has left.
   */
  private final class Exchange {
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<HttpResponse<Void>> future;

    void open(Target target, String body, boolean stream, Duration timeout) {
      HttpRequest.Builder b = HttpRequest.newBuilder(target.uri())
          .timeout(timeout)
          .header("Accept", stream ? "text/event-stream" : "application/json")
          .header("User-Agent", "guardops-model-openai");
      if (body == null) {
        b.GET();
      } else {
        b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      }
      if ("http".equalsIgnoreCase(target.uri().getScheme())) {
        // no h2c upgrade dance with plain-HTTP local servers (Ollama, vLLM, test servers)
        b.version(HttpClient.Version.HTTP_1_1);
      }
      try {
        target.headers().forEach(b::setHeader);
      } catch (IllegalArgumentException e) {
        throw new ModelException(Kind.BAD_REQUEST, "a configured header cannot be sent: " + e.getMessage());
      }
      Flow.Subscriber<String> lines = new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription = s;
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
          events.add(line);
        }

        @Override
        public void onError(Throwable t) {
          events.add(t);
        }

        @Override
        public void onComplete() {
          events.add(END);
        }
      };
      HttpResponse.BodyHandler<Void> handler = info -> {
        events.add(new Status(info.statusCode(), info.headers()));
        return HttpResponse.BodySubscribers.fromLineSubscriber(lines);
      };
      future = http.sendAsync(b.build(), handler);
      future.whenComplete((r, t) -> {
        if (t != null) {
          events.add(t);
        }
      });
    }

    /** The next event, or {@code null} when the deadline passed first. */
    Object next(long deadline) throws InterruptedException {
      long remaining = deadline - System.nanoTime();
      return remaining <= 0 ? events.poll() : events.poll(remaining, TimeUnit.NANOSECONDS);
    }

    /** The rest of the body, lines joined with {@code \n}; {@code null} when longer than {@code max}. */
    String collect(long deadline, int max, Target target) throws IOException {
      StringBuilder sb = new StringBuilder();
      while (true) {
        Object e;
        try {
          e = next(deadline);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new ModelException(Kind.UNAVAILABLE, 0, target.where() + ": interrupted", ie);
        }
        if (e == null) {
          throw new TimedOut();
        }
        if (e == END) {
          return sb.toString();
        }
        if (e instanceof Throwable t) {
          throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
        }
        if (e instanceof String line) {
          if (sb.length() + line.length() > max) {
            cancel();
            return null;
          }
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(line);
        }
      }
    }

    void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      CompletableFuture<?> f = future;
      if (f != null) {
        f.cancel(true);
      }
    }
  }

  // ---- server-sent events

  /** Reads one stream's events, delivering deltas as they arrive. */
  private final class StreamReader {
    private final Exchange ex;
    private final Target target;
    private final ChatRequest request;
    private final ChatListener listener;
    private final long start;
    private final long deadline;
    private final StringBuilder content = new StringBuilder();
    private StringBuilder data;
    private String id;
    private String model;
    private String finish;
    private Long inputTokens;
    private Long outputTokens;
    private boolean done;
    private int deltas;

    StreamReader(Exchange ex, Target target, ChatRequest request, ChatListener listener, long start, long deadline) {
      this.ex = ex;
      this.target = target;
      this.request = request;
      this.listener = listener;
      this.start = start;
      this.deadline = deadline;
    }

    ChatResponse read(int attempts) throws IOException {
      while (!done) {
        Object e;
        try {
          e = ex.next(deadline);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          ex.cancel();
          throw new ModelException(Kind.UNAVAILABLE, 0, target.where() + ": interrupted", ie);
        }
        if (e == null) {
          ex.cancel();
          throw new ModelException(Kind.TIMEOUT, 0, target.where() + ": the stream did not finish within the timeout"
              + " (" + deltas + " deltas, " + content.length() + " characters received)", null);
        }
        if (e == END) {
          dispatch();
          break;
        }
        if (e instanceof Throwable t) {
          if (deltas == 0) {
            // nothing delivered yet: the attempt may be retried like any other transport failure
            throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
          }
          throw new ModelException(Kind.UNAVAILABLE, 0, target.where() + ": the stream broke after " + deltas
              + " deltas (" + content.length() + " characters): " + transport(t).message(), t);
        }
        if (e instanceof String line) {
          line(line);
        }
      }
      ex.cancel();
      if (!done && finish == null) {
        throw new ModelException(Kind.UNAVAILABLE, 0, target.where() + ": the stream ended without finishing"
            + " (no [DONE] and no finish_reason) after " + deltas + " deltas", null);
      }
      return new ChatResponse(id, model == null ? request.model() : model, content.toString(), finish, inputTokens,
          outputTokens, System.nanoTime() - start, attempts);
    }

    private void line(String line) {
      if (line.isEmpty()) {
        dispatch();
      } else if (line.startsWith("data:")) {
        String v = line.startsWith("data: ") ? line.substring(6) : line.substring(5);
        if (data == null) {
          data = new StringBuilder(v);
        } else {
          data.append('\n').append(v);
        }
      }
      // comments (":"), "event:", "id:" and "retry:" lines carry nothing this protocol uses
    }

    private void dispatch() {
      if (data == null) {
        return;
      }
      String d = data.toString();
      data = null;
      if (d.strip().equals("[DONE]")) {
        done = true;
        return;
      }
      ChatCodec.Chunk c;
      try {
        c = ChatCodec.chunk(d);
      } catch (ModelException bad) {
        throw new ModelException(Kind.BAD_RESPONSE, 200, target.where() + ": " + target.redact(bad.getMessage()), null);
      }
      if (c.error() != null) {
        throw new ModelException(Kind.UNAVAILABLE, 200, target.where() + ": the endpoint reported an error mid-stream: "
            + target.redact(c.error()), null);
      }
      id = id == null ? c.id() : id;
      model = model == null ? c.model() : model;
      finish = c.finishReason() != null ? c.finishReason() : finish;
      inputTokens = c.inputTokens() != null ? c.inputTokens() : inputTokens;
      outputTokens = c.outputTokens() != null ? c.outputTokens() : outputTokens;
      if (c.delta() != null && !c.delta().isEmpty()) {
        content.append(c.delta());
        deltas++;
        listener.onDelta(c.delta());
      }
    }
  }
}
