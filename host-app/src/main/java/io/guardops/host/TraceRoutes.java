package io.guardops.host;

import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.TraceCursor;
import io.guardops.api.store.TraceQuery;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.host.wire.Cursors;
import io.guardops.host.wire.GuardOpsViews;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/** Reading traces and monitoring: the trace list, search, detail, charts and metrics. */
final class TraceRoutes {
  private final Engine engine;

  private TraceRoutes(Engine engine) {
    this.engine = engine;
  }

  static void register(RouteTable t, Engine engine) {
    TraceRoutes r = new TraceRoutes(engine);
    t.route("GET", "/api/get_project_traces", Role.MONITORING,
        "a page of a project's traces, each as its span documents; `page`/`limit` or `cursor`", r::projectTraces)
        .params(Param.PROJECT_ID, Param.LIMIT, Param.PAGE, Param.CURSOR);
    t.route("GET", "/api/get_data_for_traces_viz", Role.MONITORING,
        "start time and runtime of the newest 10,000 traces", (q, c) ->
            GuardOpsViews.viz(engine.traces().recent(c, q.required("project_id"))))
        .params(Param.PROJECT_ID);
    t.route("GET", "/api/get_thresholds_for_viz", Role.MONITORING, "a project's latency thresholds", (q, c) ->
        GuardOpsViews.thresholds(engine.traces().project(c, q.required("project_id"))))
        .params(Param.PROJECT_ID);
    t.route("GET", "/api/search_traces", Role.MONITORING,
        "trace summaries by time, model, status, latency, text and attribute; `page`/`limit` or `cursor`",
        r::search)
        .params(Param.PROJECT_ID, Param.FROM, Param.TO, Param.query("model", "requested or served model"),
            Param.query("status", "traces with an error, without, or any (default)").oneOf("any", "error", "ok"),
            Param.query("min_latency", "number", "at least this many seconds long"),
            Param.query("text", "text in a span's name, prompt or output"),
            Param.query("attribute", "an attribute's key (with `value`)"),
            Param.query("value", "the attribute's value"), Param.LIMIT, Param.PAGE, Param.CURSOR);
    t.route("GET", "/api/get_trace", Role.MONITORING, "one trace: its summary, spans and scores", (q, c) -> {
      Map<String, Object> out = GuardOpsViews.detail(engine.traces().detail(c, q.required("project_id"),
          q.required("trace_id")));
      out.put("scores", GuardOpsViews.traceScores(engine.scores().forTrace(c, q.required("project_id"),
          q.required("trace_id"))));
      return out;
    })
        .params(Param.PROJECT_ID, Param.query("trace_id", "the trace id, 32 hex digits, `0x` optional").required());
    t.route("GET", "/api/get_metrics", Role.MONITORING,
        "requests, errors, latency percentiles, tokens and cost per bucket and model; score counts and means per"
            + " bucket and name", r::metrics)
        .params(Param.PROJECT_ID, Param.FROM.withDescription("start, ISO-8601 (default: 24 hours before `to`)"),
            Param.TO.withDescription("end, ISO-8601 (default: now)"),
            Param.query("bucket", "bucket size (default hour)").oneOf("minute", "hour", "day"));
  }

  private Object projectTraces(Request r, Caller caller) {
    TraceQuery.Builder q = TraceQuery.builder(r.required("project_id")).limit(r.intParam("limit", 20, 1, 100));
    paging(r, q, q.build().limit());
    return GuardOpsViews.traceBatch(engine.traces().withSpans(caller, build(q)));
  }

  /** Applies {@code cursor} or {@code page}; returns the page number when paged by offset. */
  private static Integer paging(Request r, TraceQuery.Builder q, int limit) {
    String cursor = r.param("cursor");
    if (cursor != null && !cursor.isBlank()) {
      if (r.param("page") != null) {
        throw EngineException.badRequest("send 'cursor' or 'page', not both");
      }
      TraceCursor c;
      try {
        c = Cursors.decode(cursor);
      } catch (IllegalArgumentException e) {
        throw EngineException.badRequest(e.getMessage());
      }
      q.after(c);
      return null;
    }
    int page = r.intParam("page", 1, 1, 1_000_000);
    long offset = (long) (page - 1) * limit;
    if (offset > 1_000_000) {
      throw EngineException.badRequest("page is too deep (more than 1,000,000 traces): page with 'cursor' instead");
    }
    q.offset((int) offset);
    return page;
  }

  private static TraceQuery build(TraceQuery.Builder q) {
    try {
      return q.build();
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
  }

  private Object search(Request r, Caller caller) {
    String status = r.param("status");
    TraceQuery.StatusFilter sf = TraceQuery.StatusFilter.ANY;
    if (status != null && !status.isBlank()) {
      try {
        sf = TraceQuery.StatusFilter.valueOf(status.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw EngineException.badRequest("'status' must be any, error or ok");
      }
    }
    Double minLatency = r.secondsParam("min_latency", true);
    int limit = r.intParam("limit", 20, 1, 100);
    Instant from = instant(r, "from", null);
    Instant to = instant(r, "to", null);
    String attribute = blank(r.param("attribute"));
    String value = r.param("value");
    if (attribute != null && value == null) {
      throw EngineException.badRequest("'attribute' needs a 'value'");
    }
    TraceQuery.Builder q = TraceQuery.builder(r.required("project_id")).limit(limit)
        .from(from == null ? null : nanos(from)).to(to == null ? null : nanos(to)).model(blank(r.param("model")))
        .status(sf).minDurationNanos(minLatency == null ? null : (long) (minLatency * 1e9)).text(blank(r.param("text")))
        .attribute(attribute, attribute == null ? null : value);
    Integer page = paging(r, q, limit);
    return GuardOpsViews.searchResult(engine.traces().search(caller, build(q)), page);
  }

  private Object metrics(Request r, Caller caller) {
    Instant to = instant(r, "to", engine.clock().instant());
    Instant from = instant(r, "from", to.minusSeconds(24 * 3600));
    MetricsQuery.Bucket bucket;
    try {
      bucket = MetricsQuery.Bucket.parse(r.param("bucket") == null ? "hour" : r.param("bucket"));
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest("'bucket' must be minute, hour or day");
    }
    String project = r.required("project_id");
    return GuardOpsViews.metrics(engine.traces().metrics(caller, project, nanos(from), nanos(to), bucket),
        engine.scores().aggregate(caller, project, nanos(from), nanos(to), bucket));
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  static long nanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  private static Instant instant(Request r, String name, Instant def) {
    String v = r.param(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    try {
      return Instant.parse(v.trim());
    } catch (DateTimeParseException e) {
      throw EngineException.badRequest("'" + name + "' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
  }
}
