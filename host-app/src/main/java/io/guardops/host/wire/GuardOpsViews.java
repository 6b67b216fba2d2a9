package io.guardops.host.wire;

import io.guardops.api.ApiKey;
import io.guardops.api.CleanupRecord;
import io.guardops.api.Grant;
import io.guardops.api.Project;
import io.guardops.api.ShareCode;
import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import io.guardops.api.Attributes;
import io.guardops.api.LlmFields;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.DatasetVersion;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.EvaluationEntry;
import io.guardops.api.eval.EvaluatorInfo;
import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.eval.OnlineRule;
import io.guardops.api.eval.TraceScore;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.ScoreStore;
import io.guardops.api.store.TracePage;
import io.guardops.engine.Access;
import io.guardops.engine.Datasets;
import io.guardops.engine.Evaluations;
import io.guardops.engine.ExperimentDefinition;
import io.guardops.engine.Experiments;
import io.guardops.engine.Traces;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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

  /**
   * {@code get_metrics}: one row per bucket and model, and per bucket and score name the count and
   * mean of the scores of traces that started in it.
   */
  public static Map<String, Object> metrics(List<MetricsRow> rows, List<ScoreStore.ScoreAggregate> scores) {
    Map<String, Object> out = new LinkedHashMap<>(metrics(rows));
    List<Map<String, Object>> s = new ArrayList<>(scores.size());
    for (ScoreStore.ScoreAggregate a : scores) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("bucket_start", Instant.ofEpochSecond(0, a.bucketStartEpochNanos()).toString());
      m.put("name", a.name());
      m.put("count", a.count());
      m.put("mean", a.mean());
      s.add(m);
    }
    out.put("scores", s);
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

  // ---------------------------------------------------------------- datasets

  /** A dataset as {@code get_datasets} lists it. */
  public static Map<String, Object> dataset(Dataset d, Access.Relation relation) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset_id", d.datasetId());
    m.put("name", d.name());
    m.put("description", d.description());
    m.put("owner", d.ownerId());
    m.put("role", relation == Access.Relation.OWNER ? "owner" : "member");
    m.put("shared", relation == Access.Relation.MEMBER);
    m.put("version", d.version());
    m.put("item_count", d.itemCount());
    m.put("created", d.createdAt().toString());
    m.put("updated", d.updatedAt().toString());
    return m;
  }

  /** A dataset as {@code get_datasets_for_eval} lists it. */
  public static Map<String, Object> datasetForEval(Datasets.DatasetView v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset_id", v.dataset().datasetId());
    m.put("name", v.dataset().name());
    m.put("description", v.dataset().description());
    m.put("shared", v.shared());
    return m;
  }

  /** One item. */
  public static Map<String, Object> item(DatasetItem i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("item_id", i.itemId());
    m.put("input", i.input());
    m.put("output", i.output());
    m.put("expected", i.expected());
    m.put("context", i.context());
    m.put("metadata", new LinkedHashMap<>(i.metadata()));
    m.put("source_trace_id", i.sourceTraceId() == null ? null : "0x" + i.sourceTraceId());
    m.put("source_span_id", i.sourceSpanId() == null ? null : "0x" + i.sourceSpanId());
    return m;
  }

  /** {@code get_dataset_items}: a page of items and the cursor of the next. */
  public static Map<String, Object> itemPage(Datasets.ItemPage page) {
    List<Map<String, Object>> items = new ArrayList<>(page.items().size());
    page.items().forEach(i -> items.add(item(i)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dataset_id", page.dataset().datasetId());
    out.put("version", page.version());
    out.put("items", items);
    out.put("next_cursor", page.nextAfter() == null ? null : Cursors.encodeAfter(page.nextAfter()));
    return out;
  }

  /** One published version. */
  public static Map<String, Object> version(DatasetVersion v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", v.version());
    m.put("published", v.publishedAt().toString());
    m.put("item_count", v.itemCount());
    m.put("note", v.note());
    return m;
  }

  /**
   * {@code get_dataset_traces}: each item as a one-span trace in the library's span form, from its
   * snapshot (the source trace may be long gone): prompt and output, model, tokens, cost and timing
   * from the item, the expected answer and context as attributes. Items that never were traces get
   * stable ids derived from the dataset and item ids.
   */
  public static Map<String, Object> datasetTraces(Datasets.ItemPage page) {
    List<List<Map<String, Object>>> traces = new ArrayList<>(page.items().size());
    for (DatasetItem i : page.items()) {
      traces.add(List.of(GuardOpsSpanView.render(itemSpan(page.dataset(), i))));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("traces", traces);
    out.put("has_more", page.nextAfter() != null);
    return out;
  }

  static io.guardops.api.Span itemSpan(Dataset d, DatasetItem i) {
    Map<String, Object> meta = i.metadata();
    byte[] h = sha256(d.datasetId() + "\u0000" + i.itemId());
    String traceId = i.sourceTraceId() != null ? i.sourceTraceId() : hex(h, 0, 16);
    String spanId = i.sourceSpanId() != null ? i.sourceSpanId() : hex(h, 16, 8);
    long start = nanos(d.createdAt());
    Object st = meta.get("start_time");
    if (st instanceof String text) {
      try {
        start = nanos(Instant.parse(text));
      } catch (DateTimeParseException | ArithmeticException e) {
        // the dataset's creation time stands in
      }
    }
    Double ms = Attributes.asDouble(meta.get("duration_ms"));
    long end = start + (ms == null || ms < 0 || ms > 1e12 ? 0 : (long) (ms * 1e6));
    Double cost = Attributes.asDouble(meta.get("cost"));
    Long in = Attributes.asLong(meta.get("input_tokens"));
    Long out = Attributes.asLong(meta.get("output_tokens"));
    LlmFields llm = LlmFields.builder().prompt(i.input()).output(i.output())
        .requestModel(meta.get("model") == null ? null : meta.get("model").toString())
        .inputTokens(in != null && in >= 0 ? in : null).outputTokens(out != null && out >= 0 ? out : null)
        .cost(cost != null && cost >= 0 && Double.isFinite(cost) ? cost : null).build();
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("dataset_id", d.datasetId());
    attrs.put("item_id", i.itemId());
    if (i.expected() != null) {
      attrs.put("expected", i.expected());
    }
    if (!i.context().isEmpty()) {
      attrs.put("context", i.context());
    }
    Object name = meta.get("span_name") != null ? meta.get("span_name") : meta.get("trace_name");
    Object project = meta.get("project_id");
    Long errors = Attributes.asLong(meta.get("error_count"));
    return io.guardops.api.Span.builder().projectId(project == null ? d.datasetId() : project.toString())
        .traceId(traceId).spanId(spanId).name(name == null ? "dataset item" : name.toString()).kind(SpanKind.CLIENT)
        .startEpochNanos(start).endEpochNanos(end)
        .status(errors != null && errors > 0 ? StatusCode.ERROR : StatusCode.UNSET).attributes(attrs).llm(llm).build();
  }

  private static long nanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b, int from, int n) {
    StringBuilder sb = new StringBuilder(n * 2);
    for (int k = from; k < from + n; k++) {
      sb.append(Character.forDigit((b[k] >> 4) & 0xf, 16)).append(Character.forDigit(b[k] & 0xf, 16));
    }
    // an all-zero id is invalid; a SHA-256 prefix of zeros is as good as impossible, but be exact
    return sb.toString().matches("0+") ? sb.substring(0, sb.length() - 1) + "1" : sb.toString();
  }

  // ---------------------------------------------------------------- evaluations (wire contract)

  /**
   * {@code get_evaluation_list}: each evaluation with its frameworks and results; a result's
   * {@code eval_data} is written exactly as it was exported.
   */
  public static Map<String, Object> evaluationList(List<Evaluations.EvaluationView> views) {
    List<Map<String, Object>> list = new ArrayList<>(views.size());
    for (Evaluations.EvaluationView v : views) {
      Set<String> frameworks = new LinkedHashSet<>();
      List<Map<String, Object>> entries = new ArrayList<>();
      for (EvaluationEntry e : v.entries()) {
        if (!e.framework().isBlank()) {
          frameworks.add(e.framework());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eval_id", e.evalId());
        m.put("name", e.name());
        m.put("framework", e.framework());
        m.put("date", e.date().toString());
        m.put("data", Map.of("eval_data", new com.fasterxml.jackson.databind.util.RawValue(e.evalData())));
        entries.add(m);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("evaluation_id", v.evaluation().evaluationId());
      m.put("name", v.evaluation().title());
      m.put("description", v.evaluation().description());
      m.put("frameworks", new ArrayList<>(frameworks));
      m.put("date", v.evaluation().date().toString());
      m.put("evaluations", entries);
      list.add(m);
    }
    return Map.of("evaluation_list", list);
  }

  /** {@code get_data_for_eval_viz}: {@code {"<series>": {"<eval_id>": {"Date": iso, "Value": number}}}}. */
  public static Map<String, Object> evalViz(List<Evaluations.VizPoint> points) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Evaluations.VizPoint p : points) {
      @SuppressWarnings("unchecked")
      Map<String, Object> series = (Map<String, Object>) out.computeIfAbsent(p.series(), k -> new LinkedHashMap<>());
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("Date", p.date().toString());
      point.put("Value", p.value());
      series.put(p.key(), point);
    }
    return out;
  }

  // ---------------------------------------------------------------- evaluators and scores

  /** An evaluator as {@code get_evaluators} lists it. */
  public static Map<String, Object> evaluator(EvaluatorInfo info) {
    List<String> needs = new ArrayList<>();
    if (info.needsExpected()) {
      needs.add("expected");
    }
    if (info.needsContext()) {
      needs.add("context");
    }
    if (info.usesModel()) {
      needs.add("model");
    }
    List<Map<String, Object>> params = new ArrayList<>();
    for (EvaluatorInfo.Parameter p : info.parameters()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("description", p.description());
      m.put("required", p.required());
      m.put("default", p.defaultValue());
      params.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", info.name());
    m.put("description", info.description());
    m.put("needs", needs);
    m.put("parameters", params);
    return m;
  }

  /** One evaluator's verdict. */
  public static Map<String, Object> score(EvalScore s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.metric());
    m.put("value", s.value());
    m.put("label", s.label());
    m.put("explanation", s.explanation());
    if (s.usage() != null) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("model", s.usage().model());
      u.put("input_tokens", s.usage().inputTokens());
      u.put("output_tokens", s.usage().outputTokens());
      u.put("cost", s.usage().cost());
      m.put("usage", u);
    } else {
      m.put("usage", null);
    }
    m.put("details", new LinkedHashMap<>(s.details()));
    return m;
  }

  /** A score attached to a trace. */
  public static Map<String, Object> traceScore(TraceScore s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("score_id", s.scoreId());
    m.put("project_id", s.projectId());
    m.put("trace_id", "0x" + s.traceId());
    m.put("span_id", s.spanId() == null ? null : "0x" + s.spanId());
    m.put("name", s.name());
    m.put("value", s.value());
    m.put("label", s.label());
    m.put("comment", s.comment());
    m.put("source", s.source());
    m.put("author", s.author());
    m.put("created", s.createdAt().toString());
    return m;
  }

  /** Scores of a trace. */
  public static List<Map<String, Object>> traceScores(List<TraceScore> scores) {
    List<Map<String, Object>> out = new ArrayList<>(scores.size());
    scores.forEach(s -> out.add(traceScore(s)));
    return out;
  }

  /** An online evaluation rule. */
  public static Map<String, Object> rule(OnlineRule r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule_id", r.ruleId());
    m.put("project_id", r.projectId());
    m.put("evaluator", r.evaluator());
    m.put("params", new LinkedHashMap<>(r.parameters()));
    m.put("sample_rate", r.sampleRate());
    m.put("enabled", r.enabled());
    m.put("created_by", r.createdBy());
    m.put("created", r.createdAt().toString());
    return m;
  }

  // ---------------------------------------------------------------- experiments

  /** An experiment: status, progress, cost, its definition and (when given) the per-evaluator summary. */
  public static Map<String, Object> experiment(Experiment e, ExperimentDefinition def, Experiments.Summary summary) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("experiment_id", e.experimentId());
    m.put("name", e.name());
    m.put("dataset_id", e.datasetId());
    m.put("dataset_version", e.datasetVersion());
    m.put("project_id", e.projectId());
    m.put("owner", e.ownerId());
    m.put("status", e.status().name().toLowerCase(Locale.ROOT));
    Map<String, Object> progress = new LinkedHashMap<>();
    progress.put("total", e.total());
    progress.put("done", e.done());
    progress.put("failed", e.failed());
    m.put("progress", progress);
    m.put("cost", e.cost());
    m.put("created", e.createdAt().toString());
    m.put("started", e.startedAt() == null ? null : e.startedAt().toString());
    m.put("finished", e.finishedAt() == null ? null : e.finishedAt().toString());
    m.put("error", e.error());
    if (def != null) {
      Map<String, Object> task = new LinkedHashMap<>();
      task.put("type", def.task().type());
      if (def.task().usesModel()) {
        task.put("prompt", def.task().prompt());
        task.put("system", def.task().system());
        task.put("model", def.task().model());
        task.put("temperature", def.task().temperature());
        task.put("max_tokens", def.task().maxTokens());
        task.put("top_p", def.task().topP());
      }
      m.put("task", task);
      List<Map<String, Object>> evs = new ArrayList<>();
      for (ExperimentDefinition.EvaluatorRun r : def.evaluators()) {
        Map<String, Object> em = new LinkedHashMap<>();
        em.put("name", r.name());
        em.put("params", new LinkedHashMap<>(r.params()));
        em.put("threshold", r.threshold());
        evs.add(em);
      }
      m.put("evaluators", evs);
      m.put("concurrency", def.concurrency());
    }
    if (summary != null) {
      List<Map<String, Object>> evs = new ArrayList<>();
      for (Experiments.EvaluatorSummary s : summary.evaluators()) {
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("name", s.name());
        sm.put("scored", s.scored());
        sm.put("mean", s.mean());
        sm.put("threshold", s.threshold());
        sm.put("passed", s.threshold() == null ? null : s.passed());
        sm.put("met", s.met());
        evs.add(sm);
      }
      Map<String, Object> sum = new LinkedHashMap<>();
      sum.put("evaluators", evs);
      sum.put("thresholds_met", summary.thresholdsMet());
      m.put("summary", sum);
    }
    return m;
  }

  /** One item's result. */
  public static Map<String, Object> result(ExperimentResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("item_id", r.itemId());
    m.put("output", r.output());
    m.put("latency_ms", r.latencyNanos() == null ? null : r.latencyNanos() / 1e6);
    m.put("input_tokens", r.inputTokens());
    m.put("output_tokens", r.outputTokens());
    m.put("cost", r.cost());
    m.put("trace_id", r.traceId() == null ? null : "0x" + r.traceId());
    List<Map<String, Object>> scores = new ArrayList<>();
    r.scores().forEach(s -> scores.add(score(s)));
    m.put("scores", scores);
    m.put("error", r.error());
    return m;
  }

  /** {@code get_experiment_results}: a page of results and the cursor of the next. */
  public static Map<String, Object> results(Experiments.ResultPage page) {
    List<Map<String, Object>> rs = new ArrayList<>(page.results().size());
    page.results().forEach(r -> rs.add(result(r)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("experiment_id", page.experiment().experimentId());
    out.put("status", page.experiment().status().name().toLowerCase(Locale.ROOT));
    out.put("results", rs);
    out.put("next_cursor", page.nextAfter() == null ? null : Cursors.encodeAfter(page.nextAfter()));
    return out;
  }

  /** {@code compare_experiments}: means and deltas per evaluator, then items, regressions first. */
  public static Map<String, Object> comparison(Experiments.Comparison c) {
    List<Map<String, Object>> metrics = new ArrayList<>();
    for (Experiments.MetricDelta d : c.metrics()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", d.name());
      m.put("compared", d.compared());
      m.put("mean_a", d.meanA());
      m.put("mean_b", d.meanB());
      m.put("delta", d.delta());
      m.put("improved", d.improved());
      m.put("regressed", d.regressed());
      m.put("unchanged", d.unchanged());
      metrics.add(m);
    }
    List<Map<String, Object>> items = new ArrayList<>();
    for (Experiments.ItemDelta d : c.items()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("item_id", d.itemId());
      m.put("worst_delta", Double.isInfinite(d.worst()) ? null : d.worst());
      m.put("lost_in_b", Double.isInfinite(d.worst()) && d.worst() < 0);
      List<Map<String, Object>> scores = new ArrayList<>();
      for (Experiments.ScoreDelta sd : d.scores()) {
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("name", sd.name());
        sm.put("a", sd.a());
        sm.put("b", sd.b());
        sm.put("delta", sd.delta());
        scores.add(sm);
      }
      m.put("scores", scores);
      m.put("output_a", d.outputA());
      m.put("output_b", d.outputB());
      m.put("error_a", d.errorA());
      m.put("error_b", d.errorB());
      items.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("experiment_a", experiment(c.a(), null, null));
    out.put("experiment_b", experiment(c.b(), null, null));
    out.put("matched", c.matched());
    out.put("only_a", c.onlyA());
    out.put("only_b", c.onlyB());
    out.put("metrics", metrics);
    out.put("items", items);
    return out;
  }
}
