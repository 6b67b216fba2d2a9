package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.ApiKey;
import io.guardops.api.CleanupRecord;
import io.guardops.api.Project;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.engine.Access;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.Projects;
import io.guardops.engine.Sharing;
import io.guardops.host.wire.GuardOpsViews;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Users, projects with their sharing, API keys and cleanup history: the wire contract's management routes. */
final class ProjectRoutes {
  private final Engine engine;
  private final Json json;

  private ProjectRoutes(Engine engine, Json json) {
    this.engine = engine;
    this.json = json;
  }

  static void register(RouteTable t, Engine engine, Json json) {
    ProjectRoutes r = new ProjectRoutes(engine, json);
    // users: administration; the original Auth0 Action listed and created users with a machine token
    t.routeForAnyUser("GET", "/api/get_userids", Role.FULL_ACCESS, "every user id",
        (q, c) -> engine.users().listIds());
    t.routeForAnyUser("POST", "/api/create_user", Role.FULL_ACCESS,
        "creates a user and their Default Project (`user_id` parameter or JSON body)", r::createUser)
        .params(Param.query("user_id", "the user to create (or in the JSON body)"))
        .body("optional: {\"user_id\": \"...\"} instead of the parameter", Reply.JSON);

    t.route("GET", "/api/get_projects", Role.PROJECTS,
        "the caller's projects, then those shared with them, with `stats.trace_count`", r::getProjects);
    t.route("POST", "/api/create_project", Role.PROJECTS, "creates a project", r::createProject)
        .params(Param.query("project_name", "the project's name").required(), DESCRIPTION, TAGS, RETENTION, WARNING,
            CRITICAL);
    t.route("PATCH", "/api/update_project", Role.PROJECTS, "changes a project (owner only)", r::updateProject)
        .params(Param.PROJECT_ID, Param.query("project_name", "a new name"), DESCRIPTION, TAGS, RETENTION, WARNING,
            CRITICAL);
    t.route("DELETE", "/api/delete_project", Role.PROJECTS,
        "deletes a project (owner only); `cascade=true` deletes its traces too", r::deleteProject)
        .params(Param.PROJECT_ID, Param.query("cascade", "boolean", "also delete its traces (default false)"));
    t.route("GET", "/api/share_project", Role.PROJECTS,
        "a single-use share code for a project (owner only), shown once", r::shareProject)
        .params(Param.PROJECT_ID);
    t.route("POST", "/api/import_project", Role.PROJECTS,
        "redeems a share code: the project joins the caller's list", r::importProject)
        .params(Param.query("share_code", "the code the owner shared (`gsp-...`)").required());
    t.route("GET", "/api/get_project_members", Role.PROJECTS,
        "members and share codes of a project (owner only)", r::members)
        .params(Param.PROJECT_ID);
    t.route("DELETE", "/api/remove_project_member", Role.PROJECTS,
        "ends a member's access (owner only)", r::removeMember)
        .params(Param.PROJECT_ID, Param.query("member_id", "the member's user id").required());
    t.route("DELETE", "/api/revoke_share_code", Role.PROJECTS,
        "revokes an unused share code (owner only)", r::revokeCode)
        .params(Param.PROJECT_ID, Param.query("code_id", "the code's id (from get_project_members)").required());
    t.route("DELETE", "/api/leave_project", Role.PROJECTS, "a member leaves a shared project", r::leave)
        .params(Param.PROJECT_ID);
    t.route("GET", "/api/get_cleanup_records", Role.PROJECTS,
        "what retention sweeps deleted from a project", r::cleanupRecords)
        .params(Param.PROJECT_ID, Param.query("limit", "integer", "at most this many records, 1 to 1000 (default 100)"));

    t.route("POST", "/api/create_key", Role.PROJECTS, "mints an API key, shown once",
        (q, c) -> engine.apiKeys().create(c));
    t.route("GET", "/api/get_keys", Role.PROJECTS, "the caller's keys (hashes and hints)", r::getKeys);
    t.route("DELETE", "/api/delete_key", Role.PROJECTS, "revokes a key (`key_hash`)", (q, c) -> {
      engine.apiKeys().delete(c, q.required("key_hash"));
      return Map.of("deleted", true);
    }).params(Param.query("key_hash", "the key's hash, as get_keys lists it").required());
  }

  private static final Param DESCRIPTION = Param.query("project_description", "a description");
  private static final Param TAGS = Param.query("project_tags", "tags, comma-separated");
  private static final Param RETENTION = Param.query("project_retention", "integer",
      "days to keep traces; 0 keeps them forever");
  private static final Param WARNING = Param.query("latency_warning_thresholds", "number",
      "latency in seconds above which a trace is shown as slow");
  private static final Param CRITICAL = Param.query("latency_critical_thresholds", "number",
      "latency in seconds above which a trace is shown as critical");

  private Object createUser(Request r, Caller caller) {
    String userId = r.param("user_id");
    if ((userId == null || userId.isBlank()) && r.body().length > 0) {
      JsonNode body = json.object(r.body());
      JsonNode u = body.get("user_id");
      userId = u == null || u.isNull() ? null : u.asText();
    }
    if (userId == null || userId.isBlank()) {
      throw EngineException.badRequest("user_id is required (query parameter or JSON body {\"user_id\": ...})");
    }
    if (caller.actsForUser() && !caller.userId().equals(userId)) {
      throw EngineException.forbidden("the body names user '" + userId + "' but the call acts for '"
          + caller.userId() + "'");
    }
    boolean created = engine.users().provision(userId);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user_id", userId);
    out.put("created", created);
    return out;
  }

  private Object getProjects(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Projects.ProjectView v : engine.projects().list(caller)) {
      out.add(GuardOpsViews.project(v.project(), v.traceCount(), v.relation()));
    }
    return Map.of("projects", out);
  }

  private Object createProject(Request r, Caller caller) {
    Project created = engine.projects().create(caller, new Projects.Draft(r.required("project_name"),
        r.param("project_description"), tags(r.param("project_tags")),
        r.intParam("project_retention", 0, 0, Project.MAX_RETENTION_DAYS),
        r.secondsParam("latency_warning_thresholds", false), r.secondsParam("latency_critical_thresholds", false)));
    return GuardOpsViews.project(created, 0L, Access.Relation.OWNER);
  }

  private Object updateProject(Request r, Caller caller) {
    String tagParam = r.param("project_tags");
    Project updated = engine.projects().update(caller, r.required("project_id"), new Projects.Patch(
        blankToNull(r.param("project_name")), r.param("project_description"),
        tagParam == null ? null : tags(tagParam), r.intParam("project_retention", null, 0, Project.MAX_RETENTION_DAYS),
        r.secondsParam("latency_warning_thresholds", false), r.secondsParam("latency_critical_thresholds", false)));
    return GuardOpsViews.project(updated, null, Access.Relation.OWNER);
  }

  private Object deleteProject(Request r, Caller caller) {
    String projectId = r.required("project_id");
    boolean cascade = r.boolParam("cascade", false);
    long traces = engine.projects().delete(caller, projectId, cascade);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("deleted", projectId);
    out.put("cascade", cascade);
    out.put("deleted_traces", traces);
    return out;
  }

  private Object shareProject(Request r, Caller caller) {
    Sharing.IssuedCode code = engine.projects().share(caller, r.required("project_id"));
    return GuardOpsViews.issuedCode(code.code(), code.record());
  }

  private Object importProject(Request r, Caller caller) {
    Project p = engine.projects().importShared(caller, r.required("share_code"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("imported", true);
    out.put("project", GuardOpsViews.project(p, null, Access.Relation.MEMBER));
    return out;
  }

  private Object members(Request r, Caller caller) {
    Projects.Members m = engine.projects().members(caller, r.required("project_id"));
    return GuardOpsViews.members(m.members(), m.codes(), engine.clock().instant());
  }

  private Object removeMember(Request r, Caller caller) {
    engine.projects().removeMember(caller, r.required("project_id"), r.required("member_id"));
    return Map.of("removed", r.param("member_id"));
  }

  private Object revokeCode(Request r, Caller caller) {
    engine.projects().revokeCode(caller, r.required("project_id"), r.required("code_id"));
    return Map.of("revoked", r.param("code_id"));
  }

  private Object leave(Request r, Caller caller) {
    engine.projects().leave(caller, r.required("project_id"));
    return Map.of("left", r.param("project_id"));
  }

  private Object cleanupRecords(Request r, Caller caller) {
    int limit = r.intParam("limit", 100, 1, 1000);
    List<Map<String, Object>> out = new ArrayList<>();
    for (CleanupRecord c : engine.retention().history(caller, r.required("project_id"), limit)) {
      out.add(GuardOpsViews.cleanup(c));
    }
    return Map.of("cleanups", out);
  }

  private Object getKeys(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ApiKey k : engine.apiKeys().list(caller)) {
      out.add(GuardOpsViews.key(k));
    }
    return Map.of("keys", out);
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
}
