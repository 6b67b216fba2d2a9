package io.guardops.host.wire;

import io.guardops.api.ApiKey;
import io.guardops.api.CleanupRecord;
import io.guardops.api.Grant;
import io.guardops.api.Project;
import io.guardops.api.ShareCode;
import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.TracePage;
import io.guardops.engine.Access;
import io.guardops.engine.Traces;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GuardOps JSON forms of engine records, rendered here and nowhere else (see
 * {@code GUARDOPS_WIRE.md}). Every method returns fresh, mutable, insertion-ordered maps and lists
 * that the host serialises. Stateless and thread-safe.
 */
public final class GuardOpsViews {
  private GuardOpsViews() {}

  /** A project as {@code get_projects} lists it; {@code traceCount} null leaves out {@code stats}. */
  public static Map<String, Object> project(Project p, Long traceCount, Access.Relation relation) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project_id", p.projectId());
    m.put("name", p.name());
    m.put("description", p.description());
    m.put("tags", p.tags());
    m.put("retention", p.retentionDays());
    m.put("owner", p.ownerId());
    m.put("role", relation == Access.Relation.OWNER ? "owner" : "member");
    m.put("created", p.createdAt().toString());
    m.put("latency_warning_thresholds", p.latencyWarningSeconds());
    m.put("latency_critical_thresholds", p.latencyCriticalSeconds());
    if (traceCount != null) {
      m.put("stats", Map.of("trace_count", traceCount));
    }
    return m;
  }

  /** A key as {@code get_keys} lists it: the hash of its hash and a hint, never the key. */
  public static Map<String, Object> key(ApiKey k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hash", k.hashOfHash());
    m.put("hint", k.hint());
    m.put("created", k.createdAt().toString());
    m.put("lastused", k.lastUsedAt() == null ? null : k.lastUsedAt().toString());
    return m;
  }

  /** One trace as the web app reads it: its span documents, root first. */
  public static List<Map<String, Object>> spanDocuments(List<Span> spans) {
    List<Map<String, Object>> docs = new ArrayList<>(spans.size());
    for (Span s : spans) {
      docs.add(GuardOpsSpanView.render(s));
    }
    return docs;
  }

  /** {@code get_project_traces}: {@code {"traces": [[span, ...], ...]}} plus the keyset cursor. */
  public static Map<String, Object> traceBatch(Traces.TraceBatch batch) {
    List<List<Map<String, Object>>> traces = new ArrayList<>(batch.traces().size());
    for (Traces.TraceDetail t : batch.traces()) {
      traces.add(spanDocuments(t.spans()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("traces", traces);
    out.put("has_more", batch.page().hasMore());
    out.put("next_cursor", batch.page().nextCursor().map(Cursors::encode).orElse(null));
    return out;
  }

  /** A trace summary as {@code search_traces} lists it. */
  public static Map<String, Object> summary(TraceSummary t) {
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
    return m;
  }

  /** {@code search_traces}: summaries, the page number when paged by offset, and the keyset cursor. */
  public static Map<String, Object> searchResult(TracePage page, Integer pageNumber) {
    List<Map<String, Object>> traces = new ArrayList<>(page.traces().size());
    for (TraceSummary t : page.traces()) {
      traces.add(summary(t));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("traces", traces);
    if (pageNumber != null) {
      out.put("page", pageNumber);
    }
    out.put("has_more", page.hasMore());
    out.put("next_cursor", page.nextCursor().map(Cursors::encode).orElse(null));
    return out;
  }

  /** {@code get_trace}: the trace's summary and its span documents. */
  public static Map<String, Object> detail(Traces.TraceDetail d) {
    TraceSummary t = d.summary();
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
    out.put("spans", spanDocuments(d.spans()));
    return out;
  }

  /** {@code get_data_for_traces_viz}: {@code {"0x<trace>": {"start_time": iso, "runtime": seconds}}}. */
  public static Map<String, Object> viz(List<TraceSummary> traces) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (TraceSummary t : traces) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("start_time", GuardOpsSpanView.isoMicros(t.startEpochNanos()));
      m.put("runtime", t.durationNanos() / 1e9);
      out.put("0x" + t.traceId(), m);
    }
    return out;
  }

  /** {@code get_thresholds_for_viz}: the project's latency thresholds in seconds. */
  public static Map<String, Object> thresholds(Project p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("latency_warning_thresholds", p.latencyWarningSeconds());
    out.put("latency_critical_thresholds", p.latencyCriticalSeconds());
    return out;
  }

  /** {@code get_metrics}: one row per bucket and model. */
  public static Map<String, Object> metrics(List<MetricsRow> rows) {
    List<Map<String, Object>> out = new ArrayList<>(rows.size());
    for (MetricsRow r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("bucket_start", Instant.ofEpochSecond(0, r.bucketStartEpochNanos()).toString());
      m.put("model", r.model());
      m.put("requests", r.requests());
      m.put("errors", r.errors());
      m.put("error_rate", r.errorRate());
      m.put("latency_p50_ms", r.latencyP50Nanos() / 1e6);
      m.put("latency_p95_ms", r.latencyP95Nanos() / 1e6);
      m.put("latency_p99_ms", r.latencyP99Nanos() / 1e6);
      m.put("input_tokens", r.inputTokens());
      m.put("output_tokens", r.outputTokens());
      m.put("cost", r.cost());
      out.add(m);
    }
    return Map.of("metrics", out);
  }

  /** A cleanup record, with the original's {@code Execution_time} name. */
  public static Map<String, Object> cleanup(CleanupRecord c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Execution_time", c.executedAt().toString());
    m.put("project_id", c.projectId());
    m.put("cutoff", c.cutoff().toString());
    m.put("deleted_traces", c.deletedTraces());
    m.put("deleted_spans", c.deletedSpans());
    m.put("duration_ms", c.duration().toMillis());
    return m;
  }

  /** A freshly issued share code: the only time the code is shown. */
  public static Map<String, Object> issuedCode(String code, ShareCode record) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("share_code", code);
    m.put("code_id", record.codeId());
    m.put("expires_at", record.expiresAt().toString());
    return m;
  }

  /** {@code get_project_members}: members and share codes (never the codes themselves). */
  public static Map<String, Object> members(List<Grant> grants, List<ShareCode> codes, Instant now) {
    List<Map<String, Object>> members = new ArrayList<>();
    for (Grant g : grants) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("user_id", g.userId());
      m.put("since", g.createdAt().toString());
      m.put("code_id", g.codeId());
      members.add(m);
    }
    List<Map<String, Object>> shareCodes = new ArrayList<>();
    for (ShareCode c : codes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("code_id", c.codeId());
      m.put("hint", c.hint());
      m.put("created", c.createdAt().toString());
      m.put("expires_at", c.expiresAt().toString());
      m.put("status", c.usedBy() != null ? "used" : c.revokedAt() != null ? "revoked"
          : now.isBefore(c.expiresAt()) ? "open" : "expired");
      m.put("used_by", c.usedBy());
      m.put("used_at", c.usedAt() == null ? null : c.usedAt().toString());
      m.put("revoked_at", c.revokedAt() == null ? null : c.revokedAt().toString());
      shareCodes.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("members", members);
    out.put("share_codes", shareCodes);
    return out;
  }
}
