package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.Evaluation;
import io.guardops.api.eval.EvaluationEntry;
import io.guardops.api.eval.EvaluatorInfo;
import io.guardops.api.eval.OnlineRule;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.Evaluations;
import io.guardops.engine.Evaluators;
import io.guardops.host.wire.GuardOpsViews;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluations: the wire contract's exported framework results and their chart, the installed
 * evaluators (listed, and run on one item), and the online evaluation rules of projects.
 */
final class EvaluationRoutes {
  private final Engine engine;
  private final Json json;

  private EvaluationRoutes(Engine engine, Json json) {
    this.engine = engine;
    this.json = json;
  }

  static void register(RouteTable t, Engine engine, Json json) {
    EvaluationRoutes r = new EvaluationRoutes(engine, json);
    t.route("POST", "/api/export_evaluations", Role.EVALUATION, "stores one framework's result (body"
        + " `{\"eval_data\": {...}}`, kept exactly as sent) in an evaluation of a project", r::export)
        .params(Param.PROJECT_ID, Param.query("evaluation_id", "the evaluation's id"),
            Param.query("evaluations_title", "the evaluation's title"),
            Param.query("eval_id", "the framework run's id"), Param.query("eval_name", "the framework run's name"),
            Param.query("eval_framework", "the framework (Deepeval, ...)"))
        .body("a JSON object", "application/json");
    t.route("GET", "/api/get_evaluation_list", Role.EVALUATION, "a project's evaluations with their results",
        r::list)
        .params(Param.PROJECT_ID);
    t.route("POST", "/api/create_evaluation", Role.EVALUATION, "creates an evaluation (`evaluation_title`,"
        + " `evaluation_desc`)", r::create)
        .params(Param.PROJECT_ID, Param.query("evaluation_id", "the evaluation's id"),
            Param.query("evaluation_title", "the evaluation's title"),
            Param.query("evaluation_desc", "the evaluation's description"));
    t.route("PATCH", "/api/update_evaluation", Role.EVALUATION, "changes an evaluation's title, description or date"
        + " (its creator or the project's owner)", r::update)
        .params(Param.query("evaluation_id", "the evaluation's id").required(),
            Param.query("evaluation_title", "the evaluation's title"),
            Param.query("evaluation_desc", "the evaluation's description"));
    t.route("DELETE", "/api/delete_evaluation", Role.EVALUATION, "deletes an evaluation and its results (its creator"
        + " or the project's owner)", r::delete)
        .params(Param.query("evaluation_id", "the evaluation's id").required());
    t.route("GET", "/api/get_data_for_eval_viz", Role.EVALUATION, "`eval_data.total_score` per series (framework,"
        + " name) and result, for the evaluation chart", (q, c) ->
            GuardOpsViews.evalViz(engine.evaluations().viz(c, q.required("project_id"))))
        .params(Param.PROJECT_ID);
    t.route("GET", "/api/get_evaluators", Role.EVALUATION, "the installed evaluators: name, description, needs,"
        + " parameters", r::evaluators);
    t.route("POST", "/api/run_evaluator", Role.EVALUATION, "scores one item with one evaluator now (JSON body);"
        + " judge calls traced into `project_id` when given", r::run);
    t.route("GET", "/api/get_online_rules", Role.EVALUATION, "a project's online evaluation rules", r::rules)
        .params(Param.PROJECT_ID);
    t.route("POST", "/api/create_online_rule", Role.EVALUATION, "scores a sampled share of a project's incoming"
        + " model calls with an evaluator, in the background (owner only)", r::createRule)
        .params(Param.PROJECT_ID, Param.query("sample_rate", "share of traces scored, in (0, 1]"),
            Param.query("enabled", "`true` or `false`"), Param.query("evaluator", "an evaluator's name"));
    t.route("PATCH", "/api/update_online_rule", Role.EVALUATION, "changes a rule's parameters, sample rate or"
        + " `enabled` (owner only)", r::updateRule)
        .params(Param.PROJECT_ID, Param.query("rule_id", "the online rule's id").required(),
            Param.query("sample_rate", "share of traces scored, in (0, 1]"),
            Param.query("enabled", "`true` or `false`"), Param.query("evaluator", "an evaluator's name"));
    t.route("DELETE", "/api/delete_online_rule", Role.EVALUATION, "deletes an online rule (owner only)",
        r::deleteRule)
        .params(Param.PROJECT_ID, Param.query("rule_id", "the online rule's id").required());
  }

  // ---------------------------------------------------------------- the wire contract's evaluations

  private Object export(Request r, Caller caller) {
    String evalData = json.rawObjectField(r.body(), "eval_data");
    if (evalData == null) {
      throw EngineException.badRequest("the body must be {\"eval_data\": {...}}");
    }
    EvaluationEntry e = engine.evaluations().export(caller, new Evaluations.Export(r.required("project_id"),
        r.param("evaluation_id"), r.param("evaluations_title"), date(r, "date"), r.param("eval_id"),
        r.param("eval_name"), r.param("eval_framework"), evalData));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("evaluation_id", e.evaluationId());
    out.put("eval_id", e.evalId());
    return out;
  }

  private Object list(Request r, Caller caller) {
    return GuardOpsViews.evaluationList(engine.evaluations().list(caller, r.required("project_id")));
  }

  private Object create(Request r, Caller caller) {
    Evaluation e = engine.evaluations().create(caller, r.required("project_id"), r.param("evaluation_id"),
        r.param("evaluation_title"), r.param("evaluation_desc"), date(r, "date"));
    return evaluation(e);
  }

  private Object update(Request r, Caller caller) {
    Evaluation e = engine.evaluations().update(caller, r.required("evaluation_id"), r.param("evaluation_title"),
        r.param("evaluation_desc"), date(r, "date"));
    return evaluation(e);
  }

  private Object delete(Request r, Caller caller) {
    engine.evaluations().delete(caller, r.required("evaluation_id"));
    return Map.of("deleted", r.param("evaluation_id").trim());
  }

  private static Map<String, Object> evaluation(Evaluation e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("evaluation_id", e.evaluationId());
    m.put("project_id", e.projectId());
    m.put("name", e.title());
    m.put("description", e.description());
    m.put("date", e.date().toString());
    return m;
  }

  /**
   * A date as clients send it: an ISO instant ({@code 2024-01-31T12:00:00Z}), a date-time with an offset
   * or without (UTC), or a date (midnight UTC); null when absent.
   */
  static Instant date(Request r, String name) {
    String v = r.param(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    String t = v.trim();
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      // try the other forms
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // try the other forms
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      // try the other forms
    }
    try {
      return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw EngineException.badRequest("'" + name + "' must be an ISO-8601 date or date-time such as 2026-01-31 or"
          + " 2026-01-31T12:00:00Z, was '" + v + "'");
    }
  }

  // ---------------------------------------------------------------- evaluators

  private Object evaluators(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (EvaluatorInfo i : engine.evaluators().list()) {
      out.add(GuardOpsViews.evaluator(i));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("evaluators", out);
    m.put("model_client", engine.evaluators().modelClientName());
    m.put("judge_model", engine.evaluators().defaultJudgeModel());
    m.put("dataset_formats", new ArrayList<>(engine.evaluators().formats()));
    return m;
  }

  private Object run(Request r, Caller caller) {
    JsonNode body = json.object(r.body());
    String name = Json.text(body, "evaluator");
    if (name == null) {
      name = r.required("evaluator");
    }
    JsonNode item = body.get("item");
    if (item == null || !item.isObject()) {
      throw EngineException.badRequest("the body needs \"item\": {\"input\", \"output\", \"expected\", \"context\","
          + " \"metadata\"}");
    }
    Map<String, String> params = Json.stringMap(body, "params");
    JsonNode trace = item.get("trace");
    EvalItem.TraceFacts facts = null;
    if (trace != null && trace.isObject()) {
      Double latencyMs = Json.number(trace, "latency_ms");
      Double in = Json.number(trace, "input_tokens");
      Double out = Json.number(trace, "output_tokens");
      facts = new EvalItem.TraceFacts(null, null, Json.text(trace, "model"),
          latencyMs == null ? null : (long) (latencyMs * 1e6), in == null ? null : in.longValue(),
          out == null ? null : out.longValue(), Json.number(trace, "cost"));
    }
    EvalItem evalItem = new EvalItem(Json.text(item, "input"), Json.text(item, "output"), Json.text(item, "expected"),
        Json.strings(item, "context"), json.plainMap(item, "metadata"), facts);
    String project = Json.text(body, "project_id");
    Evaluators.Outcome o = engine.evaluators().run(caller, name, params == null ? Map.of() : params, evalItem,
        project != null ? project : r.param("project_id"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("evaluator", name.trim());
    m.put("score", GuardOpsViews.score(o.score()));
    m.put("cost", o.cost());
    m.put("trace_id", o.traceId() == null ? null : "0x" + o.traceId());
    return m;
  }

  // ---------------------------------------------------------------- online rules

  private Object rules(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (OnlineRule rule : engine.onlineEvaluation().list(caller, r.required("project_id"))) {
      out.add(GuardOpsViews.rule(rule));
    }
    return Map.of("rules", out);
  }

  /** The rule fields from a JSON body when there is one, else from the query. */
  private record RuleFields(String evaluator, Map<String, String> params, Double sampleRate, Boolean enabled) {}

  private RuleFields ruleFields(Request r) {
    byte[] body = r.body();
    if (body.length > 0) {
      JsonNode n = json.object(body);
      return new RuleFields(Json.text(n, "evaluator"), Json.stringMap(n, "params"), Json.number(n, "sample_rate"),
          Json.bool(n, "enabled"));
    }
    String rate = r.param("sample_rate");
    Double sampleRate = null;
    if (rate != null && !rate.isBlank()) {
      try {
        sampleRate = Double.parseDouble(rate.trim());
      } catch (NumberFormatException e) {
        throw EngineException.badRequest("'sample_rate' must be a number in (0, 1], was '" + rate + "'");
      }
    }
    Boolean enabled = r.param("enabled") == null ? null : r.boolParam("enabled", true);
    return new RuleFields(r.param("evaluator"), null, sampleRate, enabled);
  }

  private Object createRule(Request r, Caller caller) {
    String project = r.required("project_id");
    RuleFields f = ruleFields(r);
    if (f.evaluator() == null || f.evaluator().isBlank()) {
      throw EngineException.badRequest("'evaluator' is required");
    }
    OnlineRule rule = engine.onlineEvaluation().create(caller, project, f.evaluator(),
        f.params() == null ? Map.of() : f.params(), f.sampleRate() == null ? 1.0 : f.sampleRate(),
        f.enabled() == null || f.enabled());
    return GuardOpsViews.rule(rule);
  }

  private Object updateRule(Request r, Caller caller) {
    RuleFields f = ruleFields(r);
    OnlineRule rule = engine.onlineEvaluation().update(caller, r.required("project_id"), r.required("rule_id"),
        f.params(), f.sampleRate(), f.enabled());
    return GuardOpsViews.rule(rule);
  }

  private Object deleteRule(Request r, Caller caller) {
    engine.onlineEvaluation().delete(caller, r.required("project_id"), r.required("rule_id"));
    return Map.of("deleted", r.param("rule_id").trim());
  }
}
