package io.guardops.host;

import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.engine.Engine;
import io.guardops.engine.Projects;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A request that succeeds on each role-guarded route for the user {@code walker}, with what it needs
 * made fresh per call where the call consumes it (RouteTableIT's approach, for any user id and any auth
 * mode). The fixtures are written through the engine, so the walk itself only sends the sampled calls.
 */
final class RouteSamples {
  private final Engine engine;
  private final String walkerId;
  private final Caller walker;
  private final Caller other;
  private final String project;
  private final String traceId = "5b8efff798038103d269b633813fc60c";
  private final Map<String, Supplier<String>> queries = new LinkedHashMap<>();
  private int n;

  /** Provisions {@code walker}, {@code other} and {@code member} and gives the walker a project with a trace. */
  RouteSamples(Engine engine, String walker, String other, String member) {
    this.engine = engine;
    this.walkerId = walker;
    this.walker = Caller.userToken(walker, EnumSet.of(Role.FULL_ACCESS));
    this.other = Caller.userToken(other, EnumSet.of(Role.FULL_ACCESS));
    Caller memberCaller = Caller.userToken(member, Set.of());
    engine.users().provision(walker);
    engine.users().provision(other);
    engine.users().provision(member);
    project = engine.projects().create(this.walker, draft("walked")).projectId();
    long t = System.currentTimeMillis() * 1_000_000L;
    engine.ingest().spans(List.of(Span.builder().projectId(project).traceId(traceId).spanId("eee19b7ec3c1b174")
        .name("chat").startEpochNanos(t - 1_000_000_000L).endEpochNanos(t).build()));

    queries.put("GET /api/get_userids", () -> "");
    queries.put("POST /api/create_user", () -> "user_id=" + enc(walker));
    queries.put("GET /api/get_projects", () -> "");
    queries.put("POST /api/create_project", () -> "project_name=walked-" + (++n));
    queries.put("PATCH /api/update_project", () -> "project_id=" + project + "&project_description=updated");
    queries.put("DELETE /api/delete_project", () -> "project_id=" + fresh() + "&cascade=true");
    queries.put("GET /api/share_project", () -> "project_id=" + project);
    queries.put("POST /api/import_project", () -> {
      String p = engine.projects().create(this.other, draft("others-" + (++n))).projectId();
      return "share_code=" + enc(engine.projects().share(this.other, p).code());
    });
    queries.put("GET /api/get_project_members", () -> "project_id=" + project);
    queries.put("DELETE /api/remove_project_member", () -> {
      String p = fresh();
      engine.projects().importShared(memberCaller, engine.projects().share(this.walker, p).code());
      return "project_id=" + p + "&member_id=" + enc(member);
    });
    queries.put("DELETE /api/revoke_share_code", () -> {
      String p = fresh();
      return "project_id=" + p + "&code_id=" + engine.projects().share(this.walker, p).record().codeId();
    });
    queries.put("DELETE /api/leave_project", () -> {
      String p = engine.projects().create(this.other, draft("joined-" + (++n))).projectId();
      engine.projects().importShared(this.walker, engine.projects().share(this.other, p).code());
      return "project_id=" + p;
    });
    queries.put("GET /api/get_cleanup_records", () -> "project_id=" + project);
    queries.put("POST /api/create_key", () -> "");
    queries.put("GET /api/get_keys", () -> "");
    queries.put("DELETE /api/delete_key", () -> {
      engine.apiKeys().create(this.walker);
      List<io.guardops.api.ApiKey> keys = engine.apiKeys().list(this.walker);
      return "key_hash=" + keys.get(keys.size() - 1).hashOfHash();
    });
    queries.put("GET /api/get_project_traces", () -> "project_id=" + project);
    queries.put("GET /api/get_data_for_traces_viz", () -> "project_id=" + project);
    queries.put("GET /api/get_thresholds_for_viz", () -> "project_id=" + project);
    queries.put("GET /api/search_traces", () -> "project_id=" + project + "&status=ok");
    queries.put("GET /api/get_trace", () -> "project_id=" + project + "&trace_id=0x" + traceId);
    queries.put("GET /api/get_metrics", () -> "project_id=" + project + "&bucket=hour");
  }

  /** {@code "METHOD /path"} of every route with a sample. */
  Set<String> routes() {
    return Collections.unmodifiableSet(queries.keySet());
  }

  /** A fresh query string that makes {@code route} succeed for the walker ({@code null}: no sample). */
  String query(RouteTable.Route route) {
    Supplier<String> q = queries.get(route.method() + " " + route.path());
    return q == null ? null : q.get();
  }

  String walker() {
    return walkerId;
  }

  private String fresh() {
    return engine.projects().create(walker, draft("fresh-" + (++n))).projectId();
  }

  private static Projects.Draft draft(String name) {
    return new Projects.Draft(name, "", List.of(), 0, null, null);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
