package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prompt templates over HTTP: versions, labels that move, rendering, the API-key routes, and refusals. */
class TemplatesIT extends WithLocalModels {
  private String create(String user, String name, String text, List<String> labels) throws Exception {
    TestHost.Reply r = host.json("POST", "/api/create_template?user_id=" + user + "&name=" + name
        + "&description=support", Map.of("text", text, "labels", labels, "comment", "first"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("version").asLong()).isEqualTo(1);
    return r.json().get("template_id").asText();
  }

  @Test
  void versionsLabelsAndRendering() throws Exception {
    String id = create("alice", "greeting", "Hello {{name}}, welcome to {{product}}.", List.of("production"));
    TestHost.Reply v2 = host.json("PATCH", "/api/update_template?user_id=alice&template_id=" + id,
        Map.of("text", "Hi {{name}}! {{product}} is ready.", "labels", List.of("staging"), "comment", "shorter"));
    assertThat(v2.status()).as(v2.body()).isEqualTo(200);
    assertThat(v2.json().get("latest_version").asLong()).isEqualTo(2);
    assertThat(v2.json().at("/labels/production").asLong()).isEqualTo(1);
    assertThat(v2.json().at("/labels/staging").asLong()).isEqualTo(2);

    JsonNode production = host.send("GET", "/api/get_template?user_id=alice&name=greeting&label=production").json();
    assertThat(production.get("version").asLong()).isEqualTo(1);
    assertThat(production.get("text").asText()).isEqualTo("Hello {{name}}, welcome to {{product}}.");
    assertThat(production.get("variables")).extracting(JsonNode::asText).containsExactly("name", "product");
    assertThat(production.get("comment").asText()).isEqualTo("first");
    JsonNode latest = host.send("GET", "/api/get_template?user_id=alice&template_id=" + id).json();
    assertThat(latest.get("version").asLong()).isEqualTo(2);
    assertThat(latest.get("labels")).extracting(JsonNode::asText).containsExactlyInAnyOrder("staging", "latest");

    // moving production to version 2
    JsonNode moved = host.send("PATCH", "/api/set_template_label?user_id=alice&template_id=" + id
        + "&label=production&version=2").json();
    assertThat(moved.at("/labels/production").asLong()).isEqualTo(2);
    assertThat(host.send("GET", "/api/get_template?user_id=alice&name=greeting&label=production").json()
        .get("version").asLong()).isEqualTo(2);
    JsonNode versions = host.send("GET", "/api/get_template_versions?user_id=alice&template_id=" + id).json();
    assertThat(versions.get("versions")).extracting(v -> v.get("version").asLong()).containsExactly(2L, 1L);
    assertThat(versions.at("/versions/1/labels")).isEmpty();

    JsonNode rendered = host.json("POST", "/api/render_template?user_id=alice&name=greeting&label=production",
        Map.of("variables", Map.of("name", "Ada", "product", "GuardOps", "unused", "x"))).json();
    assertThat(rendered.get("text").asText()).isEqualTo("Hi Ada! GuardOps is ready.");
    assertThat(rendered.get("version").asLong()).isEqualTo(2);
    TestHost.Reply missing = host.json("POST", "/api/render_template?user_id=alice&template_id=" + id + "&version=1",
        Map.of("variables", Map.of()));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get("detail").asText()).contains("missing variables: name, product");

    JsonNode removed = host.send("DELETE", "/api/remove_template_label?user_id=alice&template_id=" + id
        + "&label=staging").json();
    assertThat(removed.get("labels").has("staging")).isFalse();
    assertThat(host.send("GET", "/api/get_template?user_id=alice&template_id=" + id + "&label=staging").status())
        .isEqualTo(404);
    assertThat(host.send("GET", "/api/get_templates?user_id=alice").json().get("templates"))
        .singleElement().satisfies(t -> assertThat(t.get("name").asText()).isEqualTo("greeting"));
    assertThat(host.send("DELETE", "/api/delete_template?user_id=alice&template_id=" + id).status()).isEqualTo(200);
    assertThat(host.send("GET", "/api/get_template?user_id=alice&template_id=" + id).status()).isEqualTo(404);
    assertThat(host.send("GET", "/api/get_templates?user_id=alice").json().get("templates")).isEmpty();
  }

  @Test
  void applicationsFetchAndRenderTheirTemplatesWithTheirApiKey() throws Exception {
    create("alice", "support-bot", "You help customers of {{company}}.", List.of("production"));
    String key = host.send("POST", "/api/create_key?user_id=alice").json().asText();
    Map<String, String> auth = Map.of("Authorization", "Bearer " + key);
    TestHost.Reply fetched = host.send("GET", "/api/get_prompt_template?name=support-bot&label=production", null, null,
        auth);
    assertThat(fetched.status()).as(fetched.body()).isEqualTo(200);
    assertThat(fetched.json().get("text").asText()).isEqualTo("You help customers of {{company}}.");
    TestHost.Reply rendered = host.send("POST", "/api/render_prompt_template?name=support-bot&label=production",
        "application/json", TestHost.JSON.writeValueAsBytes(Map.of("variables", Map.of("company", "Acme"))),
        Map.of("x-guardops-api-key", key));
    assertThat(rendered.status()).as(rendered.body()).isEqualTo(200);
    assertThat(rendered.json().get("text").asText()).isEqualTo("You help customers of Acme.");

    assertThat(host.send("GET", "/api/get_prompt_template?name=support-bot&label=production").status())
        .as("no key").isEqualTo(401);
    String bobsKey = host.send("POST", "/api/create_key?user_id=bob").json().asText();
    assertThat(host.send("GET", "/api/get_prompt_template?name=support-bot", null, null,
        Map.of("Authorization", "Bearer " + bobsKey)).status()).as("another user's key").isEqualTo(404);
    TestHost.Reply missing = host.send("POST", "/api/render_prompt_template?name=support-bot", "application/json",
        "{}".getBytes(), auth);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get("detail").asText()).contains("company");
  }

  @Test
  void anotherUsersTemplateIsNotFoundAndBadInputIsRefused() throws Exception {
    String id = create("alice", "private", "Secret {{x}}", List.of());
    for (String call : List.of("GET /api/get_template", "GET /api/get_template_versions",
        "PATCH /api/update_template", "DELETE /api/delete_template", "POST /api/render_template",
        "DELETE /api/remove_template_label")) {
      String[] mp = call.split(" ");
      TestHost.Reply r = host.send(mp[0], mp[1] + "?user_id=bob&template_id=" + id + "&label=production");
      assertThat(r.status()).as(call + ": " + r.body()).isEqualTo(404);
    }
    assertThat(host.send("PATCH", "/api/set_template_label?user_id=bob&template_id=" + id + "&label=prod&version=1")
        .status()).isEqualTo(404);
    assertThat(host.send("GET", "/api/get_template?user_id=bob&name=private").status()).isEqualTo(404);
    assertThat(host.send("GET", "/api/get_templates?user_id=bob").json().get("templates")).isEmpty();

    TestHost.Reply dup = host.json("POST", "/api/create_template?user_id=alice&name=private", Map.of("text", "x"));
    assertThat(dup.status()).isEqualTo(409);
    TestHost.Reply broken = host.json("POST", "/api/create_template?user_id=alice&name=broken",
        Map.of("text", "Hello {{ name"));
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.json().get("detail").asText()).contains("{{");
    TestHost.Reply latest = host.send("PATCH", "/api/set_template_label?user_id=alice&template_id=" + id
        + "&label=latest&version=1");
    assertThat(latest.status()).isEqualTo(400);
    TestHost.Reply noVersion = host.send("PATCH", "/api/set_template_label?user_id=alice&template_id=" + id
        + "&label=prod&version=7");
    assertThat(noVersion.status()).isEqualTo(404);
    TestHost.Reply nothing = host.json("PATCH", "/api/update_template?user_id=alice&template_id=" + id, Map.of());
    assertThat(nothing.status()).isEqualTo(400);
  }
}
