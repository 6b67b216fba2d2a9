package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.api.model.ChatMessage;
import io.guardops.engine.Arena;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.ModelRuns;
import io.guardops.engine.Playgrounds;
import io.guardops.engine.Traces;
import io.guardops.host.wire.GuardOpsViews;
import io.guardops.host.wire.PlaygroundViews;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prompt and chat playgrounds and the model arena (role {@code Playground}). Runs answer as JSON, or,
 * with {@code stream=true} (or {@code Accept: text/event-stream}), as server-sent events while the
 * models answer: {@code start} (the run's models), {@code delta} per piece of text (tagged with the
 * model's {@code index}, or the arena's {@code position}), {@code result} per model (output, usage,
 * cost, latency, trace id, or its error) and a final {@code done} (total cost, trace ids).
 */
final class PlaygroundRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(PlaygroundRoutes.class);

  private final Engine engine;
  private final Json json;

  private PlaygroundRoutes(Engine engine, Json json) {
    this.engine = engine;
    this.json = json;
  }

  static void register(RouteTable t, Engine engine, Json json) {
    PlaygroundRoutes r = new PlaygroundRoutes(engine, json);
    t.route("GET", "/api/get_prompt_playgrounds", Role.PLAYGROUND, "the caller's prompt playgrounds",
        (q, c) -> r.list(c, Playgrounds.PROMPT));
    t.route("POST", "/api/create_prompt_playground", Role.PLAYGROUND, "creates a prompt playground (`name`,"
        + " `project_id`, `model`; optional JSON body with `prompt`, `system`, `variables`, `models`, `parameters`);"
        + " replies with its id as a JSON string", (q, c) -> r.create(q, c, Playgrounds.PROMPT))
        .params(Param.query("name", "the playground's name"), Param.query("project_id", "the project its runs are traced into (default: the caller's Default Project)"),
            Param.query("model", "a registered model's id or name (repeated for several)"))
        .body("optional JSON object: `name`, `project_id`, `system`, `prompt` or `messages`, `variables`, `models`, `parameters`", "application/json");
    t.route("GET", "/api/get_chat_playgrounds", Role.PLAYGROUND, "the caller's chat playgrounds",
        (q, c) -> r.list(c, Playgrounds.CHAT));
    t.route("POST", "/api/create_chat_playground", Role.PLAYGROUND, "creates a chat playground (as"
        + " `create_prompt_playground`, with `messages` instead of `prompt`); replies with its id as a JSON string",
        (q, c) -> r.create(q, c, Playgrounds.CHAT))
        .params(Param.query("name", "the playground's name"), Param.query("project_id", "the project its runs are traced into (default: the caller's Default Project)"),
            Param.query("model", "a registered model's id or name (repeated for several)"))
        .body("optional JSON object: `name`, `project_id`, `system`, `prompt` or `messages`, `variables`, `models`, `parameters`", "application/json");
    t.route("GET", "/api/get_playground", Role.PLAYGROUND, "one playground (`playground_id`)", r::get)
        .params(Param.query("playground_id", "the playground's id").required());
    t.route("PATCH", "/api/update_playground", Role.PLAYGROUND, "changes a playground's name, project, prompt or"
        + " messages, variables, models or parameters (`playground_id`, JSON body)", r::update)
        .params(Param.query("playground_id", "the playground's id").required())
        .body("JSON object with the fields to change: `name`, `project_id`, `system`, `prompt`, `messages`, `variables`, `models`, `parameters`", "application/json");
    t.route("DELETE", "/api/delete_playground", Role.PLAYGROUND, "deletes a playground; its traces stay",
        r::delete)
        .params(Param.query("playground_id", "the playground's id").required());
    t.route("POST", "/api/trace_playground", Role.PLAYGROUND, "runs a prompt playground on its models side by side"
        + " and records each call as a trace; `stream=true` for server-sent events", (q, c) -> r.run(q, c,
        Playgrounds.PROMPT))
        .params(Param.query("playground_id", "the playground's id").required(), Param.query("stream", "boolean", "true: answer with server-sent events as the models answer"))
        .body("optional JSON object: `prompt`, `system`, `message` (chat), `variables`, `models`, `parameters`, `save`", "application/json")
        .produces("application/json", "text/event-stream");
    t.route("POST", "/api/trace_playground_chat", Role.PLAYGROUND, "sends the next message of a chat playground"
        + " (JSON body `{\"message\"}`), as `trace_playground`", (q, c) -> r.run(q, c, Playgrounds.CHAT))
        .params(Param.query("playground_id", "the playground's id").required(), Param.query("stream", "boolean", "true: answer with server-sent events as the models answer"))
        .body("optional JSON object: `prompt`, `system`, `message` (chat), `variables`, `models`, `parameters`, `save`", "application/json")
        .produces("application/json", "text/event-stream");
    t.route("GET", "/api/get_playground_traces", Role.PLAYGROUND, "the traces of a playground's runs, newest"
        + " first, and their project (`playground_id`, `limit`)", r::traces)
        .params(Param.query("playground_id", "the playground's id").required(), Param.LIMIT);
    t.route("POST", "/api/run_arena", Role.PLAYGROUND, "two models answer one prompt anonymously (JSON body"
        + " `{\"prompt\", \"model_a\"?, \"model_b\"?}`: two random models when none are named); `stream=true` for"
        + " server-sent events", r::arena)
        .params(Param.query("stream", "boolean", "true: answer with server-sent events as the models answer"), Param.query("prompt", "the prompt (or in the body)"), Param.query("model_a", "a model's id or name"),
            Param.query("model_b", "a model's id or name"), Param.query("project_id", "the project the calls are traced into"))
        .body("JSON object: `prompt`, `system`, `model_a`, `model_b`, `parameters`, `project_id`", "application/json")
        .produces("application/json", "text/event-stream");
    t.route("POST", "/api/score_arena", Role.PLAYGROUND, "votes on an arena match (`match_id`, `winner`: a, b or"
        + " tie): reveals the models and updates their Elo ratings", r::score)
        .params(Param.query("match_id", "the match's id").required(), Param.query("winner", "the better answer").required().oneOf("a", "b", "tie"));
    t.route("GET", "/api/get_arena_match", Role.PLAYGROUND, "one of the caller's arena matches, anonymous until"
        + " scored (`match_id`)", r::match)
        .params(Param.query("match_id", "the match's id").required());
    t.route("GET", "/api/get_arena_leaderboard", Role.PLAYGROUND, "Elo ratings with match counts and 95% bootstrap"
        + " intervals (`scope`: global or mine)", r::leaderboard)
        .params(Param.query("scope", "whose leaderboard (default global)").oneOf("global", "mine"));
  }

  // ---------------------------------------------------------------- playgrounds

  private Object list(Caller caller, String type) {
    List<Map<String, Object>> out = new ArrayList<>();
    engine.playgrounds().list(caller, type).forEach(p -> out.add(PlaygroundViews.playground(p)));
    return Map.of("playgrounds", out);
  }

  private Object create(Request r, Caller caller, String type) {
    Playgrounds.Draft d = draft(r, body(r));
    return engine.playgrounds().create(caller, type, d).playgroundId();
  }

  private Object get(Request r, Caller caller) {
    return PlaygroundViews.playground(engine.playgrounds().get(caller, r.required("playground_id")));
  }

  private Object update(Request r, Caller caller) {
    return PlaygroundViews.playground(engine.playgrounds().update(caller, r.required("playground_id"),
        draft(r, body(r))));
  }

  private Object delete(Request r, Caller caller) {
    String id = r.required("playground_id");
    engine.playgrounds().delete(caller, id);
    return Map.of("deleted", id.trim());
  }

  private Object traces(Request r, Caller caller) {
    Playgrounds.TraceList list = engine.playgrounds().traces(caller, r.required("playground_id"),
        r.intParam("limit", 20, 1, 100));
    List<Object> out = new ArrayList<>();
    for (Traces.TraceDetail d : list.traces()) {
      out.add(GuardOpsViews.spanDocuments(d.spans()));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("traces", out);
    m.put("project", list.projectId());
    return m;
  }

  private Object run(Request r, Caller caller, String type) {
    JsonNode body = body(r);
    Playgrounds.RunRequest req = new Playgrounds.RunRequest(Json.text(body, "prompt"), Json.text(body, "system"),
        Json.text(body, "message"), Json.stringMap(body, "variables"), models(r, body), parameters(body),
        Json.bool(body, "save"));
    ModelRuns.Prepared run = engine.playgrounds().prepare(caller, r.required("playground_id"), type, req);
    if (streaming(r)) {
      return stream(run, "playground", results -> {
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("playground_id", run.id());
        done.put("cost", PlaygroundViews.totalCost(results));
        List<String> ids = new ArrayList<>();
        results.forEach(x -> ids.add("0x" + x.traceId()));
        done.put("trace_ids", ids);
        return done;
      }, PlaygroundViews::result, true, (s, text) -> delta(s.index(), "model", s.model(), text),
          engine.playgrounds()::run);
    }
    List<ModelRuns.Result> results = engine.playgrounds().run(run, false, NO_LISTENER);
    failIfAllFailed(results);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("playground_id", run.id());
    out.put("project_id", run.projectId());
    List<Object> views = new ArrayList<>();
    results.forEach(x -> views.add(PlaygroundViews.result(x)));
    out.put("results", views);
    out.put("cost", PlaygroundViews.totalCost(results));
    return out;
  }

  // ---------------------------------------------------------------- arena

  private Object arena(Request r, Caller caller) {
    JsonNode body = body(r);
    String prompt = Json.text(body, "prompt");
    ModelRuns.Prepared match = engine.arena().start(caller, new Arena.Request(prompt != null ? prompt
        : r.param("prompt"), Json.text(body, "system"), first(Json.text(body, "model_a"), r.param("model_a")),
        first(Json.text(body, "model_b"), r.param("model_b")), parameters(body),
        first(Json.text(body, "project_id"), r.param("project_id"))));
    if (streaming(r)) {
      return stream(match, "match", results -> Map.of("match_id", match.id()), PlaygroundViews::answer,
          false, (s, text) -> delta(s.index(), "position", s.label(), text), engine.arena()::run);
    }
    List<ModelRuns.Result> results = engine.arena().run(match, false, NO_LISTENER);
    failIfAllFailed(results);
    List<Object> answers = new ArrayList<>();
    results.forEach(x -> answers.add(PlaygroundViews.answer(x)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("match_id", match.id());
    out.put("answers", answers);
    return out;
  }

  private Object score(Request r, Caller caller) {
    return PlaygroundViews.verdict(engine.arena().score(caller, r.required("match_id"), r.required("winner")));
  }

  private Object match(Request r, Caller caller) {
    return PlaygroundViews.match(engine.arena().get(caller, r.required("match_id")));
  }

  private Object leaderboard(Request r, Caller caller) {
    String scope = r.param("scope") == null || r.param("scope").isBlank() ? "global" : r.param("scope").trim();
    return PlaygroundViews.leaderboard(engine.arena().leaderboard(caller, scope), scope);
  }

  // ---------------------------------------------------------------- running

  private static final ModelRuns.Listener NO_LISTENER = new ModelRuns.Listener() {
    @Override
    public void onDelta(ModelRuns.Slot slot, String text) {}

    @Override
    public void onResult(ModelRuns.Slot slot, ModelRuns.Result result) {}
  };

  /** Runs the model(s) of a JSON reply; one that failed throws its gateway error, as the only answer. */
  private static void failIfAllFailed(List<ModelRuns.Result> results) {
    for (ModelRuns.Result x : results) {
      if (x.ok()) {
        return;
      }
    }
    throw results.get(0).error();
  }

  /** What runs a prepared run: a playground's or the arena's {@code run}. */
  @FunctionalInterface
  private interface Runner {
    List<ModelRuns.Result> run(ModelRuns.Prepared run, boolean stream, ModelRuns.Listener listener);
  }

  /**
   * Answers with server-sent events while {@code runner} runs on its own thread: {@code start}, the
   * deltas, one {@code result} per model, then {@code done} (or {@code error} when the run could not
   * start at all).
   */
  private Reply stream(ModelRuns.Prepared run, String idName,
      java.util.function.Function<List<ModelRuns.Result>, Map<String, Object>> done,
      java.util.function.Function<ModelRuns.Result, Map<String, Object>> resultView, boolean revealModels,
      BiFunction<ModelRuns.Slot, String, Map<String, Object>> deltaView, Runner runner) {
    EventStream events = new EventStream(json.mapper);
    Map<String, Object> start = new LinkedHashMap<>();
    start.put(idName + "_id", run.id());
    start.put("project_id", run.projectId());
    List<Object> slots = new ArrayList<>();
    for (ModelRuns.Slot s : run.slots()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", s.index());
      if (revealModels) {
        m.put("model", s.model());
        m.put("model_id", s.modelId());
      } else {
        m.put("position", s.label());
      }
      slots.add(m);
    }
    start.put(revealModels ? "models" : "positions", slots);
    events.send("start", start);
    Thread t = new Thread(() -> {
      try {
        List<ModelRuns.Result> results = runner.run(run, true, new ModelRuns.Listener() {
          @Override
          public void onDelta(ModelRuns.Slot slot, String text) {
            events.send("delta", deltaView.apply(slot, text));
          }

          @Override
          public void onResult(ModelRuns.Slot slot, ModelRuns.Result result) {
            events.send("result", resultView.apply(result));
          }
        });
        events.send("done", done.apply(results));
      } catch (EngineException e) {
        events.send("error", Map.of("status", e.kind().httpStatus(), "detail", e.getMessage()));
      } catch (RuntimeException e) {
        LOG.error("streamed run {} failed: {}", run.id(), e.toString(), e);
        events.send("error", Map.of("status", 500, "detail", "internal error"));
      } finally {
        events.finish();
      }
    }, "guardops-stream-" + run.id());
    t.setDaemon(true);
    t.start();
    return Reply.streamed(200, EventStream.CONTENT_TYPE, events, EventStream.HEADERS);
  }

  private static Map<String, Object> delta(int index, String tagName, String tag, String text) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", index);
    m.put(tagName, tag);
    m.put("text", text);
    return m;
  }

  private static boolean streaming(Request r) {
    String accept = r.header("accept");
    return r.boolParam("stream", false) || accept != null && accept.contains("text/event-stream");
  }

  // ---------------------------------------------------------------- bodies

  /** The JSON body, or an empty object when there is none. */
  JsonNode body(Request r) {
    byte[] b = r.body();
    return b.length == 0 ? json.mapper.createObjectNode() : json.object(b);
  }

  private static Playgrounds.Draft draft(Request r, JsonNode body) {
    List<ChatMessage> messages = null;
    JsonNode ms = body.get("messages");
    if (ms != null && !ms.isNull()) {
      if (!ms.isArray()) {
        throw EngineException.badRequest("'messages' must be a list of {\"role\", \"content\"}");
      }
      messages = new ArrayList<>();
      for (JsonNode m : ms) {
        if (!m.isObject()) {
          throw EngineException.badRequest("'messages' must be a list of {\"role\", \"content\"}");
        }
        messages.add(new ChatMessage(Json.text(m, "role"), Json.text(m, "content")));
      }
    }
    List<String> models = models(r, body);
    return new Playgrounds.Draft(first(Json.text(body, "name"), r.param("name")),
        first(Json.text(body, "project_id"), r.param("project_id")), Json.text(body, "system"),
        Json.text(body, "prompt"), messages, Json.stringMap(body, "variables"), models, parameters(body));
  }

  /** Models from the body ({@code models} or {@code model}) or the query ({@code model}, repeated). */
  private static List<String> models(Request r, JsonNode body) {
    List<String> models = Json.strings(body, "models");
    if (models == null) {
      models = Json.strings(body, "model");
    }
    if (models == null && !r.params("model").isEmpty()) {
      models = r.params("model");
    }
    return models;
  }

  private static Playgrounds.Parameters parameters(JsonNode body) {
    JsonNode p = body.get("parameters");
    if (p == null || p.isNull()) {
      return null;
    }
    if (!p.isObject()) {
      throw EngineException.badRequest("'parameters' must be an object");
    }
    Double max = Json.number(p, "max_tokens");
    if (max != null && (max != Math.rint(max) || max > Integer.MAX_VALUE)) {
      throw EngineException.badRequest("'max_tokens' must be a whole number");
    }
    return new Playgrounds.Parameters(Json.number(p, "temperature"), max == null ? null : max.intValue(),
        Json.number(p, "top_p"), Json.strings(p, "stop"));
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }
}
