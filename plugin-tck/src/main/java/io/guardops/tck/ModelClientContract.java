package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.model.ChatListener;
import io.guardops.api.model.ChatMessage;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.model.ChatResponse;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelEndpoint;
import io.guardops.api.model.ModelException;
import io.guardops.tck.OpenAiCompatibleServer.Behaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link ModelClient} passes, against a real
 * {@link OpenAiCompatibleServer} (for a client of another protocol, against its own fake server: the
 * suite only needs {@link #newClient} to point the client at {@link #server}). It checks what every
 * caller relies on: the answer and its usage, the request as sent, streaming deltas in order with
 * exactly one completion, typed failures (no retry of a refused request, retries of a 503),
 * per-call endpoints, concurrent use, and that a stream never throws at its caller.
 */
public abstract class ModelClientContract {
  protected OpenAiCompatibleServer server;
  protected ModelClient client;

  /**
   * A client whose default endpoint is {@code server} ({@link OpenAiCompatibleServer#baseUrl()} and
   * {@link OpenAiCompatibleServer#apiKey()}), with at least 2 retries and a backoff short enough for
   * tests (or no real waiting at all).
   */
  protected abstract ModelClient newClient(OpenAiCompatibleServer server) throws Exception;

  @BeforeEach
  void openClient() throws Exception {
    server = OpenAiCompatibleServer.start("contract-key");
    client = newClient(server);
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  protected static ChatRequest ask(String text) {
    return ChatRequest.of("test-model", List.of(ChatMessage.user(text)));
  }

  @Test
  void chatReturnsTheAnswerWithUsage() {
    ChatResponse r = client.chat(new ChatRequest("test-model",
        List.of(ChatMessage.system("be brief"), ChatMessage.user("three little words")), 0.0, 50, null, null, null,
        null));

    assertThat(r.content()).isEqualTo("three little words");
    assertThat(r.model()).isEqualTo("test-model");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.inputTokens()).isEqualTo(5L);
    assertThat(r.outputTokens()).isEqualTo(3L);
    assertThat(r.totalTokens()).isEqualTo(8L);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.latencyNanos()).isPositive();
  }

  @Test
  void theRequestCarriesModelMessagesAndParameters() {
    client.chat(new ChatRequest("test-model", List.of(ChatMessage.system("sys"), ChatMessage.user("hi")), 0.5, 7,
        0.9, List.of("END"), null, null));

    OpenAiCompatibleServer.RecordedRequest req = server.lastRequest();
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.model()).isEqualTo("test-model");
    assertThat(req.messages()).extracting(m -> m.get("role")).containsExactly("system", "user");
    assertThat(req.messages()).extracting(m -> m.get("content")).containsExactly("sys", "hi");
    assertThat(((Number) req.body().get("temperature")).doubleValue()).isEqualTo(0.5);
    assertThat(((Number) req.body().get("top_p")).doubleValue()).isEqualTo(0.9);
    assertThat(req.body().get("stop")).isEqualTo(List.of("END"));
    Object max = req.body().getOrDefault("max_tokens", req.body().get("max_completion_tokens"));
    assertThat(max).as("max_tokens or max_completion_tokens").isInstanceOf(Number.class);
    assertThat(((Number) max).longValue()).isEqualTo(7L);
    assertThat(req.stream()).isFalse();
  }

  @Test
  void unicodeSurvivesTheRoundTrip() {
    String text = "Grüße, 世界 🌍 \"quoted\" \\ back\nslash\ttab \u2028";
    assertThat(client.chat(ask(text)).content()).isEqualTo(text);
  }

  @Test
  void streamingDeliversDeltasThenOneCompletion() {
    Recorder rec = new Recorder();
    client.stream(ask("one two three four"), rec);

    assertThat(rec.errors).isEmpty();
    assertThat(String.join("", rec.deltas)).isEqualTo("one two three four");
    assertThat(rec.deltas.size()).isGreaterThanOrEqualTo(4);
    assertThat(rec.completions).hasSize(1);
    ChatResponse done = rec.completions.get(0);
    assertThat(done.content()).isEqualTo("one two three four");
    assertThat(done.outputTokens()).isEqualTo(4L);
    assertThat(done.inputTokens()).isEqualTo(4L);
    assertThat(server.lastRequest().stream()).isTrue();
  }

  @Test
  void refusedCredentialsAreUnauthorizedAndNotRetried() {
    ChatRequest wrongKey = ask("hi").withEndpoint(new ModelEndpoint(null, "wrong-key-123", null));

    assertThatThrownBy(() -> client.chat(wrongKey))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(ModelException.Kind.UNAUTHORIZED);
          assertThat(e.httpStatus()).isEqualTo(401);
          assertThat(e.getMessage()).doesNotContain("wrong-key-123").doesNotContain("contract-key");
        });
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void aBadRequestIsNotRetried() {
    server.enqueue(Behaviour.error(400, "unknown parameter"));

    assertThatThrownBy(() -> client.chat(ask("hi")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(ModelException.Kind.BAD_REQUEST);
          assertThat(e.httpStatus()).isEqualTo(400);
          assertThat(e.getMessage()).contains("400");
        });
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void aPassingOutageIsRetried() {
    server.enqueue(Behaviour.unavailable());

    ChatResponse r = client.chat(ask("again"));

    assertThat(r.content()).isEqualTo("again");
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(server.chatRequests()).hasSize(2);
  }

  @Test
  void aMalformedReplyIsABadResponse() {
    server.enqueue(Behaviour.malformed());

    assertThatThrownBy(() -> client.chat(ask("hi")))
        .isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.kind()).isEqualTo(ModelException.Kind.BAD_RESPONSE));
  }

  @Test
  void aSlowAnswerTimesOut() {
    server.enqueue(Behaviour.delay(Duration.ofSeconds(3)));
    ChatRequest r = new ChatRequest("test-model", List.of(ChatMessage.user("slow")), null, null, null, null, null,
        Duration.ofMillis(300));

    long start = System.nanoTime();
    assertThatThrownBy(() -> client.chat(r))
        .isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.kind()).isEqualTo(ModelException.Kind.TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void aStreamNeverThrowsAtItsCaller() {
    server.enqueue(Behaviour.error(400, "bad"));
    Recorder rec = new Recorder();

    assertThatCode(() -> client.stream(ask("x"), rec)).doesNotThrowAnyException();

    assertThat(rec.errors).hasSize(1);
    assertThat(rec.errors.get(0).kind()).isEqualTo(ModelException.Kind.BAD_REQUEST);
    assertThat(rec.completions).isEmpty();
  }

  @Test
  void aStreamCutOffEndsInOneError() {
    server.enqueue(Behaviour.cutOff(2));
    Recorder rec = new Recorder();

    client.stream(ask("one two three four five"), rec);

    assertThat(rec.completions).isEmpty();
    assertThat(rec.errors).hasSize(1);
    assertThat(String.join("", rec.deltas)).isEqualTo("one two");
  }

  @Test
  void anEndpointOverridesBaseUrlKeyAndHeaders() {
    try (OpenAiCompatibleServer other = OpenAiCompatibleServer.start("other-key")) {
      other.answer(OpenAiCompatibleServer.fixed("from the other server"));
      ChatRequest r = ask("hi").withEndpoint(new ModelEndpoint(other.baseUrl(), "other-key", Map.of("X-Trace", "t1")));

      assertThat(client.chat(r).content()).isEqualTo("from the other server");

      assertThat(other.lastRequest().header("x-trace")).isEqualTo("t1");
      assertThat(server.requests()).isEmpty();
    }
  }

  @Test
  void concurrentCallsEachGetTheirOwnAnswer() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String q = "question " + i;
        answers.add(pool.submit(() -> client.chat(ask(q)).content()));
      }
      for (int i = 0; i < answers.size(); i++) {
        assertThat(answers.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("question " + i);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.chatRequests()).hasSize(40);
  }

  @Test
  void checkIsDataAndCloseIsIdempotent() {
    assertThatCode(() -> client.check()).doesNotThrowAnyException();
    assertThat(client.check()).isNotNull();
    client.close();
    assertThatCode(() -> client.close()).doesNotThrowAnyException();
  }

  /** A listener that records what it hears and checks the order rule. */
  public static final class Recorder implements ChatListener {
    public final List<String> deltas = new CopyOnWriteArrayList<>();
    public final List<ChatResponse> completions = new CopyOnWriteArrayList<>();
    public final List<ModelException> errors = new CopyOnWriteArrayList<>();
    private final AtomicInteger ends = new AtomicInteger();

    @Override
    public void onDelta(String text) {
      if (ends.get() > 0) {
        throw new AssertionError("a delta after the end of the stream");
      }
      deltas.add(text);
    }

    @Override
    public void onComplete(ChatResponse response) {
      ends.incrementAndGet();
      completions.add(response);
    }

    @Override
    public void onError(ModelException error) {
      ends.incrementAndGet();
      errors.add(error);
    }
  }
}
