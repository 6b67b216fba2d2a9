package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.api.eval.TraceScore;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.Scores;
import io.guardops.host.wire.GuardOpsViews;
import java.util.Map;

/**
 * Scores on traces: people attach and delete them with the role {@code Evaluation} (annotation is
 * evaluation work), read them with {@code Monitoring} (beside the traces); applications attach them
 * with an API key ({@code POST /api/score_trace}).
 */
final class ScoreRoutes {
  private final Engine engine;
  private final Json json;

  private ScoreRoutes(Engine engine, Json json) {
    this.engine = engine;
    this.json = json;
  }

  static void register(RouteTable t, Engine engine, Json json) {
    ScoreRoutes r = new ScoreRoutes(engine, json);
    t.route("POST", "/api/create_trace_score", Role.EVALUATION, "attaches a numeric, boolean or categorical score"
        + " with a comment to a trace or span (JSON body)", (q, c) -> r.attach(q, c, Scores.HUMAN))
        .params(Param.query("project_id", "the project's id"));
    t.route("GET", "/api/get_trace_scores", Role.MONITORING, "the scores of a trace", r::list)
        .params(Param.PROJECT_ID, Param.query("trace_id", "the trace id, 32 hex digits, `0x` optional").required());
    t.route("DELETE", "/api/delete_trace_score", Role.EVALUATION, "deletes a score (`score_id`)", r::delete)
        .params(Param.PROJECT_ID, Param.query("score_id", "the score's id").required());
    t.keyRoute("POST", "/api/score_trace", RouteTable.Guard.API_KEY_HEADER, RouteTable.ErrorStyle.DETAIL,
        "an application attaches a score to a trace (JSON body; `project_id` or `x-guardops-project`)",
        (q, c) -> r.attach(q, c, Scores.API))
        .params(Param.query("project_id", "the project's id"));
  }

  private Object attach(Request r, Caller caller, String source) {
    String project = r.param("project_id");
    if (project == null || project.isBlank()) {
      project = r.header("x-guardops-project");
    }
    if (project == null || project.isBlank()) {
      throw EngineException.badRequest("query parameter 'project_id' is required");
    }
    JsonNode body = json.object(r.body());
    JsonNode value = body.get("value");
    Double v = null;
    String label = Json.text(body, "label");
    if (value != null && value.isBoolean()) {
      v = value.booleanValue() ? 1.0 : 0.0;
      label = label != null ? label : Boolean.toString(value.booleanValue());
    } else if (value != null && !value.isNull()) {
      v = Json.number(body, "value");
    }
    TraceScore s = engine.scores().attach(caller, project, new Scores.Draft(Json.text(body, "trace_id"),
        Json.text(body, "span_id"), Json.text(body, "name"), v, label, Json.text(body, "comment")), source);
    return GuardOpsViews.traceScore(s);
  }

  private Object list(Request r, Caller caller) {
    return Map.of("scores", GuardOpsViews.traceScores(engine.scores().forTrace(caller, r.required("project_id"),
        r.required("trace_id"))));
  }

  private Object delete(Request r, Caller caller) {
    engine.scores().delete(caller, r.required("project_id"), r.required("score_id"));
    return Map.of("deleted", r.param("score_id").trim());
  }
}
