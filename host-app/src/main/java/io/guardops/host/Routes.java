package io.guardops.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guardops.api.ApiKey;
import io.guardops.api.CleanupRecord;
import io.guardops.api.Credentials;
import io.guardops.api.Health;
import io.guardops.api.Principal;
import io.guardops.api.Project;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.PluginStatus;
import io.guardops.engine.Projects;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP contract of {@code GUARDOPS_WIRE.md}: flat {@code /api/<verb_noun>} paths, parameters
 * in the query string, JSON replies. Every route that names a user authenticates the request and
 * acts as the authenticated user only.
 */
final class Routes {
  /** A handled request's reply. */
  record Reply(int status, String contentType, byte[] body) {
    static Reply json(int status, String body) {
      return new Reply(status, GuardOpsServer.MIME_JSON, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @FunctionalInterface
  interface Handler {
    Object handle(Request r) throws Exception;
  }

  private final Engine engine;
  private final ObjectMapper json;
  private final Map<String, Map<String, Handler>> byPath = new HashMap<>();
  private final boolean unprotected;

  Routes(Engine engine, ObjectMapper json) {
    this.engine = engine;
    this.json = json;
    this.unprotected = "unprotected".equals(engine.config().getString("auth", "single-user"));
    route("GET", "/health", r -> null); // answered specially in dispatch
    route("GET", "/api/get_userids", this::getUserIds);
    route("POST", "/api/create_user", this::createUser);
    route("GET", "/api/get_projects", this::getProjects);
    route("POST", "/api/create_project", this::createProject);
    route("PATCH", "/api/update_project", this::updateProject);
    route("DELETE", "/api/delete_project", this::deleteProject);
    route("POST", "/api/create_key", r -> engine.apiKeys().create(knownUser(r).userId()));
    route("GET", "/api/get_keys", this::getKeys);
    route("DELETE", "/api/delete_key", this::deleteKey);
    route("GET", "/api/get_cleanup_records", this::getCleanupRecords);
    TraceRoutes.register(this, engine);
  }

  void route(String method, String path, Handler handler) {
    byPath.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, handler);
  }

  Reply dispatch(Request r) {
    try {
      return dispatchUnchecked(r);
    } catch (JsonProcessingException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Reply dispatchUnchecked(Request r) throws JsonProcessingException {
    String path = r.path();
    Map<String, Handler> methods = byPath.get(path);
    if (methods == null && path.endsWith("/") && path.length() > 1) {
      methods = byPath.get(path.substring(0, path.length() - 1));
    } else if (methods == null) {
      methods = byPath.get(path + "/");
    }
    if (methods == null) {
      throw EngineException.notFound("no such endpoint: " + r.method() + " " + path);
    }
    Handler h = methods.get(r.method());
    if (h == null) {
      return Reply.json(405, json.writeValueAsString(Map.of("detail",
          "method " + r.method() + " is not allowed on " + path + "; use " + String.join(" or ", methods.keySet()))));
    }
    if (path.equals("/health")) {
      return health();
    }
    Object result;
    try {
      result = h.handle(r);
    } catch (EngineException | io.guardops.api.StoreException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    if (result instanceof Reply reply) {
      return reply;
    }
    return new Reply(200, GuardOpsServer.MIME_JSON, json.writeValueAsBytes(result));
  }

  private Reply health() throws JsonProcessingException {
    Map<String, Object> components = new LinkedHashMap<>();
    for (Map.Entry<String, Health> e : engine.health().entrySet()) {
      components.put(e.getKey(), Map.of("healthy", e.getValue().healthy(), "detail", e.getValue().detail()));
    }
    List<Map<String, Object>> plugins = new ArrayList<>();
    for (PluginStatus p : engine.plugins()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", p.id());
      m.put("version", p.version());
      m.put("state", p.state());
      m.put("source", p.source());
      if (p.error() != null) {
        m.put("error", p.error());
      }
      plugins.add(m);
    }
    boolean healthy = engine.healthy();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", healthy ? "UP" : "DOWN");
    body.put("version", Engine.version());
    body.put("components", components);
    body.put("plugins", plugins);
    return new Reply(healthy ? 200 : 503, GuardOpsServer.MIME_JSON, json.writeValueAsBytes(body));
  }

  // ------------------------------------------------------------------ auth helpers

  /** Authenticates the request as the user named by {@code user_id} (or the token's subject). */
  Principal user(Request r) {
    return engine.authenticate(credentials(r, r.param("user_id")));
  }

  /** Like {@link #user}, and the user must exist (trusted modes do not provision implicitly). */
  Principal knownUser(Request r) {
    Principal p = user(r);
    if (!engine.users().exists(p.userId())) {
      throw EngineException.notFound("user '" + p.userId() + "' not found; create it with create_user");
    }
    return p;
  }

  static Credentials credentials(Request r, String claimedUserId) {
    String auth = r.header("authorization");
    String bearer = null;
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      bearer = auth.substring(7).trim();
    }
    return new Credentials(bearer, claimedUserId, r.remoteAddress());
  }

  // ------------------------------------------------------------------ users

  private Object getUserIds(Request r) {
    if (!(unprotected && r.param("user_id") == null)) {
      // unprotected mode lets the original Auth0 Action list users without naming one
      engine.authenticate(credentials(r, r.param("user_id")));
    }
    return engine.users().listIds();
  }

  private Object createUser(Request r) throws JsonProcessingException {
    String userId = r.param("user_id");
    if ((userId == null || userId.isBlank()) && r.body().length > 0) {
      JsonNode body = parseJson(r.body());
      JsonNode u = body.get("user_id");
      userId = u == null || u.isNull() ? null : u.asText();
    }
    if (userId == null || userId.isBlank()) {
      throw EngineException.badRequest("user_id is required (query parameter or JSON body {\"user_id\": ...})");
    }
    if (!r.bodyRead()) {
      r.body();
    }
    Principal p = engine.authenticate(credentials(r, userId));
    boolean created = engine.users().provision(p.userId());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user_id", p.userId());
    out.put("created", created);
    return out;
  }

  JsonNode parseJson(byte[] body) {
    try {
      JsonNode n = json.readTree(body);
      if (n == null || !n.isObject()) {
        throw EngineException.badRequest("the body must be a JSON object");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw EngineException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw EngineException.badRequest("the body could not be read: " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ projects

  private Object getProjects(Request r) {
    Principal p = knownUser(r);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Projects.ProjectWithStats ps : engine.projects().list(p.userId())) {
      out.add(projectJson(ps.project(), ps.traceCount()));
    }
    return Map.of("projects", out);
  }

  static Map<String, Object> projectJson(Project p, Long traceCount) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project_id", p.projectId());
    m.put("name", p.name());
    m.put("description", p.description());
    m.put("tags", p.tags());
    m.put("retention", p.retentionDays());
    m.put("owner", p.ownerId());
    m.put("created", p.createdAt().toString());
    m.put("latency_warning_thresholds", p.latencyWarningSeconds());
    m.put("latency_critical_thresholds", p.latencyCriticalSeconds());
    if (traceCount != null) {
      m.put("stats", Map.of("trace_count", traceCount));
    }
    return m;
  }

  private Object createProject(Request r) {
    Principal p = knownUser(r);
    Project created = engine.projects().create(p.userId(), r.required("project_name"),
        r.param("project_description"), tags(r.param("project_tags")),
        r.intParam("project_retention", 0, 0, Project.MAX_RETENTION_DAYS));
    return projectJson(created, 0L);
  }

  private Object updateProject(Request r) {
    Principal p = knownUser(r);
    String projectId = r.required("project_id");
    String tagParam = r.param("project_tags");
    Project updated = engine.projects().update(p.userId(), projectId, blankToNull(r.param("project_name")),
        r.param("project_description"), tagParam == null ? null : tags(tagParam),
        r.intParam("project_retention", null, 0, Project.MAX_RETENTION_DAYS),
        r.secondsParam("latency_warning_thresholds", false), r.secondsParam("latency_critical_thresholds", false));
    return projectJson(updated, null);
  }

  private Object deleteProject(Request r) {
    Principal p = knownUser(r);
    String projectId = r.required("project_id");
    boolean cascade = r.boolParam("cascade", false);
    engine.projects().delete(p.userId(), projectId, cascade);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("deleted", projectId);
    out.put("cascade", cascade);
    return out;
  }

  static List<String> tags(String commaJoined) {
    if (commaJoined == null || commaJoined.isBlank()) {
      return List.of();
    }
    return Arrays.stream(commaJoined.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  // ------------------------------------------------------------------ keys

  private Object getKeys(Request r) {
    Principal p = knownUser(r);
    List<Map<String, Object>> out = new ArrayList<>();
    for (ApiKey k : engine.apiKeys().list(p.userId())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("hash", k.hashOfHash());
      m.put("hint", k.hint());
      m.put("created", k.createdAt().toString());
      m.put("lastused", k.lastUsedAt() == null ? null : k.lastUsedAt().toString());
      out.add(m);
    }
    return Map.of("keys", out);
  }

  private Object deleteKey(Request r) {
    Principal p = knownUser(r);
    engine.apiKeys().delete(p.userId(), r.required("key_hash"));
    return Map.of("deleted", true);
  }

  // ------------------------------------------------------------------ retention

  private Object getCleanupRecords(Request r) {
    Principal p = knownUser(r);
    Project project = engine.projects().requireOwned(p.userId(), r.required("project_id"));
    int limit = r.intParam("limit", 100, 1, 1000);
    List<Map<String, Object>> out = new ArrayList<>();
    for (CleanupRecord c : engine.retention().history(p.userId(), project, limit)) {
      out.add(cleanupJson(c));
    }
    return Map.of("cleanups", out);
  }

  static Map<String, Object> cleanupJson(CleanupRecord c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Execution_time", c.executedAt().toString());
    m.put("project_id", c.projectId());
    m.put("cutoff", c.cutoff().toString());
    m.put("deleted_traces", c.deletedTraces());
    m.put("deleted_spans", c.deletedSpans());
    m.put("duration_ms", c.duration().toMillis());
    return m;
  }
}
