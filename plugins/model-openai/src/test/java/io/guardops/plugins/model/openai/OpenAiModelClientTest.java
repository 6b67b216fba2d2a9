package io.guardops.plugins.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.ComponentConfig;
import io.guardops.api.Health;
import io.guardops.api.model.ChatListener;
import io.guardops.api.model.ChatMessage;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.model.ChatResponse;
import io.guardops.api.model.ModelEndpoint;
import io.guardops.api.model.ModelException;
import io.guardops.api.model.ModelException.Kind;
import io.guardops.tck.ModelClientContract.Recorder;
import io.guardops.tck.MutableClock;
import io.guardops.tck.OpenAiCompatibleServer;
import io.guardops.tck.OpenAiCompatibleServer.Behaviour;
import io.guardops.tck.OpenAiCompatibleServer.RecordedRequest;
import io.guardops.tck.TestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiModelClientTest {
  private static final String KEY = "sk-test-0123456789abcdef";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final List<Duration> slept = new CopyOnWriteArrayList<>();
  private OpenAiCompatibleServer server;
  private OpenAiModelClient client;

  @BeforeEach
  void start() {
    server = OpenAiCompatibleServer.start(KEY);
    client = client(Map.of());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  /** A client of {@link #server} that records its waits instead of sleeping; jitter factor 0.5. */
  private OpenAiModelClient client(Map<String, String> extra) {
    Map<String, String> values = new HashMap<>(Map.of("base-url", server.baseUrl(), "api-key", KEY));
    values.putAll(extra);
    return new OpenAiModelClient(OpenAiSettings.from(config(values)), clock, slept::add, () -> 0.0);
  }

  private ComponentConfig config(Map<String, String> values) {
    return ComponentConfig.of("guardops.model-client.openai", values, Path.of("."), clock);
  }

  private static ChatRequest ask(String text) {
    return ChatRequest.of("gpt-4o-mini", List.of(ChatMessage.user(text)));
  }

  @Test
  void aPlainCallSendsTheKeyAsBearerAndReadsTheAnswerAndUsage() {
    ChatResponse r = client.chat(ask("hello there"));

    assertThat(r.content()).isEqualTo("hello there");
    assertThat(r.id()).startsWith("chatcmpl-");
    assertThat(r.model()).isEqualTo("gpt-4o-mini");
    assertThat(r.inputTokens()).isEqualTo(2L);
    assertThat(r.outputTokens()).isEqualTo(2L);
    assertThat(r.attempts()).isEqualTo(1);
    RecordedRequest req = server.lastRequest();
    assertThat(req.path()).isEqualTo("/v1/chat/completions");
    assertThat(req.header("authorization")).isEqualTo("Bearer " + KEY);
    assertThat(req.header("content-type")).isEqualTo("application/json");
    assertThat(req.body()).doesNotContainKey("stream");
    assertThat(slept).isEmpty();
  }

  @Test
  void rateLimitedThenSuccessWaitsWhatRetryAfterSays() {
    server.enqueue(Behaviour.rateLimited(2));

    ChatResponse r = client.chat(ask("patience"));

    assertThat(r.content()).isEqualTo("patience");
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(slept).containsExactly(Duration.ofSeconds(2));
    assertThat(server.chatRequests()).hasSize(2);
  }

  @Test
  void withoutAHintRetriesBackOffExponentially() {
    server.enqueue(Behaviour.rateLimited(), Behaviour.unavailable(), Behaviour.serverError());

    ChatResponse r = client.chat(ask("x"));

    // initial 500 ms doubled per retry, times the jitter factor 0.5 the test's random gives
    assertThat(slept).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1000));
    assertThat(r.attempts()).isEqualTo(4);
  }

  @Test
  void threeServerErrorsExhaustTwoRetries() {
    client.close();
    client = client(Map.of("max-retries", "2"));
    server.enqueue(Behaviour.serverError(), Behaviour.serverError(), Behaviour.serverError());

    assertThatThrownBy(() -> client.chat(ask("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
          assertThat(e.httpStatus()).isEqualTo(500);
          assertThat(e.getMessage()).contains("HTTP 500").contains("3 attempts")
              .contains("/v1/chat/completions").contains("The server had an error");
        });
    assertThat(server.chatRequests()).hasSize(3);
    assertThat(slept).hasSize(2);
  }

  @Test
  void persistentRateLimitingEndsRateLimited() {
    client.close();
    client = client(Map.of("max-retries", "1"));
    server.enqueue(Behaviour.rateLimited(1), Behaviour.rateLimited(1));

    assertThatThrownBy(() -> client.chat(ask("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
          assertThat(e.kind().retryable()).isTrue();
          assertThat(e.httpStatus()).isEqualTo(429);
        });
  }

  @Test
  void aRetryAfterLongerThanAllowedFailsAtOnce() {
    server.enqueue(Behaviour.rateLimited(3600));

    assertThatThrownBy(() -> client.chat(ask("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
          assertThat(e.getMessage()).contains("retry after 3600000 ms");
        });
    assertThat(slept).isEmpty();
  }

  @Test
  void aSlowServerTimesOut() {
    client.close();
    client = client(Map.of("request-timeout", "300ms"));
    server.enqueue(Behaviour.delay(Duration.ofSeconds(3)));

    long start = System.nanoTime();
    assertThatThrownBy(() -> client.chat(ask("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
          assertThat(e.getMessage()).contains("within the timeout");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
  }

  @Test
  void aMalformedReplyIsABadResponseAndNotRetried() {
    server.enqueue(Behaviour.malformed());

    assertThatThrownBy(() -> client.chat(ask("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.BAD_RESPONSE);
          assertThat(e.getMessage()).contains("not valid JSON");
        });
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void jsonThatIsNotACompletionIsABadResponse() {
    server.enqueue(Behaviour.rawBody("{\"object\": \"list\", \"data\": []}"));

    assertThatThrownBy(() -> client.chat(ask("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.BAD_RESPONSE);
          assertThat(e.getMessage()).contains("no choices");
        });
  }

  @Test
  void aBodyCutShortIsRetried() {
    server.enqueue(Behaviour.cutOff(0));

    ChatResponse r = client.chat(ask("whole"));

    assertThat(r.content()).isEqualTo("whole");
    assertThat(r.attempts()).isEqualTo(2);
  }

  @Test
  void aWrongKeyIsUnauthorizedAndNeverEchoed() {
    client.close();
    client = client(Map.of("api-key", "sk-wrong-key-999"));

    assertThatThrownBy(() -> client.chat(ask("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
          assertThat(e.httpStatus()).isEqualTo(401);
          assertThat(e.getMessage()).contains("HTTP 401").contains("check the API key")
              .doesNotContain("sk-wrong-key-999");
        });
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void anErrorMessageThatEchoesTheKeyIsRedacted() {
    server.enqueue(Behaviour.error(400, "Incorrect API key provided: " + KEY));

    assertThatThrownBy(() -> client.chat(ask("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
          assertThat(e.getMessage()).doesNotContain(KEY).contains("***");
        });
  }

  @Test
  void anUnreachableEndpointIsUnavailableAfterRetries() {
    OpenAiCompatibleServer gone = OpenAiCompatibleServer.start(null);
    String url = gone.baseUrl();
    gone.close();
    client.close();
    client = client(Map.of("base-url", url, "max-retries", "2"));

    assertThatThrownBy(() -> client.chat(ask("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
          assertThat(e.getMessage()).contains("3 attempts").doesNotContain(KEY);
        });
    assertThat(slept).hasSize(2);
  }

  @Test
  void streamingDeliversEachDeltaAsItArrives() {
    CountDownLatch resume = new CountDownLatch(1);
    server.enqueue(Behaviour.pauseAfterFirstChunk(resume));
    AtomicLong firstDeltaAt = new AtomicLong();
    List<String> deltas = new CopyOnWriteArrayList<>();
    List<ChatResponse> done = new CopyOnWriteArrayList<>();

    client.stream(ask("the first word arrives early"), new ChatListener() {
      @Override
      public void onDelta(String text) {
        if (deltas.isEmpty()) {
          firstDeltaAt.set(System.nanoTime());
          // the server holds the rest of the stream until the client has shown the first delta
          resume.countDown();
        }
        deltas.add(text);
      }

      @Override
      public void onComplete(ChatResponse response) {
        done.add(response);
      }

      @Override
      public void onError(ModelException error) {
        throw new AssertionError(error);
      }
    });

    assertThat(deltas).containsExactly("the", " first", " word", " arrives", " early");
    assertThat(firstDeltaAt.get()).isLessThan(server.lastRequest().completedAtNanos());
    assertThat(done).hasSize(1);
    ChatResponse r = done.get(0);
    assertThat(r.content()).isEqualTo("the first word arrives early");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.inputTokens()).isEqualTo(5L);
    assertThat(r.outputTokens()).isEqualTo(5L);
    RecordedRequest req = server.lastRequest();
    assertThat(req.body().get("stream")).isEqualTo(true);
    assertThat(req.body().get("stream_options")).isEqualTo(Map.of("include_usage", true));
    assertThat(req.header("accept")).isEqualTo("text/event-stream");
  }

  @Test
  void aStreamCutOffMidWayReportsWhatArrived() {
    server.enqueue(Behaviour.cutOff(3));
    Recorder rec = new Recorder();

    client.stream(ask("one two three four five six"), rec);

    assertThat(rec.deltas).containsExactly("one", " two", " three");
    assertThat(rec.completions).isEmpty();
    assertThat(rec.errors).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
      assertThat(e.getMessage()).contains("broke after 3 deltas");
    });
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void aStreamThatBreaksBeforeAnyContentIsRetried() {
    server.enqueue(Behaviour.cutOff(0));
    Recorder rec = new Recorder();

    client.stream(ask("second time lucky"), rec);

    assertThat(rec.errors).isEmpty();
    assertThat(String.join("", rec.deltas)).isEqualTo("second time lucky");
    assertThat(rec.completions).singleElement().satisfies(r -> assertThat(r.attempts()).isEqualTo(2));
  }

  @Test
  void aStreamWithoutUsageStillCompletes() {
    client.close();
    client = client(Map.of("stream-include-usage", "false"));
    Recorder rec = new Recorder();

    client.stream(ask("no usage"), rec);

    assertThat(server.lastRequest().body()).doesNotContainKey("stream_options");
    assertThat(rec.completions).singleElement().satisfies(r -> {
      assertThat(r.content()).isEqualTo("no usage");
      assertThat(r.inputTokens()).isNull();
      assertThat(r.totalTokens()).isNull();
    });
  }

  @Test
  void aStreamThatTimesOutReportsTimeout() {
    server.enqueue(Behaviour.delay(Duration.ofSeconds(3)));
    Recorder rec = new Recorder();
    ChatRequest r = new ChatRequest("gpt-4o-mini", List.of(ChatMessage.user("x")), null, null, null, null, null,
        Duration.ofMillis(300));

    client.stream(r, rec);

    assertThat(rec.errors).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
  }

  @Test
  void anEndpointOverridesBaseUrlKeyAndHeaders() {
    try (OpenAiCompatibleServer other = OpenAiCompatibleServer.builder().apiKey("other-key").pathPrefix("/api/v2")
        .start()) {
      other.answer(OpenAiCompatibleServer.fixed("elsewhere"));
      ChatRequest r = ask("x").withEndpoint(new ModelEndpoint(other.baseUrl() + "/", "other-key",
          Map.of("X-Team", "evals")));

      assertThat(client.chat(r).content()).isEqualTo("elsewhere");

      RecordedRequest req = other.lastRequest();
      assertThat(req.path()).isEqualTo("/api/v2/chat/completions");
      assertThat(req.header("authorization")).isEqualTo("Bearer other-key");
      assertThat(req.header("x-team")).isEqualTo("evals");
      assertThat(server.requests()).isEmpty();
    }
  }

  @Test
  void anEndpointWithOnlyHeadersKeepsTheDefaultUrlAndKey() {
    client.chat(ask("x").withEndpoint(new ModelEndpoint(null, null, Map.of("X-Run", "7"))));

    assertThat(server.lastRequest().header("x-run")).isEqualTo("7");
    assertThat(server.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);
  }

  @Test
  void anEndpointWithABadUrlIsABadRequest() {
    assertThatThrownBy(() -> client.chat(ask("x").withEndpoint(new ModelEndpoint("ftp://nope", null, null))))
        .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST));
  }

  @Test
  void azureModeUsesTheDeploymentPathApiVersionAndApiKeyHeader() {
    client.close();
    client = client(Map.of("base-url", server.origin(), "azure", "true", "api-version", "2024-06-01"));

    ChatResponse r = client.chat(ask("from azure"));

    assertThat(r.content()).isEqualTo("from azure");
    RecordedRequest req = server.lastRequest();
    assertThat(req.path()).isEqualTo("/openai/deployments/gpt-4o-mini/chat/completions");
    assertThat(req.queryParameter("api-version")).isEqualTo("2024-06-01");
    assertThat(req.header("api-key")).isEqualTo(KEY);
    assertThat(req.header("authorization")).isNull();
  }

  @Test
  void anEndpointCanBeAzureFlavouredWhileTheClientIsNot() {
    try (OpenAiCompatibleServer azure = OpenAiCompatibleServer.builder().apiKey("azure-key").start()) {
      ChatRequest r = ask("deployed").withEndpoint(new ModelEndpoint(azure.origin(), "azure-key", Map.of(), true,
          "2025-01-01-preview"));

      assertThat(client.chat(r).content()).isEqualTo("deployed");

      RecordedRequest req = azure.lastRequest();
      assertThat(req.path()).isEqualTo("/openai/deployments/gpt-4o-mini/chat/completions");
      assertThat(req.queryParameter("api-version")).isEqualTo("2025-01-01-preview");
      assertThat(req.header("api-key")).isEqualTo("azure-key");
      assertThat(req.header("authorization")).isNull();
    }
  }

  @Test
  void anEndpointCanTurnAzureOffOnAnAzureClient() {
    client.close();
    client = client(Map.of("base-url", server.origin(), "azure", "true"));

    client.chat(ask("plain").withEndpoint(new ModelEndpoint(server.baseUrl(), null, Map.of(), false, null)));

    assertThat(server.lastRequest().path()).isEqualTo("/v1/chat/completions");
    assertThat(server.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);
  }

  @Test
  void theConfiguredKeyAndHeadersNeverGoToAnotherOrigin() {
    client.close();
    client = client(Map.of("organization", "org-1", "headers", "X-Gateway-Secret: s3cr3t"));
    try (OpenAiCompatibleServer other = OpenAiCompatibleServer.builder().apiKey(null).start()) {
      client.chat(ask("x").withEndpoint(new ModelEndpoint(other.baseUrl(), null, Map.of("X-Own", "1"))));

      RecordedRequest req = other.lastRequest();
      assertThat(req.header("authorization")).isNull();
      assertThat(req.header("openai-organization")).isNull();
      assertThat(req.header("x-gateway-secret")).isNull();
      assertThat(req.header("x-own")).isEqualTo("1");
    }
  }

  @Test
  void anEmptyEndpointKeyMeansNoKeyEvenOnTheConfiguredOrigin() {
    OpenAiCompatibleServer open = OpenAiCompatibleServer.builder().apiKey(null).start();
    try {
      client.close();
      client = client(Map.of("base-url", open.baseUrl()));
      client.chat(ask("x").withEndpoint(new ModelEndpoint(open.baseUrl(), "", Map.of())));

      assertThat(open.lastRequest().header("authorization")).isNull();
    } finally {
      open.close();
    }
  }

  @Test
  void modelsListsTheEndpointsModelIds() {
    assertThat(client.models(null)).containsExactly("gpt-4o-mini", "test-model");

    RecordedRequest req = server.lastRequest();
    assertThat(req.method()).isEqualTo("GET");
    assertThat(req.path()).isEqualTo("/v1/models");
    assertThat(req.header("authorization")).isEqualTo("Bearer " + KEY);
  }

  @Test
  void modelsOfAnotherEndpointUseItsUrlAndKey() {
    try (OpenAiCompatibleServer other = OpenAiCompatibleServer.builder().apiKey("k2").pathPrefix("/api")
        .models(List.of("llama3.1:8b")).start()) {
      assertThat(client.models(new ModelEndpoint(other.baseUrl(), "k2", Map.of()))).containsExactly("llama3.1:8b");
      assertThat(other.lastRequest().header("authorization")).isEqualTo("Bearer k2");
    }
  }

  @Test
  void modelsOfAnAzureEndpointUseTheDataPlaneListWithApiVersion() {
    try (OpenAiCompatibleServer azure = OpenAiCompatibleServer.builder().apiKey("az").pathPrefix("/openai")
        .models(List.of("gpt-4o")).start()) {
      assertThat(client.models(new ModelEndpoint(azure.origin(), "az", Map.of(), true, "2024-10-21")))
          .containsExactly("gpt-4o");
      RecordedRequest req = azure.lastRequest();
      assertThat(req.path()).isEqualTo("/openai/models");
      assertThat(req.queryParameter("api-version")).isEqualTo("2024-10-21");
      assertThat(req.header("api-key")).isEqualTo("az");
    }
  }

  @Test
  void modelsWithAWrongKeyIsUnauthorizedWithoutTheKey() {
    assertThatThrownBy(() -> client.models(new ModelEndpoint(null, "wrong-key-42", Map.of())))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
          assertThat(e.httpStatus()).isEqualTo(401);
          assertThat(e.getMessage()).startsWith("GET ").doesNotContain("wrong-key-42");
        });
  }

  @Test
  void modelsOfAnUnreachableEndpointIsUnavailableAfterRetries() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/v1";
    assertThatThrownBy(() -> client.models(new ModelEndpoint(url, null, Map.of())))
        .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    assertThat(slept).hasSize(3);
  }

  @Test
  void modelsOfAMissingListIsABadRequestNotRetried() {
    try (OpenAiCompatibleServer other = OpenAiCompatibleServer.builder().apiKey(null).pathPrefix("/x").start()) {
      // /x/models exists; /x/nothing/models does not: a 404 is a bad request, not retried
      assertThatThrownBy(() -> client.models(new ModelEndpoint(other.origin() + "/x/nothing", null, Map.of())))
          .isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
            assertThat(e.httpStatus()).isEqualTo(404);
          });
      assertThat(other.requests()).hasSize(1);
    }
  }

  @Test
  void organizationProjectAndExtraHeadersAreSent() {
    client.close();
    client = client(Map.of("organization", "org-1", "project", "proj-2",
        "headers", "X-Gateway: eu-west; X-Tenant: acme"));

    client.chat(ask("x"));

    RecordedRequest req = server.lastRequest();
    assertThat(req.header("openai-organization")).isEqualTo("org-1");
    assertThat(req.header("openai-project")).isEqualTo("proj-2");
    assertThat(req.header("x-gateway")).isEqualTo("eu-west");
    assertThat(req.header("x-tenant")).isEqualTo("acme");
  }

  @Test
  void maxTokensCanUseTheNewerFieldName() {
    client.close();
    client = client(Map.of("max-tokens-field", "max_completion_tokens"));

    client.chat(new ChatRequest("o3-mini", List.of(ChatMessage.user("x")), null, 12, null, null, null, null));

    assertThat(server.lastRequest().body()).containsEntry("max_completion_tokens", 12L).doesNotContainKey("max_tokens");
  }

  @Test
  void checkReportsConfigurationWithoutCallingTheNetwork() {
    Health h = client.check();
    assertThat(h.healthy()).isTrue();
    assertThat(h.detail()).contains(server.baseUrl()).contains("API key set").doesNotContain(KEY);
    assertThat(server.requests()).isEmpty();

    OpenAiModelClient noKey = new OpenAiModelClient(OpenAiSettings.from(config(Map.of())), clock, slept::add,
        () -> 0.0);
    assertThat(noKey.check().healthy()).isFalse();
    assertThat(noKey.check().detail()).contains("guardops.model-client.openai.api-key");
    noKey.close();

    OpenAiModelClient local = new OpenAiModelClient(
        OpenAiSettings.from(config(Map.of("base-url", "http://localhost:11434/v1"))), clock, slept::add, () -> 0.0);
    assertThat(local.check().healthy()).as("a local server needs no key").isTrue();
    local.close();
    assertThat(local.check().healthy()).isFalse();
  }

  @Test
  void aClosedClientRefusesCalls() {
    client.close();
    assertThatThrownBy(() -> client.chat(ask("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.getMessage()).contains("closed"));
  }

  @Test
  void badSettingsAreRefusedWithTheirFullKey() {
    OpenAiModelClientProvider p = new OpenAiModelClientProvider();
    assertThatThrownBy(() -> p.create(config(Map.of("base-url", "not a url")), TestContext.empty()))
        .hasMessageContaining("guardops.model-client.openai.base-url");
    assertThatThrownBy(() -> p.create(config(Map.of("max-retries", "-1")), TestContext.empty()))
        .hasMessageContaining("guardops.model-client.openai.max-retries");
    assertThatThrownBy(() -> p.create(config(Map.of("request-timeout", "0s")), TestContext.empty()))
        .hasMessageContaining("guardops.model-client.openai.request-timeout");
    assertThatThrownBy(() -> p.create(config(Map.of("headers", "no colon here")), TestContext.empty()))
        .hasMessageContaining("guardops.model-client.openai.headers");
    assertThatThrownBy(() -> p.create(config(Map.of("initial-backoff", "10s", "max-backoff", "1s")),
        TestContext.empty())).hasMessageContaining("max-backoff");
    assertThat(p.name()).isEqualTo("openai");
    assertThat(p.pluginId()).isEqualTo("model-openai");
  }

  @Test
  void settingsNeverPrintTheKey() {
    assertThat(OpenAiSettings.from(config(Map.of("api-key", KEY))).toString()).doesNotContain(KEY).contains("set");
  }
}
