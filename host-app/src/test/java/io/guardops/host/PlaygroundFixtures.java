package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.tck.OpenAiCompatibleServer;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Hosts and calls for the playground, model registry, arena, template and PII integration tests: an
 * unprotected host (users alice, bob, carol) whose model client points at a local OpenAI-compatible
 * server, on the ITs' store (SQLite; MongoDB in the second failsafe execution), with a secrets key.
 */
final class PlaygroundFixtures {
  /** A fixed secrets key for tests (32 bytes, base64); a real one comes from {@code openssl rand -base64 32}. */
  static final String SECRETS_KEY = "q5VqW1v0m3kQ9YtCz8nJ2xH4bR6eL7aD0sF1gT2hU3I=";

  private PlaygroundFixtures() {}

  static TestHost host(Path dir, OpenAiCompatibleServer models, Map<String, String> extra) throws Exception {
    TestHost.pluginsDir(dir);
    Map<String, String> all = new LinkedHashMap<>(ModelServer.settings(models));
    all.put("guardops.auth", "unprotected");
    all.put("guardops.secrets.key", SECRETS_KEY);
    all.putAll(extra);
    all.values().removeIf(v -> v == null);
    TestHost host = new TestHost(dir, all);
    for (String u : new String[] {"alice", "bob", "carol"}) {
      assertThat(host.send("POST", "/api/create_user?user_id=" + u).status()).isEqualTo(200);
    }
    return host;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Registers a model of {@code user} with a JSON body; asserts 200 and returns its id. */
  static String addModel(TestHost host, String user, Map<String, Object> body) throws Exception {
    TestHost.Reply r = host.json("POST", "/api/add_model?user_id=" + user, body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("model_id").asText();
  }

  /** A model served by {@code server} (with its key), priced per million tokens. */
  static Map<String, Object> model(String name, OpenAiCompatibleServer server, double input, double output) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("provider", "openai");
    m.put("name", name);
    m.put("base_url", server.baseUrl());
    if (server.apiKey() != null) {
      m.put("api_key", server.apiKey());
    }
    m.put("input_price", input);
    m.put("output_price", output);
    return m;
  }

  /** The default project of {@code user}. */
  static String defaultProject(TestHost host, String user) throws Exception {
    JsonNode projects = host.send("GET", "/api/get_projects?user_id=" + user).json().get("projects");
    for (JsonNode p : projects) {
      if (p.get("name").asText().equals("Default Project")) {
        return p.get("project_id").asText();
      }
    }
    throw new AssertionError("no Default Project of " + user + " in " + projects);
  }

  /** One server-sent event. */
  record Event(String name, JsonNode data) {}

  /**
   * A streamed reply read as its events arrive: {@link #next} waits for the next one, so a test sees
   * when each event reaches the client.
   */
  static final class EventReader implements AutoCloseable {
    final int status;
    final String contentType;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private static final Object END = new Object();

    EventReader(TestHost host, String pathAndQuery, Object body) throws Exception {
      HttpRequest req = HttpRequest.newBuilder(host.uri(pathAndQuery)).header("Content-Type", "application/json")
          .header("Accept", "text/event-stream")
          .POST(body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(TestHost.JSON.writeValueAsBytes(body))).build();
      HttpResponse<Stream<String>> r = host.http.send(req, HttpResponse.BodyHandlers.ofLines());
      status = r.statusCode();
      contentType = r.headers().firstValue("content-type").orElse("");
      Iterator<String> lines = r.body().iterator();
      reader = new Thread(() -> {
        String name = null;
        StringBuilder data = new StringBuilder();
        try {
          while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
              if (name != null || data.length() > 0) {
                events.add(new Event(name, TestHost.JSON.readTree(data.toString())));
              }
              name = null;
              data.setLength(0);
            } else if (line.startsWith("event: ")) {
              name = line.substring(7);
            } else if (line.startsWith("data: ")) {
              data.append(line.substring(6));
            }
          }
        } catch (Exception e) {
          events.add(e);
        } finally {
          events.add(END);
        }
      }, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next event (waiting up to 10 s), or null at the end of the stream. */
    Event next() throws Exception {
      Object e = events.poll(10, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no event within 10 s");
      }
      if (e instanceof Exception ex) {
        throw ex;
      }
      return e == END ? null : (Event) e;
    }

    /** Every remaining event, up to the end of the stream. */
    List<Event> rest() throws Exception {
      List<Event> out = new ArrayList<>();
      for (Event e = next(); e != null; e = next()) {
        out.add(e);
      }
      return out;
    }

    @Override
    public void close() {
      reader.interrupt();
    }
  }
}
