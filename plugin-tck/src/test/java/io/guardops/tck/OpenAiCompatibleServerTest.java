package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.Json;
import io.guardops.tck.OpenAiCompatibleServer.Behaviour;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test server speaks the protocol as documented, checked with a plain HTTP client. */
class OpenAiCompatibleServerTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private OpenAiCompatibleServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> post(String url, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String chat(boolean stream, boolean usage) {
    return "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hello big world\"}]"
        + (stream ? ", \"stream\": true" : "") + (usage ? ", \"stream_options\": {\"include_usage\": true}" : "") + "}";
  }

  @Test
  void aCompletionHasIdModelChoicesAndUsage() throws Exception {
    server = OpenAiCompatibleServer.start("k");
    HttpResponse<String> r = post(server.baseUrl() + "/chat/completions", "k", chat(false, false));

    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> body = Json.readObject(r.body());
    assertThat(body.get("id").toString()).startsWith("chatcmpl-");
    assertThat(body.get("model")).isEqualTo("m");
    Map<?, ?> choice = (Map<?, ?>) ((List<?>) body.get("choices")).get(0);
    assertThat(((Map<?, ?>) choice.get("message")).get("content")).isEqualTo("hello big world");
    assertThat(choice.get("finish_reason")).isEqualTo("stop");
    assertThat(body.get("usage")).isEqualTo(Map.of("prompt_tokens", 3L, "completion_tokens", 3L, "total_tokens", 6L));
    assertThat(server.lastRequest().lastUserMessage()).isEqualTo("hello big world");
  }

  @Test
  void aStreamIsServerSentEventsEndingWithUsageAndDone() throws Exception {
    server = OpenAiCompatibleServer.start("k");
    HttpResponse<String> r = post(server.baseUrl() + "/chat/completions", "k", chat(true, true));

    assertThat(r.headers().firstValue("content-type")).contains("text/event-stream");
    List<String> events = List.of(r.body().split("\n\n"));
    assertThat(events).allSatisfy(e -> assertThat(e).startsWith("data: "));
    assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
    assertThat(events.get(0)).contains("\"role\":\"assistant\"");
    assertThat(events.get(1)).contains("\"delta\":{\"content\":\"hello\"}");
    assertThat(events.get(2)).contains("\"content\":\" big\"");
    assertThat(events.get(events.size() - 2)).contains("\"choices\":[]").contains("\"total_tokens\":6");
    HttpResponse<String> noUsage = post(server.baseUrl() + "/chat/completions", "k", chat(true, false));
    assertThat(noUsage.body()).doesNotContain("usage");
  }

  @Test
  void keysPrefixesModelsAndQueuedBehaviours() throws Exception {
    server = OpenAiCompatibleServer.builder().apiKey("k").pathPrefix("/api/").models(List.of("a", "b")).start();
    assertThat(post(server.baseUrl() + "/chat/completions", null, chat(false, false)).statusCode()).isEqualTo(401);
    assertThat(post(server.baseUrl() + "/chat/completions", "wrong", chat(false, false)).statusCode()).isEqualTo(401);
    assertThat(post(server.origin() + "/v1/chat/completions", "k", chat(false, false)).statusCode()).isEqualTo(404);
    HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models"))
        .header("api-key", "k").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(models.body()).contains("\"id\":\"a\"").contains("\"id\":\"b\"");

    server.enqueue(Behaviour.rateLimited(7), Behaviour.reply("once"));
    HttpResponse<String> limited = post(server.baseUrl() + "/chat/completions", "k", chat(false, false));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).contains("7");
    assertThat(post(server.baseUrl() + "/chat/completions", "k", chat(false, false)).body()).contains("\"once\"");
    assertThat(post(server.baseUrl() + "/chat/completions", "k", chat(false, false)).body()).contains("hello big world");
    assertThat(server.chatRequests()).hasSize(6);
  }

  @Test
  void azureDeploymentPathsAreServed() throws Exception {
    server = OpenAiCompatibleServer.start("k");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.origin()
            + "/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21"))
        .header("api-key", "k").POST(HttpRequest.BodyPublishers.ofString(
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Json.readObject(r.body()).get("model")).isEqualTo("my-gpt");
    assertThat(server.lastRequest().queryParameter("api-version")).isEqualTo("2024-10-21");
  }
}
