package io.guardops.engine;

import io.guardops.api.Project;
import io.guardops.api.SpanIds;
import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import io.guardops.api.auth.Caller;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.Store;
import io.guardops.api.store.TracePage;
import io.guardops.api.store.TraceQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Reading traces of a project the caller may see (owner or member): pages from trace summaries
 * (never a scan of spans), the spans of one page in one query, metrics pushed down to the store.
 * Returns records; the host renders them in each client's form. Thread-safe. Obtain from
 * {@link Engine#traces()}.
 */
@Singleton
public final class Traces {
  /** Most traces the viz endpoint returns (newest first). */
  public static final int VIZ_LIMIT = 10_000;

  private final Store store;
  private final Access access;

  /** One trace: its summary and its spans, root first, then by start. */
  public record TraceDetail(TraceSummary summary, List<Span> spans) {}

  /** A page of traces with their spans, and whether another page follows. */
  public record TraceBatch(List<TraceDetail> traces, TracePage page) {}

  @Inject
  Traces(Store store, Access access) {
    this.store = store;
    this.access = access;
  }

  /**
   * A page of traces (summaries) with all their spans: the GuardOps web app's trace list.
   *
   * @throws EngineException NOT_FOUND for a project the caller cannot see
   */
  public TraceBatch withSpans(Caller caller, TraceQuery query) {
    access.readable(caller, query.projectId());
    TracePage page = store.spans().findTraces(query);
    return new TraceBatch(details(query.projectId(), page.traces()), page);
  }

  /** A page of trace summaries matching the query. */
  public TracePage search(Caller caller, TraceQuery query) {
    access.readable(caller, query.projectId());
    return store.spans().findTraces(query);
  }

  /** The newest {@link #VIZ_LIMIT} trace summaries of a project (the latency chart's points). */
  public List<TraceSummary> recent(Caller caller, String projectId) {
    access.readable(caller, projectId);
    List<TraceSummary> out = new ArrayList<>();
    TraceQuery q = TraceQuery.builder(projectId).limit(TraceQuery.MAX_LIMIT).build();
    while (out.size() < VIZ_LIMIT) {
      TracePage page = store.spans().findTraces(q);
      out.addAll(page.traces());
      if (page.nextCursor().isEmpty()) {
        break;
      }
      q = q.toBuilder().after(page.nextCursor().get()).build();
    }
    return out.size() > VIZ_LIMIT ? out.subList(0, VIZ_LIMIT) : out;
  }

  /** The project (for its latency thresholds). */
  public Project project(Caller caller, String projectId) {
    return access.readable(caller, projectId).project();
  }

  /**
   * One trace with its spans.
   *
   * @param traceId as a client sends it ({@code 0x...} or plain hex)
   * @throws EngineException BAD_REQUEST for a malformed id, NOT_FOUND for an unknown trace
   */
  public TraceDetail detail(Caller caller, String projectId, String traceId) {
    access.readable(caller, projectId);
    String id = SpanIds.parseHex(traceId == null ? null : traceId.trim(), SpanIds.TRACE_HEX);
    if (id == null) {
      throw EngineException.badRequest("trace_id must be 32 hex digits (0x optional), not all zeros");
    }
    TraceSummary t = store.spans().findTrace(projectId, id)
        .orElseThrow(() -> EngineException.notFound("trace '" + traceId + "' not found in project '" + projectId + "'"));
    return details(projectId, List.of(t)).get(0);
  }

  /**
   * Metrics per bucket and model over {@code [from, to)}, aggregated by the store.
   *
   * @throws EngineException BAD_REQUEST for an invalid range or one too large to aggregate
   */
  public List<MetricsRow> metrics(Caller caller, String projectId, long fromEpochNanos, long toEpochNanos,
      MetricsQuery.Bucket bucket) {
    access.readable(caller, projectId);
    MetricsQuery q;
    try {
      q = new MetricsQuery(projectId, fromEpochNanos, toEpochNanos, bucket);
      return store.spans().aggregate(q);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
  }

  private List<TraceDetail> details(String projectId, List<TraceSummary> traces) {
    if (traces.isEmpty()) {
      return List.of();
    }
    Map<String, List<Span>> byTrace = new LinkedHashMap<>();
    for (TraceSummary t : traces) {
      byTrace.put(t.traceId(), new ArrayList<>());
    }
    for (Span s : store.spans().findSpans(projectId, byTrace.keySet())) {
      List<Span> l = byTrace.get(s.traceId());
      if (l != null) {
        l.add(s);
      }
    }
    List<TraceDetail> out = new ArrayList<>(traces.size());
    for (TraceSummary t : traces) {
      List<Span> spans = byTrace.get(t.traceId());
      spans.sort(Comparator.comparing((Span s) -> !s.isRoot()).thenComparingLong(Span::startEpochNanos));
      out.add(new TraceDetail(t, List.copyOf(spans)));
    }
    return out;
  }
}
