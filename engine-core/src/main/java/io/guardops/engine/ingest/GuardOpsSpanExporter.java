package io.guardops.engine.ingest;

import io.guardops.api.Span;
import io.guardops.api.SpanIds;
import io.guardops.api.SpanRules;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenTelemetry SDK {@link SpanExporter} that feeds spans straight into an embedded GuardOps
 * engine, without HTTP. Internal: not API (the engine exposes it).
 *
 * <p>Each export converts the batch ({@code SpanData} to {@link Span}: ids, parent, kind, status,
 * attributes, events, resource; the scope becomes {@code otel.scope.name}/{@code otel.scope.version})
 * and calls {@link IngestSink#ingest} on the calling thread; the result is success only after the
 * sink returned, i.e. once the spans are durable, and failure if it threw (logged). The project is
 * the resource attribute {@code guardops.project.id} if set, else the default given here. Spans
 * that cannot be stored (invalid ids or times) are dropped and logged at WARN once per batch.
 * Thread-safe: the SDK's processors may call {@link #export} concurrently.
 */
public final class GuardOpsSpanExporter implements SpanExporter {
  private static final Logger LOG = LoggerFactory.getLogger(GuardOpsSpanExporter.class);

  private final IngestSink sink;
  private final String defaultProjectId;
  private final AtomicBoolean shutdown = new AtomicBoolean();

  /**
   * @param sink receives converted batches; never {@code null}
   * @param defaultProjectId the project for spans whose resource does not name one; not blank
   */
  public GuardOpsSpanExporter(IngestSink sink, String defaultProjectId) {
    this.sink = Objects.requireNonNull(sink, "sink");
    if (defaultProjectId == null || defaultProjectId.isBlank()) {
      throw new IllegalArgumentException("defaultProjectId must not be blank");
    }
    this.defaultProjectId = defaultProjectId;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> batch) {
    if (shutdown.get()) {
      return CompletableResultCode.ofFailure();
    }
    List<Span> spans = new ArrayList<>(batch.size());
    // a batch nearly always shares one Resource instance: convert it once
    io.opentelemetry.sdk.resources.Resource lastResource = null;
    Map<String, Object> lastResourceMap = null;
    int dropped = 0;
    String firstProblem = null;
    for (SpanData data : batch) {
      String problem = problem(data);
      if (problem != null) {
        dropped++;
        if (firstProblem == null) {
          firstProblem = SpanRules.describe(data.getName(), data.getSpanId(), problem);
        }
        continue;
      }
      if (data.getResource() != lastResource) {
        lastResource = data.getResource();
        lastResourceMap = attributes(lastResource.getAttributes(), null);
      }
      spans.add(convert(data, lastResourceMap));
    }
    if (dropped > 0) {
      LOG.warn("dropped {} of {} span(s) that cannot be stored; first: {}", dropped, batch.size(), firstProblem);
    }
    if (spans.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    try {
      sink.ingest(List.copyOf(spans));
      return CompletableResultCode.ofSuccess();
    } catch (Exception e) {
      LOG.error("could not store {} span(s) exported in process", spans.size(), e);
      return CompletableResultCode.ofFailure();
    }
  }

  /** Nothing is buffered here: every export completes before it returns. */
  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  /** Further exports fail; the sink belongs to the engine and is not closed here. */
  @Override
  public CompletableResultCode shutdown() {
    shutdown.set(true);
    return CompletableResultCode.ofSuccess();
  }

  private static String problem(SpanData d) {
    String traceId = SpanIds.parseHex(d.getTraceId(), SpanIds.TRACE_HEX);
    String spanId = SpanIds.parseHex(d.getSpanId(), SpanIds.SPAN_HEX);
    boolean exactTrace = traceId != null && d.getTraceId().length() == SpanIds.TRACE_HEX;
    boolean exactSpan = spanId != null && d.getSpanId().length() == SpanIds.SPAN_HEX;
    return SpanRules.problem(exactTrace ? traceId : null, exactSpan ? spanId : null,
        d.getStartEpochNanos(), d.getEndEpochNanos());
  }

  private Span convert(SpanData d, Map<String, Object> resource) {
    Object project = resource.get(SpanRules.PROJECT_ATTRIBUTE);
    String projectId = project instanceof String s && !s.isBlank() ? s : defaultProjectId;
    String parent = d.getParentSpanContext().isValid() ? d.getParentSpanId() : null;
    List<SpanEvent> events = new ArrayList<>(d.getEvents().size());
    for (EventData e : d.getEvents()) {
      events.add(new SpanEvent(e.getName(), Math.max(0, e.getEpochNanos()), attributes(e.getAttributes(), null)));
    }
    return new Span(projectId, d.getTraceId(), d.getSpanId(), parent, d.getName(), kind(d.getKind()),
        d.getStartEpochNanos(), d.getEndEpochNanos(), status(d.getStatus().getStatusCode()),
        d.getStatus().getDescription(), attributes(d.getAttributes(), d.getInstrumentationScopeInfo()),
        events, resource, null);
  }

  private static Map<String, Object> attributes(Attributes attrs, InstrumentationScopeInfo scope) {
    Map<String, Object> out = new LinkedHashMap<>(Math.max(4, attrs.size() * 2 + 4));
    // SDK values are String, Boolean, Long, Double or Lists of those: all model types already
    attrs.forEach((k, v) -> out.put(k.getKey(), v));
    if (scope != null && !scope.getName().isEmpty()) {
      out.putIfAbsent(SpanRules.SCOPE_NAME, scope.getName());
      if (scope.getVersion() != null && !scope.getVersion().isEmpty()) {
        out.putIfAbsent(SpanRules.SCOPE_VERSION, scope.getVersion());
      }
    }
    return out;
  }

  private static SpanKind kind(io.opentelemetry.api.trace.SpanKind k) {
    switch (k) {
      case INTERNAL: return SpanKind.INTERNAL;
      case SERVER: return SpanKind.SERVER;
      case CLIENT: return SpanKind.CLIENT;
      case PRODUCER: return SpanKind.PRODUCER;
      case CONSUMER: return SpanKind.CONSUMER;
      default: return SpanKind.UNSPECIFIED;
    }
  }

  private static StatusCode status(io.opentelemetry.api.trace.StatusCode c) {
    switch (c) {
      case OK: return StatusCode.OK;
      case ERROR: return StatusCode.ERROR;
      default: return StatusCode.UNSET;
    }
  }
}
