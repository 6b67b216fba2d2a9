package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.Models;
import io.guardops.host.wire.PlaygroundViews;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The model registry (role {@code Playground}). Fields come as query parameters or in a JSON body (the
 * body wins); an API key and header values only in the body, never in the URL, where proxies and logs
 * would keep them.
 */
final class ModelRoutes {
  private final Engine engine;
  private final Json json;

  private ModelRoutes(Engine engine, Json json) {
    this.engine = engine;
    this.json = json;
  }

  static void register(RouteTable t, Engine engine, Json json) {
    ModelRoutes r = new ModelRoutes(engine, json);
    t.route("GET", "/api/get_models", Role.PLAYGROUND, "the caller's registered models, then the global ones"
        + " (never their keys: `api_key_set` and the last 4 characters)", r::list);
    t.route("POST", "/api/add_model", Role.PLAYGROUND, "registers a model (`provider`, `name`, `base_url`, `azure`,"
        + " `api_version`, `input_price`, `output_price` per 1M tokens, `global`; `api_key` and `headers` in the JSON"
        + " body, stored encrypted)", r::add)
        .params(Param.query("provider", "openai, azure, ollama, vllm, ..."), Param.query("name", "the model's name at its endpoint"),
            Param.query("base_url", "where it is served (default: the configured client's endpoint)"), Param.query("azure", "boolean", "Azure OpenAI addressing"),
            Param.query("api_version", "Azure's api-version"), Param.query("input_price", "number", "USD per million input tokens"),
            Param.query("output_price", "number", "USD per million output tokens"),
            Param.query("global", "boolean", "a global model (Full_Access)"))
        .body("optional JSON object: the same fields, and `api_key` and `headers` (only here)", "application/json");
    t.route("PATCH", "/api/update_model", Role.PLAYGROUND, "changes a model (`model_id`; fields as `add_model`,"
        + " `clear_api_key`, `clear_headers`, `clear_prices`, `clear_base_url`)", r::update)
        .params(Param.query("model_id", "the model's id").required(), Param.query("provider", "openai, azure, ollama, vllm, ..."), Param.query("name", "the model's name at its endpoint"),
            Param.query("base_url", "where it is served (default: the configured client's endpoint)"), Param.query("azure", "boolean", "Azure OpenAI addressing"),
            Param.query("api_version", "Azure's api-version"), Param.query("input_price", "number", "USD per million input tokens"),
            Param.query("output_price", "number", "USD per million output tokens"),
            Param.query("clear_api_key", "boolean", "remove the key"), Param.query("clear_headers", "boolean", "remove the headers"),
            Param.query("clear_prices", "boolean", "remove the prices"), Param.query("clear_base_url", "boolean", "use the configured endpoint"))
        .body("optional JSON object: the same fields, and `api_key` and `headers` (only here)", "application/json");
    t.route("DELETE", "/api/delete_model", Role.PLAYGROUND, "deletes a model (`model_id`)", r::delete)
        .params(Param.query("model_id", "the model's id").required());
    t.route("GET", "/api/get_provider_models", Role.PLAYGROUND, "the model ids an endpoint offers: a registered"
        + " model's (`model_id`) or the configured client's", r::providerModels)
        .params(Param.query("model_id", "a registered model (default: the configured client's endpoint)"));
  }

  private Object list(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    engine.models().list(caller).forEach(m -> out.add(PlaygroundViews.model(m)));
    return Map.of("models", out);
  }

  private Object add(Request r, Caller caller) {
    JsonNode body = body(r);
    return PlaygroundViews.model(engine.models().add(caller, new Models.Draft(text(r, body, "provider"),
        text(r, body, "name"), text(r, body, "base_url"), bool(r, body, "azure"), text(r, body, "api_version"),
        Json.text(body, "api_key"), Json.stringMap(body, "headers"), number(r, body, "input_price"),
        number(r, body, "output_price"), Boolean.TRUE.equals(bool(r, body, "global")))));
  }

  private Object update(Request r, Caller caller) {
    JsonNode body = body(r);
    return PlaygroundViews.model(engine.models().update(caller, r.required("model_id"), new Models.Patch(
        text(r, body, "provider"), text(r, body, "name"), text(r, body, "base_url"), bool(r, body, "azure"),
        text(r, body, "api_version"), Json.text(body, "api_key"), Json.stringMap(body, "headers"),
        number(r, body, "input_price"), number(r, body, "output_price"),
        Boolean.TRUE.equals(bool(r, body, "clear_api_key")), Boolean.TRUE.equals(bool(r, body, "clear_headers")),
        Boolean.TRUE.equals(bool(r, body, "clear_prices")), Boolean.TRUE.equals(bool(r, body, "clear_base_url")))));
  }

  private Object delete(Request r, Caller caller) {
    String id = r.required("model_id");
    engine.models().delete(caller, id);
    return Map.of("deleted", id.trim());
  }

  private Object providerModels(Request r, Caller caller) {
    return Map.of("models", engine.models().providerModels(caller, r.param("model_id")));
  }

  private JsonNode body(Request r) {
    if (r.param("api_key") != null || r.param("headers") != null) {
      throw EngineException.badRequest("send api_key and headers in the JSON body, never in the URL (proxies and"
          + " logs keep URLs)");
    }
    byte[] b = r.body();
    return b.length == 0 ? json.mapper.createObjectNode() : json.object(b);
  }

  private static String text(Request r, JsonNode body, String field) {
    String v = Json.text(body, field);
    return v != null ? v : r.param(field);
  }

  private static Double number(Request r, JsonNode body, String field) {
    Double v = Json.number(body, field);
    if (v != null) {
      return v;
    }
    String q = r.param(field);
    if (q == null || q.isBlank()) {
      return null;
    }
    try {
      return Double.parseDouble(q.trim());
    } catch (NumberFormatException e) {
      throw EngineException.badRequest("'" + field + "' must be a number, was '" + q + "'");
    }
  }

  private static Boolean bool(Request r, JsonNode body, String field) {
    Boolean v = Json.bool(body, field);
    if (v != null) {
      return v;
    }
    String q = r.param(field);
    return q == null || q.isBlank() ? null : r.boolParam(field, false);
  }
}
