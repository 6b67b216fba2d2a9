package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.pii.PiiType;
import io.guardops.host.wire.PlaygroundViews;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * PII: detection on demand (role {@code Playground}, as in the original web app's playground) and the
 * per-project masking setting (role {@code Projects}: it is a project setting; owners change it,
 * members read it).
 */
final class PiiRoutes {
  private final Engine engine;
  private final Json json;

  private PiiRoutes(Engine engine, Json json) {
    this.engine = engine;
    this.json = json;
  }

  static void register(RouteTable t, Engine engine, Json json) {
    PiiRoutes r = new PiiRoutes(engine, json);
    t.route("POST", "/api/detect_pii", Role.PLAYGROUND, "finds personal data and secrets in a text (JSON body"
        + " `{\"text\", \"entities\"?, \"names\"?}`): `[{\"entity_type\", \"start\", \"end\"}]`, offsets in code points",
        r::detect)
        .params(Param.query("names", "boolean", "also find person names (a heuristic)"), Param.query("entities", "the types to find (repeated or comma-separated; default all but PERSON)"))
        .body("JSON object: `text`, `entities`, `names`", "application/json");
    t.route("GET", "/api/get_project_pii", Role.PROJECTS, "a project's masking setting (`project_id`)", r::get)
        .params(Param.PROJECT_ID);
    t.route("PATCH", "/api/update_project_pii", Role.PROJECTS, "masks PII at ingestion for a project (owner only;"
        + " `project_id`, `mask`, `entities` comma-separated)", r::update)
        .params(Param.PROJECT_ID, Param.query("mask", "boolean", "mask PII at ingestion"), Param.query("entities", "the types to mask (comma-separated; default all but PERSON)"));
  }

  private Object detect(Request r, Caller caller) {
    byte[] b = r.body();
    JsonNode body = b.length == 0 ? json.mapper.createObjectNode() : json.object(b);
    String text = Json.text(body, "text");
    if (text == null) {
      throw EngineException.badRequest("the body needs \"text\"");
    }
    List<String> names = Json.strings(body, "entities");
    if (names == null) {
      names = r.params("entities");
    }
    Set<PiiType> types;
    try {
      types = names.isEmpty() ? EnumSet.copyOf(PiiType.DEFAULT) : PiiType.parse(names);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    Boolean person = Json.bool(body, "names");
    if (Boolean.TRUE.equals(person) || person == null && r.boolParam("names", false)) {
      types = EnumSet.copyOf(types);
      types.add(PiiType.PERSON);
    }
    return PlaygroundViews.entities(text, engine.pii().detect(text, types));
  }

  private Object get(Request r, Caller caller) {
    return PlaygroundViews.policy(engine.pii().get(caller, r.required("project_id")));
  }

  private Object update(Request r, Caller caller) {
    String mask = r.param("mask");
    Boolean m = mask == null || mask.isBlank() ? null : r.boolParam("mask", false);
    List<String> names = new ArrayList<>(r.params("entities"));
    Set<PiiType> types = null;
    if (!names.isEmpty()) {
      try {
        types = PiiType.parse(names);
      } catch (IllegalArgumentException e) {
        throw EngineException.badRequest(e.getMessage());
      }
    }
    return PlaygroundViews.policy(engine.pii().update(caller, r.required("project_id"), m, types));
  }
}
