package io.guardops.host;

import io.guardops.api.Principal;
import io.guardops.api.StoreException;
import io.guardops.api.TracePage;
import io.guardops.api.TraceQuery;
import io.guardops.api.TraceSummary;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.Ingest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ingestion (OTLP/HTTP, the GuardOps Python library) and trace-reading routes. */
final class TraceRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(TraceRoutes.class);

  private TraceRoutes() {}

  static void register(Routes routes, Engine engine) {
    routes.route("POST", "/v1/traces", r -> otlp(engine, r));
    routes.route("POST", "/api/store_trace/", r -> {
      String userId = r.required("user_id");
      String projectId = r.required("project_id");
      String keyHash = r.required("key_hash");
      boolean stored = engine.ingest().guardOpsLibrary(userId, projectId, keyHash, r.body());
      return Map.of("stored", stored);
    });
    routes.route("GET", "/api/get_project_traces", r -> {
      Principal p = routes.knownUser(r);
      int page = r.intParam("page", 1, 1, 1_000_000);
      int limit = r.intParam("limit", 20, 1, 100);
      return Map.of("traces", engine.traces().projectTraces(p.userId(), r.required("project_id"), page, limit));
    });
    routes.route("GET", "/api/get_data_for_traces_viz", r ->
        engine.traces().tracesViz(routes.knownUser(r).userId(), r.required("project_id")));
    routes.route("GET", "/api/get_thresholds_for_viz", r ->
        engine.traces().thresholds(routes.knownUser(r).userId(), r.required("project_id")));
    routes.route("GET", "/api/search_traces", r -> search(engine, routes, r));
    routes.route("GET", "/api/get_trace", r ->
        engine.traces().detail(routes.knownUser(r).userId(), r.required("project_id"), r.required("trace_id")));
    routes.route("GET", "/api/get_metrics", r -> {
      Principal p = routes.knownUser(r);
      Instant to = instant(r, "to", engine.clock().instant());
      Instant from = instant(r, "from", to.minusSeconds(24 * 3600));
      String bucket = r.param("bucket") == null ? "hour" : r.param("bucket").toLowerCase(Locale.ROOT);
      if (!List.of("minute", "hour", "day").contains(bucket)) {
        throw EngineException.badRequest("'bucket' must be minute, hour or day");
      }
      return Map.of("metrics", engine.traces().metrics(p.userId(), r.required("project_id"), from, to, bucket));
    });
  }

  /**
   * OTLP/HTTP export. Replies as the OTLP spec says: 200 with an empty {@code
   * ExportTraceServiceResponse} (or its {@code partial_success} when some spans were rejected), and
   * on failure the HTTP status with a {@code google.rpc.Status} body in the request's encoding
   * (protobuf or JSON), never the GuardOps {@code {"detail"}} form. 4xx tells the exporter not to
   * retry; 503 (store unavailable) tells it to retry, so nothing it was not told was stored is lost.
   */
  private static Object otlp(Engine engine, Request r) {
    String type = r.header("content-type");
    String mime = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    boolean protobuf = mime.equals("application/x-protobuf") || mime.equals("application/protobuf");
    boolean json = !protobuf; // errors of a request in neither encoding are answered in JSON
    try {
      if (!protobuf && !mime.equals("application/json")) {
        throw new EngineException(EngineException.Kind.UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/x-protobuf or application/json, was '" + type + "'");
      }
      String key = r.header("x-guardops-api-key");
      String auth = r.header("authorization");
      if (key == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        key = auth.substring(7).trim();
      }
      Ingest.OtlpResult result = engine.ingest().otlp(key, r.header("x-guardops-project"), r.body(), json);
      if (!json) {
        return new Routes.Reply(200, "application/x-protobuf", ProtoReplies.exportResponse(result));
      }
      Map<String, Object> out = new LinkedHashMap<>();
      if (result.rejectedSpans() > 0) {
        Map<String, Object> partial = new LinkedHashMap<>();
        partial.put("rejectedSpans", String.valueOf(result.rejectedSpans()));
        partial.put("errorMessage", result.errorMessage() == null ? "" : result.errorMessage());
        out.put("partialSuccess", partial);
      }
      return out;
    } catch (EngineException e) {
      if (e.kind().httpStatus() >= 500) {
        LOG.warn("OTLP export refused with {}: {}", e.kind().httpStatus(), e.getMessage());
      }
      return ProtoReplies.status(e.kind().httpStatus(), e.getMessage(), json);
    } catch (java.io.UncheckedIOException e) {
      return ProtoReplies.status(400, "could not read the request body: " + e.getCause().getMessage(), json);
    } catch (StoreException e) {
      LOG.error("OTLP export failed in the store: {}", e.toString(), e);
      return ProtoReplies.status(503, "the store is unavailable; retry later", json);
    } catch (RuntimeException e) {
      LOG.error("OTLP export failed: {}", e.toString(), e);
      return ProtoReplies.status(500, "internal error", json);
    }
  }

  private static Object search(Engine engine, Routes routes, Request r) {
    Principal p = routes.knownUser(r);
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
    int page = r.intParam("page", 1, 1, 1_000_000);
    Instant from = instant(r, "from", null);
    Instant to = instant(r, "to", null);
    TraceQuery q;
    try {
      q = new TraceQuery(r.required("project_id"), from == null ? null : nanos(from), to == null ? null : nanos(to),
          blank(r.param("model")), sf, minLatency == null ? null : (long) (minLatency * 1e9), blank(r.param("text")),
          blank(r.param("attribute")), blank(r.param("value")), (page - 1) * limit, limit);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    TracePage found = engine.traces().search(p.userId(), q);
    List<Map<String, Object>> traces = new ArrayList<>();
    for (TraceSummary t : found.traces()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("trace_id", "0x" + t.traceId());
      m.put("name", t.rootName());
      m.put("start_time", Instant.ofEpochSecond(0, t.startEpochNanos()).toString());
      m.put("duration_ms", t.durationNanos() / 1e6);
      m.put("span_count", t.spanCount());
      m.put("error_count", t.errorCount());
      m.put("input_tokens", t.inputTokens());
      m.put("output_tokens", t.outputTokens());
      m.put("total_tokens", t.totalTokens());
      m.put("cost", t.cost());
      m.put("model", t.model());
      traces.add(m);
    }
    return Map.of("traces", traces, "page", page, "has_more", found.hasMore());
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
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
