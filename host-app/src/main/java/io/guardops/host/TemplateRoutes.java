package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.host.wire.PlaygroundViews;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prompt templates (role {@code Playground}), and two routes for applications at run time with their
 * API key ({@code Authorization: Bearer} or {@code x-guardops-api-key}): fetch a template by name and
 * label, and have the server render it.
 */
final class TemplateRoutes {
  private final Engine engine;
  private final Json json;

  private TemplateRoutes(Engine engine, Json json) {
    this.engine = engine;
    this.json = json;
  }

  static void register(RouteTable t, Engine engine, Json json) {
    TemplateRoutes r = new TemplateRoutes(engine, json);
    t.route("GET", "/api/get_templates", Role.PLAYGROUND, "the caller's prompt templates with their labels",
        r::list);
    t.route("POST", "/api/create_template", Role.PLAYGROUND, "creates a template and its version 1 (`name`,"
        + " `description`; JSON body `{\"text\", \"labels\"?, \"comment\"?}`, `{{variables}}` in the text)", r::create)
        .params(Param.query("name", "the template's name").required(), Param.query("description", "what it is for"),
            Param.query("labels", "labels for version 1 (repeated or comma-separated)"))
        .body("JSON object: `text`, `labels`, `comment`", "application/json");
    t.route("PATCH", "/api/update_template", Role.PLAYGROUND, "adds a version (JSON body `{\"text\", \"labels\"?,"
        + " \"comment\"?}`) and/or renames or redescribes a template (`template_id`)", r::update)
        .params(Param.query("template_id", "the template's id").required(), Param.query("name", "a new name"), Param.query("description", "a new description"),
            Param.query("labels", "labels for the new version"))
        .body("JSON object: `text` (a new version), `labels`, `comment`, `name`, `description`", "application/json");
    t.route("DELETE", "/api/delete_template", Role.PLAYGROUND, "deletes a template and its versions", r::delete)
        .params(Param.query("template_id", "the template's id").required());
    t.route("GET", "/api/get_template", Role.PLAYGROUND, "one version of a template (`template_id` or `name`;"
        + " `version` or `label`, default the latest)", r::get)
        .params(Param.query("template_id", "the template's id"), Param.query("name", "the template's name (instead of template_id)"), Param.query("version", "integer", "a version number (default: the label's, else the latest)"), Param.query("label", "a label such as production (default: latest)"));
    t.route("GET", "/api/get_template_versions", Role.PLAYGROUND, "every version of a template, newest first",
        r::versions)
        .params(Param.query("template_id", "the template's id"), Param.query("name", "the template's name (instead of template_id)"));
    t.route("PATCH", "/api/set_template_label", Role.PLAYGROUND, "points a label (such as `production`) at a"
        + " version, moving it from another (`template_id`, `label`, `version`)", r::setLabel)
        .params(Param.query("template_id", "the template's id").required(), Param.query("label", "the label").required(), Param.query("version", "integer", "a version number (default: the label's, else the latest)").required());
    t.route("DELETE", "/api/remove_template_label", Role.PLAYGROUND, "removes a label from a template", r::removeLabel)
        .params(Param.query("template_id", "the template's id").required(), Param.query("label", "the label").required());
    t.route("POST", "/api/render_template", Role.PLAYGROUND, "renders a version with variables (JSON body"
        + " `{\"variables\"}`); 400 names every missing variable", r::render)
        .params(Param.query("template_id", "the template's id"), Param.query("name", "the template's name (instead of template_id)"), Param.query("version", "integer", "a version number (default: the label's, else the latest)"), Param.query("label", "a label such as production (default: latest)"))
        .body("JSON object: `variables`", "application/json");
    t.keyRoute("GET", "/api/get_prompt_template", RouteTable.Guard.API_KEY_HEADER, RouteTable.ErrorStyle.DETAIL,
        "an application fetches its template by `name` and `label` (or `version`) at run time", r::get)
        .params(Param.query("name", "the template's name (instead of template_id)"), Param.query("template_id", "the template's id"), Param.query("version", "integer", "a version number (default: the label's, else the latest)"), Param.query("label", "a label such as production (default: latest)"));
    t.keyRoute("POST", "/api/render_prompt_template", RouteTable.Guard.API_KEY_HEADER, RouteTable.ErrorStyle.DETAIL,
        "an application has the server render its template (`name`, `label`; JSON body `{\"variables\"}`)", r::render)
        .params(Param.query("name", "the template's name (instead of template_id)"), Param.query("template_id", "the template's id"), Param.query("version", "integer", "a version number (default: the label's, else the latest)"), Param.query("label", "a label such as production (default: latest)"))
        .body("JSON object: `variables`", "application/json");
  }

  private Object list(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    engine.templates().list(caller).forEach(t -> out.add(PlaygroundViews.template(t)));
    return Map.of("templates", out);
  }

  private Object create(Request r, Caller caller) {
    JsonNode body = body(r);
    return PlaygroundViews.templateVersion(engine.templates().create(caller, text(r, body, "name"),
        text(r, body, "description"), Json.text(body, "text"), labels(r, body), Json.text(body, "comment")));
  }

  private Object update(Request r, Caller caller) {
    JsonNode body = body(r);
    String id = r.required("template_id");
    engine.templates().get(caller, id); // 404 before any other complaint
    String text = Json.text(body, "text");
    String name = text(r, body, "name");
    String description = text(r, body, "description");
    List<String> labels = labels(r, body);
    if (text == null && name == null && description == null) {
      throw EngineException.badRequest("nothing to change: send a new \"text\" (a new version), a name or a"
          + " description; set_template_label moves labels");
    }
    if (text == null && !labels.isEmpty()) {
      throw EngineException.badRequest("labels go with a new text; use set_template_label to move one");
    }
    if (name != null || description != null) {
      engine.templates().update(caller, id, name, description);
    }
    if (text != null) {
      engine.templates().addVersion(caller, id, text, labels, Json.text(body, "comment"));
    }
    return PlaygroundViews.template(engine.templates().get(caller, id));
  }

  private Object delete(Request r, Caller caller) {
    String id = r.required("template_id");
    engine.templates().delete(caller, id);
    return Map.of("deleted", id.trim());
  }

  private Object get(Request r, Caller caller) {
    return PlaygroundViews.templateVersion(engine.templates().get(caller, r.param("template_id"), r.param("name"),
        version(r), r.param("label")));
  }

  private Object versions(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    engine.templates().versions(caller, r.param("template_id"), r.param("name"))
        .forEach(v -> out.add(PlaygroundViews.templateVersion(v)));
    return Map.of("versions", out);
  }

  private Object setLabel(Request r, Caller caller) {
    Long version = version(r);
    if (version == null) {
      throw EngineException.badRequest("query parameter 'version' is required");
    }
    return PlaygroundViews.template(engine.templates().setLabel(caller, r.required("template_id"),
        r.required("label"), version));
  }

  private Object removeLabel(Request r, Caller caller) {
    return PlaygroundViews.template(engine.templates().removeLabel(caller, r.required("template_id"),
        r.required("label")));
  }

  private Object render(Request r, Caller caller) {
    JsonNode body = body(r);
    return PlaygroundViews.rendered(engine.templates().render(caller, r.param("template_id"), r.param("name"),
        version(r), r.param("label"), Json.stringMap(body, "variables")));
  }

  private static Long version(Request r) {
    Integer v = r.intParam("version", null, 1, Integer.MAX_VALUE);
    return v == null ? null : v.longValue();
  }

  private JsonNode body(Request r) {
    byte[] b = r.body();
    return b.length == 0 ? json.mapper.createObjectNode() : json.object(b);
  }

  private static String text(Request r, JsonNode body, String field) {
    String v = Json.text(body, field);
    return v != null ? v : r.param(field);
  }

  private static List<String> labels(Request r, JsonNode body) {
    List<String> v = Json.strings(body, "labels");
    if (v == null) {
      v = new ArrayList<>(r.params("labels"));
      v.addAll(r.params("label"));
    }
    return v;
  }
}
