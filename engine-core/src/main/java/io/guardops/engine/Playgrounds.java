package io.guardops.engine;

import io.guardops.api.Json;
import io.guardops.api.StoredRecord;
import io.guardops.api.auth.Caller;
import io.guardops.api.model.ChatMessage;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.store.RecordStore;
import io.guardops.engine.internal.IdGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Prompt and chat playgrounds. A playground keeps its prompt (with {@code {{variables}}} and their
 * values) or its chat history, an optional system message, the models to run and the parameters
 * (temperature, max tokens, top p, stop sequences). Running it calls the models side by side through the
 * model client, streams the answers to the caller if asked, records each call as a trace of the
 * playground's project (prompt, output, model, tokens, cost, latency) and remembers the traces; a chat
 * run adds the new user message and the first model's answer to the history.
 *
 * <p>A playground is its creator's alone (anyone else gets 404). Its project is one the creator may send
 * traces to (their own or one shared with them), by default their Default Project; a run checks that
 * again. Models are registered ones ({@link Models}), by id or name. Thread-safe. Obtain from
 * {@link Engine#playgrounds()}.
 */
@Singleton
public final class Playgrounds {
  static final String KIND = "playground";
  /** A prompt playground. */
  public static final String PROMPT = "prompt";
  /** A chat playground. */
  public static final String CHAT = "chat";
  private static final int MAX_TEXT = 200_000;
  private static final int MAX_MESSAGES = 500;

  /** Model parameters; null ones are left to the model. */
  public record Parameters(Double temperature, Integer maxTokens, Double topP, List<String> stop) {
    public static final Parameters NONE = new Parameters(null, null, null, List.of());

    public Parameters {
      stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** These parameters with {@code other}'s non-null ones on top. */
    Parameters with(Parameters other) {
      if (other == null) {
        return this;
      }
      return new Parameters(other.temperature != null ? other.temperature : temperature,
          other.maxTokens != null ? other.maxTokens : maxTokens, other.topP != null ? other.topP : topP,
          other.stop != null && !other.stop.isEmpty() ? other.stop : stop);
    }
  }

  /** A playground as stored. {@code traceIds}: the traces of its runs, newest last. */
  public record Playground(String playgroundId, String type, String name, String projectId, String system,
      String prompt, List<ChatMessage> messages, Map<String, String> variables, List<String> models,
      Parameters parameters, List<String> traceIds, Instant createdAt, Instant updatedAt) {}

  /** Fields to create or change a playground; null ones are defaults (create) or unchanged (update). */
  public record Draft(String name, String projectId, String system, String prompt, List<ChatMessage> messages,
      Map<String, String> variables, List<String> models, Parameters parameters) {}

  /**
   * What one run may change for itself (not saved): the prompt, system message, variables, models and
   * parameters; for a chat, the new user {@code message}. {@code save} false keeps a chat's history as it is.
   */
  public record RunRequest(String prompt, String system, String message, Map<String, String> variables,
      List<String> models, Parameters parameters, Boolean save) {
    public static final RunRequest NONE = new RunRequest(null, null, null, null, null, null, null);
  }

  /** Traces of a playground's runs, newest first, and its project. */
  public record TraceList(String projectId, List<Traces.TraceDetail> traces) {}

  private final Records records;
  private final Access access;
    private final Models models;
  private final ModelRuns runs;
  private final Traces traces;
  private final FeatureSettings settings;
  private final IdGenerator ids;

  @Inject
  Playgrounds(Records records, Access access, Models models, ModelRuns runs, Traces traces,
      FeatureSettings settings, IdGenerator ids) {
    this.records = records;
    this.access = access;
    this.models = models;
    this.runs = runs;
    this.traces = traces;
    this.settings = settings;
    this.ids = ids;
  }

  private RecordStore store() {
    return records.store("playgrounds");
  }

  /** The caller's playgrounds of a type ({@link #PROMPT} or {@link #CHAT}), oldest first. */
  public List<Playground> list(Caller caller, String type) {
    String user = access.userOf(caller);
    List<Playground> out = new ArrayList<>();
    for (StoredRecord r : store().findByKey(KIND, user, type(type))) {
      out.add(view(r));
    }
    out.sort(Comparator.comparing(Playground::createdAt).thenComparing(Playground::playgroundId));
    return out;
  }

  /**
   * Creates a playground.
   *
   * @throws EngineException BAD_REQUEST for invalid fields or no project to trace into, NOT_FOUND for a
   *     project the caller may not send traces to
   */
  public Playground create(Caller caller, String type, Draft d) {
    String user = access.userOf(caller);
    String t = type(type);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("type", t);
    json.put("name", d.name() == null || d.name().isBlank() ? "Untitled " + t + " playground" : text(d.name(), "name",
        200));
    json.put("project_id", runs.project(user, d.projectId()));
    apply(json, d);
    StoredRecord r = StoredRecord.create(KIND, ids.newId(), user, t, Json.write(json), records.clock().instant());
    if (!store().create(r)) {
      throw EngineException.conflict("playground id " + r.id() + " exists already; retry");
    }
    return view(r);
  }

  /**
   * One of the caller's playgrounds.
   *
   * @throws EngineException NOT_FOUND for another user's playground or an unknown id
   */
  public Playground get(Caller caller, String playgroundId) {
    return view(owned(access.userOf(caller), playgroundId));
  }

  /**
   * Changes a playground.
   *
   * @throws EngineException NOT_FOUND, BAD_REQUEST as {@link #create}
   */
  public Playground update(Caller caller, String playgroundId, Draft d) {
    String user = access.userOf(caller);
    StoredRecord current = owned(user, playgroundId);
    String project = d.projectId() == null || d.projectId().isBlank() ? null : runs.project(user, d.projectId());
    return view(records.update(store(), KIND, current.id(), r -> {
      Map<String, Object> json = new LinkedHashMap<>(Records.json(r));
      if (d.name() != null && !d.name().isBlank()) {
        json.put("name", text(d.name(), "name", 200));
      }
      if (project != null) {
        json.put("project_id", project);
      }
      apply(json, d);
      return new Records.Update(r.key(), Json.write(json));
    }).orElseThrow(() -> notFound(playgroundId)));
  }

  /**
   * Deletes a playground (its traces stay in their project).
   *
   * @throws EngineException NOT_FOUND for another user's playground or an unknown id
   */
  public void delete(Caller caller, String playgroundId) {
    StoredRecord r = owned(access.userOf(caller), playgroundId);
    if (!store().delete(KIND, r.id())) {
      throw notFound(playgroundId);
    }
  }

  /**
   * Checks a run and resolves its models, before any answer is sent (so a refusal is a plain error).
   *
   * @param type {@link #PROMPT} (trace_playground) or {@link #CHAT} (trace_playground_chat)
   * @throws EngineException NOT_FOUND for an unknown playground, model or project; BAD_REQUEST for a run
   *     of the other type, no models, missing variables or bad parameters
   */
  public ModelRuns.Prepared prepare(Caller caller, String playgroundId, String type, RunRequest req) {
    String user = access.userOf(caller);
    Playground pg = view(owned(user, playgroundId));
    String t = type(type);
    if (!pg.type().equals(t)) {
      throw EngineException.badRequest("playground '" + pg.playgroundId() + "' is a " + pg.type() + " playground: run"
          + " it with " + (pg.type().equals(CHAT) ? "trace_playground_chat" : "trace_playground"));
    }
    RunRequest r = req == null ? RunRequest.NONE : req;
    if (!access.mayWrite(user, pg.projectId())) {
      throw EngineException.notFound("project '" + pg.projectId() + "' of playground '" + pg.playgroundId()
          + "' not found: set another project_id with update_playground");
    }
    Map<String, String> vars = new LinkedHashMap<>(pg.variables());
    if (r.variables() != null) {
      vars.putAll(r.variables());
    }
    String system = r.system() != null ? r.system() : pg.system();
    List<ChatMessage> messages = new ArrayList<>();
    if (system != null && !system.isBlank()) {
      messages.add(ChatMessage.system(Templates.render(system, vars)));
    }
    ChatMessage added = null;
    if (t.equals(PROMPT)) {
      String prompt = r.prompt() != null ? r.prompt() : pg.prompt();
      if (prompt == null || prompt.isBlank()) {
        throw EngineException.badRequest("the playground has no prompt: set one with update_playground or send"
            + " {\"prompt\"}");
      }
      messages.add(ChatMessage.user(Templates.render(text(prompt, "prompt", MAX_TEXT), vars)));
    } else {
      messages.addAll(pg.messages());
      if (r.message() != null && !r.message().isBlank()) {
        added = ChatMessage.user(text(r.message(), "message", MAX_TEXT));
        messages.add(added);
      } else if (pg.messages().isEmpty() || !pg.messages().get(pg.messages().size() - 1).role().equals("user")) {
        throw EngineException.badRequest("send the next user message: {\"message\": \"...\"}");
      }
    }
    List<String> refs = r.models() != null && !r.models().isEmpty() ? r.models() : pg.models();
    if (refs.isEmpty()) {
      throw EngineException.badRequest("the playground has no model: set models with update_playground or send"
          + " {\"models\": [...]} (get_models lists them)");
    }
    if (refs.size() > settings.maxModels()) {
      throw EngineException.badRequest("at most " + settings.maxModels() + " models per run"
          + " (guardops.playground.max-models)");
    }
    Parameters params = pg.parameters().with(r.parameters());
    List<ModelRuns.Call> calls = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      Models.Resolved m = models.resolve(user, refs.get(i));
      calls.add(new ModelRuns.Call(new ModelRuns.Slot(i, m.model().name(), m.model().modelId(), m.model().name()), m,
          request(m.model().name(), messages, params)));
    }
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("guardops.playground.id", pg.playgroundId());
    attrs.put("guardops.playground.type", pg.type());
    boolean save = t.equals(CHAT) && !Boolean.FALSE.equals(r.save());
    ChatMessage userMessage = added;
    return new ModelRuns.Prepared(pg.playgroundId(), user, pg.projectId(), calls, attrs, "playground " + pg.name(),
        results -> remember(pg.playgroundId(), results, save ? userMessage : null, save));
  }

  /**
   * Runs a prepared run: every model at once, deltas to {@code listener} when {@code stream} is set.
   * Model failures are in the results.
   *
   * @throws EngineException UNAVAILABLE when too many model calls are running on this instance
   */
  public List<ModelRuns.Result> run(ModelRuns.Prepared run, boolean stream, ModelRuns.Listener listener) {
    return runs.run(run, stream, listener);
  }

  /**
   * The traces of a playground's runs, newest first (those retention purged are left out).
   *
   * @throws EngineException NOT_FOUND for an unknown playground or one whose project the caller lost
   */
  public TraceList traces(Caller caller, String playgroundId, int limit) {
    Playground pg = get(caller, playgroundId);
    access.readable(caller, pg.projectId());
    List<Traces.TraceDetail> out = new ArrayList<>();
    List<String> ids = pg.traceIds();
    for (int i = ids.size() - 1; i >= 0 && out.size() < limit; i--) {
      try {
        out.add(traces.detail(caller, pg.projectId(), ids.get(i)));
      } catch (EngineException e) {
        if (e.kind() != EngineException.Kind.NOT_FOUND) {
          throw e;
        }
      }
    }
    return new TraceList(pg.projectId(), out);
  }

  /** After a run: its traces, and for a chat the user's message and the first answer. */
  private void remember(String playgroundId, List<ModelRuns.Result> results, ChatMessage userMessage, boolean chat) {
    ModelRuns.Result first = null;
    for (ModelRuns.Result r : results) {
      if (r.ok()) {
        first = r;
        break;
      }
    }
    ModelRuns.Result answer = first;
    records.update(store(), KIND, playgroundId, rec -> {
      Map<String, Object> json = new LinkedHashMap<>(Records.json(rec));
      List<Object> ids = Records.list(json, "traces");
      results.forEach(r -> ids.add(r.traceId()));
      while (ids.size() > settings.tracesKept()) {
        ids.remove(0);
      }
      json.put("traces", ids);
      if (chat && answer != null) {
        List<Object> history = Records.list(json, "messages");
        if (userMessage != null) {
          history.add(message(userMessage));
        }
        history.add(message(ChatMessage.assistant(answer.output())));
        while (history.size() > MAX_MESSAGES) {
          history.remove(0);
        }
        json.put("messages", history);
      }
      return new Records.Update(rec.key(), Json.write(json));
    });
  }

  // ---------------------------------------------------------------- fields

  private StoredRecord owned(String user, String playgroundId) {
    if (playgroundId == null || playgroundId.isBlank()) {
      throw EngineException.badRequest("playground_id is required");
    }
    return store().find(KIND, playgroundId.trim()).filter(r -> r.ownerId().equals(user))
        .orElseThrow(() -> notFound(playgroundId));
  }

  private static EngineException notFound(String playgroundId) {
    return EngineException.notFound("playground '" + playgroundId.trim() + "' not found");
  }

  private static void apply(Map<String, Object> json, Draft d) {
    if (d.system() != null) {
      json.put("system", text(d.system(), "system", MAX_TEXT));
    }
    if (d.prompt() != null) {
      json.put("prompt", text(d.prompt(), "prompt", MAX_TEXT));
    }
    if (d.messages() != null) {
      if (d.messages().size() > MAX_MESSAGES) {
        throw EngineException.badRequest("at most " + MAX_MESSAGES + " messages");
      }
      List<Object> list = new ArrayList<>();
      for (ChatMessage m : d.messages()) {
        text(m.content(), "a message", MAX_TEXT);
        list.add(message(m));
      }
      json.put("messages", list);
    }
    if (d.variables() != null) {
      if (d.variables().size() > 100) {
        throw EngineException.badRequest("at most 100 variables");
      }
      Map<String, Object> vars = new TreeMap<>();
      d.variables().forEach((k, v) -> vars.put(k, text(v, "variable " + k, MAX_TEXT)));
      json.put("variables", vars);
    }
    if (d.models() != null) {
      List<Object> refs = new ArrayList<>();
      for (String m : d.models()) {
        if (m != null && !m.isBlank()) {
          refs.add(text(m.trim(), "a model", 200));
        }
      }
      json.put("models", refs);
    }
    if (d.parameters() != null) {
      Parameters p = parameters(json).with(d.parameters());
      request("probe", List.of(ChatMessage.user("x")), p);
      Map<String, Object> params = new LinkedHashMap<>();
      put(params, "temperature", p.temperature());
      put(params, "max_tokens", p.maxTokens() == null ? null : (long) p.maxTokens());
      put(params, "top_p", p.topP());
      if (!p.stop().isEmpty()) {
        params.put("stop", new ArrayList<Object>(p.stop()));
      }
      json.put("parameters", params);
    }
  }

  /** The chat request for {@code model}, checking the parameters (400 with the rule they break). */
  private static ChatRequest request(String model, List<ChatMessage> messages, Parameters p) {
    try {
      return new ChatRequest(model, messages, p.temperature(), p.maxTokens(), p.topP(), p.stop(), null, null);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
  }

  private static Map<String, Object> message(ChatMessage m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("role", m.role());
    out.put("content", m.content());
    return out;
  }

  private static Parameters parameters(Map<String, Object> json) {
    Map<String, Object> p = Records.map(json, "parameters");
    Long max = Records.lng(p, "max_tokens");
    return new Parameters(Records.dbl(p, "temperature"), max == null ? null : max.intValue(), Records.dbl(p, "top_p"),
        Records.strings(p, "stop"));
  }

  private static Playground view(StoredRecord r) {
    Map<String, Object> json = Records.json(r);
    List<ChatMessage> messages = new ArrayList<>();
    for (Object o : Records.list(json, "messages")) {
      if (o instanceof Map<?, ?> m) {
        messages.add(new ChatMessage(String.valueOf(m.get("role")), String.valueOf(m.get("content"))));
      }
    }
    Map<String, String> vars = new LinkedHashMap<>();
    Records.map(json, "variables").forEach((k, v) -> vars.put(k, String.valueOf(v)));
    return new Playground(r.id(), Records.str(json, "type"), Records.str(json, "name"), Records.str(json, "project_id"),
        Records.str(json, "system"), Records.str(json, "prompt"), List.copyOf(messages), vars,
        Records.strings(json, "models"), parameters(json), Records.strings(json, "traces"), r.createdAt(),
        r.updatedAt());
  }

  private static String type(String type) {
    String t = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
    if (!t.equals(PROMPT) && !t.equals(CHAT)) {
      throw EngineException.badRequest("a playground is a prompt or a chat playground, was '" + type + "'");
    }
    return t;
  }

  private static String text(String s, String what, int max) {
    if (s == null) {
      return "";
    }
    if (s.length() > max) {
      throw EngineException.badRequest(what + " is longer than " + max + " characters");
    }
    return s;
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
