package io.guardops.engine;

import io.guardops.api.Project;
import io.guardops.api.Span;
import io.guardops.api.SpanStat;
import io.guardops.api.Store;
import io.guardops.api.TracePage;
import io.guardops.api.TraceQuery;
import io.guardops.api.TraceSummary;
import io.guardops.engine.query.GuardOpsSpanView;
import io.guardops.engine.query.MetricsCalculator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Reading traces, always within a project the caller owns: pages from trace summaries (never a
 * scan of spans), spans of one page in one query, metrics from the store's span stats.
 * Thread-safe. Obtain from {@link Engine#traces()}.
 */
@Singleton
public final class Traces {
  /** Most traces the viz endpoint returns (newest first). */
  static final int VIZ_LIMIT = 10_000;
  /** Model calls read from the store per round trip while computing metrics. */
  static final int METRICS_CHUNK = 50_000;
  /** Most model calls one metrics request aggregates (about 8 bytes each in memory); more is refused. */
  static final int METRICS_MAX = 5_000_000;

  private final Store store;
  private final Projects projects;

  @Inject
  Traces(Store store, Projects projects) {
    this.store = store;
    this.projects = projects;
  }

  /**
   * One page of a project's traces in the GuardOps form: newest first, each a list of span
   * documents, root first, then by start.
   *
   * @param page 1-based
   * @throws EngineException NOT_FOUND for a project the user does not own, BAD_REQUEST for bad paging
   */
  public List<List<Map<String, Object>>> projectTraces(String userId, String projectId, int page, int limit) {
    if (page < 1 || limit < 1 || limit > 100) {
      throw EngineException.badRequest("page must be at least 1 and limit between 1 and 100");
    }
    projects.requireOwned(userId, projectId);
    long offset = (long) (page - 1) * limit;
    if (offset > Integer.MAX_VALUE) {
      throw EngineException.badRequest("page is too large");
    }
    TracePage found = store.findTraces(TraceQuery.page(projectId, (int) offset, limit));
    return render(projectId, found.traces());
  }

  private List<List<Map<String, Object>>> render(String projectId, List<TraceSummary> traces) {
    if (traces.isEmpty()) {
      return List.of();
    }
    Map<String, List<Span>> byTrace = new LinkedHashMap<>();
    for (TraceSummary t : traces) {
      byTrace.put(t.traceId(), new ArrayList<>());
    }
    for (Span s : store.findSpans(projectId, byTrace.keySet())) {
      List<Span> l = byTrace.get(s.traceId());
      if (l != null) {
        l.add(s);
      }
    }
    List<List<Map<String, Object>>> out = new ArrayList<>(traces.size());
    for (List<Span> spans : byTrace.values()) {
      spans.sort(Comparator.comparing((Span s) -> !s.isRoot()).thenComparingLong(Span::startEpochNanos));
      List<Map<String, Object>> docs = new ArrayList<>(spans.size());
      for (Span s : spans) {
        docs.add(GuardOpsSpanView.render(s));
      }
      out.add(docs);
    }
    return out;
  }

  /** {@code {"0x<trace>": {"start_time": iso, "runtime": seconds}}} for the newest traces. */
  public Map<String, Map<String, Object>> tracesViz(String userId, String projectId) {
    projects.requireOwned(userId, projectId);
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    int offset = 0;
    while (offset < VIZ_LIMIT) {
      TracePage page = store.findTraces(TraceQuery.page(projectId, offset, TraceQuery.MAX_LIMIT));
      for (TraceSummary t : page.traces()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start_time", GuardOpsSpanView.isoMicros(t.startEpochNanos()));
        m.put("runtime", t.durationNanos() / 1e9);
        out.put("0x" + t.traceId(), m);
      }
      if (!page.hasMore()) {
        break;
      }
      offset += TraceQuery.MAX_LIMIT;
    }
    return out;
  }

  /** The project's latency thresholds in seconds. */
  public Map<String, Object> thresholds(String userId, String projectId) {
    Project p = projects.requireOwned(userId, projectId);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("latency_warning_thresholds", p.latencyWarningSeconds());
    out.put("latency_critical_thresholds", p.latencyCriticalSeconds());
    return out;
  }

  /** Trace search within one owned project. */
  public TracePage search(String userId, TraceQuery query) {
    projects.requireOwned(userId, query.projectId());
    return store.findTraces(query);
  }

  /** One trace: its summary and its spans in the GuardOps form. */
  public Map<String, Object> detail(String userId, String projectId, String traceId) {
    projects.requireOwned(userId, projectId);
    String id;
    try {
      id = GuardOpsSpanView.parseTraceId(traceId);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    TraceSummary t = store.findTrace(projectId, id)
        .orElseThrow(() -> EngineException.notFound("trace '" + traceId + "' not found in project '" + projectId + "'"));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("trace_id", "0x" + t.traceId());
    summary.put("name", t.rootName());
    summary.put("start_time", GuardOpsSpanView.isoMicros(t.startEpochNanos()));
    summary.put("end_time", GuardOpsSpanView.isoMicros(t.endEpochNanos()));
    summary.put("span_count", t.spanCount());
    summary.put("error_count", t.errorCount());
    summary.put("input_tokens", t.inputTokens());
    summary.put("output_tokens", t.outputTokens());
    summary.put("total_tokens", t.totalTokens());
    summary.put("cost", t.cost());
    summary.put("model", t.model());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("summary", summary);
    out.put("spans", render(projectId, List.of(t)).get(0));
    return out;
  }

  /**
   * Every model call of {@code [from, to)}, read in chunks of {@code chunk} by start time (keyset
   * pagination: a chunk's trailing calls that share its last start time are read again with the
   * next chunk, and an instant with more calls than a chunk is read on its own, so none is lost or
   * counted twice at a boundary).
   *
   * @throws EngineException BAD_REQUEST when the range holds more than {@code max} calls: metrics
   *     are never computed from a silently truncated sample
   */
  List<SpanStat> allSpanStats(String projectId, long from, long to, int chunk, int max) {
    List<SpanStat> all = new ArrayList<>();
    long cursor = from;
    while (cursor < to && all.size() <= max) {
      List<SpanStat> page = store.spanStats(projectId, cursor, to, chunk);
      if (page.size() < chunk) {
        all.addAll(page);
        break;
      }
      long last = page.get(page.size() - 1).startEpochNanos();
      int keep = page.size();
      while (keep > 0 && page.get(keep - 1).startEpochNanos() == last) {
        keep--;
      }
      if (keep == 0) {
        // a whole chunk starting in the same nanosecond: read that instant alone, whole, then move past it
        all.addAll(store.spanStats(projectId, last, last + 1, max + 1));
        cursor = last + 1;
      } else {
        all.addAll(page.subList(0, keep));
        cursor = last;
      }
    }
    if (all.size() > max) {
      throw EngineException.badRequest("the time range holds more than " + max
          + " model calls; ask for a shorter range (from/to)");
    }
    return all;
  }

  /** Metrics per bucket and model over {@code [from, to)}. */
  public List<Map<String, Object>> metrics(String userId, String projectId, Instant from, Instant to, String bucket) {
    projects.requireOwned(userId, projectId);
    if (!to.isAfter(from)) {
      throw EngineException.badRequest("'to' must be after 'from'");
    }
    MetricsCalculator.Granularity g;
    try {
      g = MetricsCalculator.Granularity.valueOf(bucket.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest("bucket must be minute, hour or day");
    }
    List<SpanStat> stats = allSpanStats(projectId, Retention.toEpochNanos(from), Retention.toEpochNanos(to),
        METRICS_CHUNK, METRICS_MAX);
    List<Map<String, Object>> out = new ArrayList<>();
    for (MetricsCalculator.MetricsPoint p : MetricsCalculator.perModel(stats, g)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("bucket_start", p.bucketStart().toString());
      m.put("model", p.model());
      m.put("requests", p.requests());
      m.put("errors", p.errors());
      m.put("error_rate", p.errorRate());
      m.put("latency_p50_ms", p.latencyP50Ms());
      m.put("latency_p95_ms", p.latencyP95Ms());
      m.put("latency_p99_ms", p.latencyP99Ms());
      m.put("input_tokens", p.inputTokens());
      m.put("output_tokens", p.outputTokens());
      m.put("cost", p.cost());
      out.add(m);
    }
    return out;
  }
}
