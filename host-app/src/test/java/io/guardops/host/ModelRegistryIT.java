package io.guardops.host;

import static io.guardops.host.PlaygroundFixtures.addModel;
import static io.guardops.host.PlaygroundFixtures.defaultProject;
import static io.guardops.host.PlaygroundFixtures.enc;
import static io.guardops.host.PlaygroundFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.StoredRecord;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.tck.OpenAiCompatibleServer;
import io.guardops.tck.OpenAiCompatibleServer.RecordedRequest;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model registry over HTTP: secrets sealed at rest and never returned, global models managed by
 * administrators only, other users' models invisible, Azure-style endpoints, model lists, and registered
 * prices pricing the user's ingested traces.
 */
class ModelRegistryIT {
  @TempDir
  Path dir;

  private OpenAiCompatibleServer server;

  @BeforeEach
  void start() {
    server = OpenAiCompatibleServer.start("test-key");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void keysAreSealedAtRestAndNeverReturned() throws Exception {
    try (TestHost host = PlaygroundFixtures.host(dir, server, Map.of())) {
      Map<String, Object> body = model("gpt-4o-mini", server, 0.15, 0.6);
      body.put("api_key", "sk-proj-SECRETvalue0123456789wxyz");
      body.put("headers", Map.of("X-Gateway-Token", "gateway-secret-42"));
      TestHost.Reply added = host.json("POST", "/api/add_model?user_id=alice", body);
      assertThat(added.status()).as(added.body()).isEqualTo(200);
      assertThat(added.json().get("api_key_set").asBoolean()).isTrue();
      assertThat(added.json().get("api_key_hint").asText()).isEqualTo("wxyz");
      assertThat(added.json().get("headers")).extracting(JsonNode::asText).containsExactly("X-Gateway-Token");
      assertThat(added.body()).doesNotContain("SECRETvalue").doesNotContain("gateway-secret-42");
      String list = host.send("GET", "/api/get_models?user_id=alice").body();
      assertThat(list).contains("gpt-4o-mini").doesNotContain("SECRETvalue").doesNotContain("gateway-secret-42");

      // stored sealed: neither the key nor the header value is anywhere in the store (its files or documents)
      StringBuilder records = new StringBuilder();
      for (StoredRecord r : host.engine.store().records().orElseThrow().list("model", "alice", null, 100)) {
        records.append(r.json());
      }
      assertThat(records).contains("gs1:").doesNotContain("SECRETvalue").doesNotContain("gateway-secret-42");
      assertThat(TestHost.storedText(dir)).doesNotContain("SECRETvalue").doesNotContain("gateway-secret-42");

      // in the URL a key is refused, before anything is stored
      TestHost.Reply inUrl = host.send("POST", "/api/add_model?user_id=alice&name=x&api_key=sk-abc");
      assertThat(inUrl.status()).isEqualTo(400);
      assertThat(inUrl.json().get("detail").asText()).contains("JSON body");

      // the key and header are opened for the call only: the provider gets them
      String pg = host.json("POST", "/api/create_prompt_playground?user_id=alice&model=gpt-4o-mini",
          Map.of("prompt", "hi")).json().asText();
      TestHost.Reply run = host.send("POST", "/api/trace_playground?user_id=alice&playground_id=" + pg);
      assertThat(run.status()).as("the server expects test-key: refused").isEqualTo(502);
      RecordedRequest sent = server.lastRequest();
      assertThat(sent.header("authorization")).isEqualTo("Bearer sk-proj-SECRETvalue0123456789wxyz");
      assertThat(sent.header("x-gateway-token")).isEqualTo("gateway-secret-42");
      assertThat(run.body()).doesNotContain("SECRETvalue");

      // a new key replaces it; clear_api_key removes it
      JsonNode updated = host.json("PATCH", "/api/update_model?user_id=alice&model_id=" + added.json().get("model_id")
          .asText(), Map.of("api_key", "test-key")).json();
      assertThat(updated.get("api_key_hint").isNull()).as("keys of 8 characters or fewer show no hint").isTrue();
      assertThat(host.send("POST", "/api/trace_playground?user_id=alice&playground_id=" + pg).status()).isEqualTo(200);
      JsonNode cleared = host.json("PATCH", "/api/update_model?user_id=alice&model_id=" + added.json().get("model_id")
          .asText(), Map.of("clear_api_key", true)).json();
      assertThat(cleared.get("api_key_set").asBoolean()).isFalse();
    }
  }

  @Test
  void withoutASecretsKeyKeysAreRefusedWithWhatToConfigure() throws Exception {
    Map<String, String> noKey = new LinkedHashMap<>();
    noKey.put("guardops.secrets.key", null);
    try (TestHost host = PlaygroundFixtures.host(dir, server, noKey)) {
      Map<String, Object> body = model("m", server, 1, 1);
      TestHost.Reply r = host.json("POST", "/api/add_model?user_id=alice", body);
      assertThat(r.status()).isEqualTo(501);
      assertThat(r.json().get("detail").asText()).contains("guardops.secrets.key").contains("openssl rand -base64 32");
      body.remove("api_key");
      assertThat(host.json("POST", "/api/add_model?user_id=alice", body).status()).as("no key, no secret").isEqualTo(200);
      assertThat(host.send("GET", "/api/get_models?user_id=alice").json().get("models")).hasSize(1);
    }
  }

  @Test
  void aBadSecretsKeyStopsStartUpNamingTheSetting() throws Exception {
    TestHost.pluginsDir(dir);
    Map<String, String> s = new LinkedHashMap<>(ModelServer.settings(server));
    s.put("guardops.secrets.key", "dG9vIHNob3J0");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TestHost(dir, s).close())
        .hasMessageContaining("guardops.secrets.key").hasMessageContaining("32 bytes");
  }

  /** Bearer {@code user:Role,Role} acts as that user with those roles. */
  static final class TokenRoles implements Authenticator {
    @Override
    public AuthResult authenticate(Credentials c) {
      String t = c.bearerToken();
      if (t == null || !t.contains(":")) {
        return AuthResult.unauthenticated("a bearer token user:Role,Role is required");
      }
      String user = t.substring(0, t.indexOf(':'));
      Set<Role> roles = EnumSet.noneOf(Role.class);
      for (String r : t.substring(t.indexOf(':') + 1).split(",")) {
        roles.add(Role.fromClaim(r));
      }
      return AuthResult.authenticated(Caller.userToken(user, roles));
    }
  }

  private static TestHost.Reply as(TestHost host, String token, String method, String path, Object body)
      throws Exception {
    return host.send(method, path, body == null ? null : "application/json",
        body == null ? null : TestHost.JSON.writeValueAsBytes(body), Map.of("Authorization", "Bearer " + token));
  }

  @Test
  void globalModelsAreEveryonesAndOnlyAdministratorsChangeThem() throws Exception {
    TestHost.pluginsDir(dir);
    Map<String, String> s = new LinkedHashMap<>(ModelServer.settings(server));
    s.put("guardops.secrets.key", PlaygroundFixtures.SECRETS_KEY);
    try (TestHost host = new TestHost(dir, s, b -> b.authenticator(new TokenRoles()))) {
      for (String u : List.of("admin", "alice", "bob")) {
        host.engine.users().provision(u);
      }
      String admin = "admin:Full_Access";
      String alice = "alice:Playground";
      String bob = "bob:Playground";
      Map<String, Object> global = model("shared-model", server, 2, 4);
      global.put("global", true);
      TestHost.Reply refused = as(host, alice, "POST", "/api/add_model", global);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.json().get("detail").asText()).contains("Full_Access");
      TestHost.Reply added = as(host, admin, "POST", "/api/add_model", global);
      assertThat(added.status()).as(added.body()).isEqualTo(200);
      assertThat(added.json().get("global").asBoolean()).isTrue();
      String globalId = added.json().get("model_id").asText();

      String own = as(host, alice, "POST", "/api/add_model", model("alices-model", server, 1, 1)).json().get("model_id")
          .asText();
      JsonNode aliceSees = as(host, alice, "GET", "/api/get_models", null).json().get("models");
      assertThat(aliceSees).extracting(m -> m.get("name").asText()).containsExactly("alices-model", "shared-model");
      JsonNode bobSees = as(host, bob, "GET", "/api/get_models", null).json().get("models");
      assertThat(bobSees).extracting(m -> m.get("name").asText()).containsExactly("shared-model");

      assertThat(as(host, alice, "PATCH", "/api/update_model?model_id=" + globalId, Map.of("input_price", 9)).status())
          .isEqualTo(403);
      assertThat(as(host, alice, "DELETE", "/api/delete_model?model_id=" + globalId, null).status()).isEqualTo(403);
      assertThat(as(host, bob, "PATCH", "/api/update_model?model_id=" + own, Map.of("input_price", 9)).status())
          .isEqualTo(404);
      assertThat(as(host, bob, "DELETE", "/api/delete_model?model_id=" + own, null).status()).isEqualTo(404);
      TestHost.Reply changed = as(host, admin, "PATCH", "/api/update_model?model_id=" + globalId,
          Map.of("input_price", 3, "output_price", 6));
      assertThat(changed.status()).isEqualTo(200);
      assertThat(changed.json().get("input_price").asDouble()).isEqualTo(3.0);

      // bob runs the global model in his playground; his own model of the same name would shadow it
      String pg = as(host, bob, "POST", "/api/create_prompt_playground?model=shared-model", Map.of("prompt", "one two"))
          .json().asText();
      JsonNode run = as(host, bob, "POST", "/api/trace_playground?playground_id=" + pg, null).json();
      assertThat(run.at("/results/0/model_id").asText()).isEqualTo(globalId);
      assertThat(run.at("/results/0/cost").asDouble()).isCloseTo(2 * 3e-6 + 2 * 6e-6, within(1e-15));
      TestHost.Reply dup = as(host, alice, "POST", "/api/add_model", model("alices-model", server, 1, 1));
      assertThat(dup.status()).isEqualTo(409);
      assertThat(as(host, admin, "DELETE", "/api/delete_model?model_id=" + globalId, null).status()).isEqualTo(200);
      assertThat(as(host, bob, "GET", "/api/get_models", null).json().get("models")).isEmpty();
    }
  }

  @Test
  void aUsersRegisteredPricesPriceTheSpansTheirKeysSend() throws Exception {
    try (TestHost host = PlaygroundFixtures.host(dir, server, Map.of())) {
      // a model the bundled table does not know, and a bundled one at another price
      addModel(host, "alice", Map.of("name", "house-llm", "input_price", 10, "output_price", 20));
      addModel(host, "alice", Map.of("name", "gpt-4o-mini", "input_price", 100, "output_price", 100));
      String aliceKey = host.send("POST", "/api/create_key?user_id=alice").json().asText();
      String bobKey = host.send("POST", "/api/create_key?user_id=bob").json().asText();
      URI traces = host.uri("/v1/traces");
      long t = System.currentTimeMillis() * 1_000_000L;
      String house = OtlpJson.request(List.of(OtlpJson.SpanSpec.chat(OtlpJson.hex(1, 32), OtlpJson.hex(1, 16), null, t,
          t + 1000, false, "house-llm", 1000, 500)));
      String mini = OtlpJson.request(List.of(OtlpJson.SpanSpec.chat(OtlpJson.hex(2, 32), OtlpJson.hex(2, 16), null, t,
          t + 1000, false, "gpt-4o-mini-2024-07-18", 1000, 500)));
      String bobsHouse = OtlpJson.request(List.of(OtlpJson.SpanSpec.chat(OtlpJson.hex(3, 32), OtlpJson.hex(3, 16), null,
          t, t + 1000, false, "house-llm", 1000, 500)));
      assertThat(OtlpJson.post(host.http, traces, aliceKey, null, house).statusCode()).isEqualTo(200);
      assertThat(OtlpJson.post(host.http, traces, aliceKey, null, mini).statusCode()).isEqualTo(200);
      assertThat(OtlpJson.post(host.http, traces, bobKey, null, bobsHouse).statusCode()).isEqualTo(200);

      String alices = defaultProject(host, "alice");
      assertThat(cost(host, "alice", alices, 1)).isCloseTo(1000 * 10e-6 + 500 * 20e-6, within(1e-12));
      assertThat(cost(host, "alice", alices, 2)).as("alice's price beats the bundled one")
          .isCloseTo(1500 * 100e-6, within(1e-12));
      assertThat(host.send("GET", "/api/get_trace?user_id=bob&project_id=" + defaultProject(host, "bob")
          + "&trace_id=" + OtlpJson.hex(3, 32)).json().at("/summary/cost").isNull())
          .as("bob registered no price: an unknown model has no cost").isTrue();

      // a change applies to the next spans at once on this instance
      String id = null;
      for (JsonNode m : host.send("GET", "/api/get_models?user_id=alice").json().get("models")) {
        id = m.get("name").asText().equals("house-llm") ? m.get("model_id").asText() : id;
      }
      host.json("PATCH", "/api/update_model?user_id=alice&model_id=" + id, Map.of("input_price", 0, "output_price", 0));
      String again = OtlpJson.request(List.of(OtlpJson.SpanSpec.chat(OtlpJson.hex(4, 32), OtlpJson.hex(4, 16), null, t,
          t + 1000, false, "house-llm", 1000, 500)));
      OtlpJson.post(host.http, traces, aliceKey, null, again);
      assertThat(cost(host, "alice", alices, 4)).isEqualTo(0.0);
    }
  }

  private static double cost(TestHost host, String user, String project, long trace) throws Exception {
    TestHost.Reply r = host.send("GET", "/api/get_trace?user_id=" + user + "&project_id=" + project + "&trace_id="
        + OtlpJson.hex(trace, 32));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().at("/summary/cost").asDouble();
  }

  @Test
  void azureStyleModelsAndModelListsUseTheirEndpoint() throws Exception {
    try (OpenAiCompatibleServer azure = OpenAiCompatibleServer.builder().apiKey("azure-key").pathPrefix("/openai")
        .models(List.of("gpt-4o-deployment")).start();
         TestHost host = PlaygroundFixtures.host(dir, server, Map.of())) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("provider", "azure");
      body.put("name", "gpt-4o-deployment");
      body.put("base_url", azure.origin());
      body.put("api_version", "2024-10-21");
      body.put("api_key", "azure-key");
      String id = addModel(host, "alice", body);
      JsonNode listed = host.send("GET", "/api/get_models?user_id=alice").json().at("/models/0");
      assertThat(listed.get("azure").asBoolean()).as("provider azure implies the flavour").isTrue();

      TestHost.Reply models = host.send("GET", "/api/get_provider_models?user_id=alice&model_id=" + id);
      assertThat(models.status()).as(models.body()).isEqualTo(200);
      assertThat(models.json().get("models")).extracting(JsonNode::asText).containsExactly("gpt-4o-deployment");
      assertThat(azure.lastRequest().path()).isEqualTo("/openai/models");
      assertThat(azure.lastRequest().header("api-key")).isEqualTo("azure-key");

      String pg = host.json("POST", "/api/create_prompt_playground?user_id=alice&model=" + enc(id),
          Map.of("prompt", "ping")).json().asText();
      JsonNode run = host.send("POST", "/api/trace_playground?user_id=alice&playground_id=" + pg).json();
      assertThat(run.at("/results/0/output").asText()).isEqualTo("ping");
      RecordedRequest sent = azure.lastRequest();
      assertThat(sent.path()).isEqualTo("/openai/deployments/gpt-4o-deployment/chat/completions");
      assertThat(sent.queryParameter("api-version")).isEqualTo("2024-10-21");

      // the configured client's endpoint when no model is named
      JsonNode defaults = host.send("GET", "/api/get_provider_models?user_id=alice").json();
      assertThat(defaults.get("models")).extracting(JsonNode::asText).contains("gpt-4o-mini", "test-model");
      // another user's model is not found
      assertThat(host.send("GET", "/api/get_provider_models?user_id=bob&model_id=" + id).status()).isEqualTo(404);
    }
  }

  @Test
  void invalidFieldsAreRefusedWithTheRule() throws Exception {
    try (TestHost host = PlaygroundFixtures.host(dir, server, Map.of())) {
      assertThat(detail(host, Map.of("name", "m", "base_url", "ftp://x"))).contains("base_url");
      assertThat(detail(host, Map.of("base_url", "http://localhost:1/v1"))).contains("name is required");
      assertThat(detail(host, Map.of("name", "m", "input_price", 1))).contains("both input_price and output_price");
      assertThat(detail(host, Map.of("name", "m", "input_price", -1, "output_price", 1))).contains("USD per million");
      assertThat(detail(host, Map.of("name", "m", "provider", "Open AI!"))).contains("provider");
      assertThat(detail(host, Map.of("name", "m", "base_url", "https://user:pw@example.com/v1")))
          .contains("credentials");
    }
  }

  private static String detail(TestHost host, Map<String, Object> body) throws Exception {
    TestHost.Reply r = host.json("POST", "/api/add_model?user_id=alice", body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    return r.json().get("detail").asText();
  }
}
