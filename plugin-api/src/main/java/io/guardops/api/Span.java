package io.guardops.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One span as stored. Ids are lowercase hex without {@code 0x} (32 chars for traces, 16 for
 * spans); views render the form each client expects. {@code parentSpanId} is {@code null} for a
 * root span. Times are nanoseconds since the epoch; {@code end >= start}.
 */
public record Span(
    String projectId,
    String traceId,
    String spanId,
    String parentSpanId,
    String name,
    SpanKind kind,
    long startEpochNanos,
    long endEpochNanos,
    StatusCode status,
    String statusMessage,
    Map<String, Object> attributes,
    List<SpanEvent> events,
    Map<String, Object> resource,
    LlmFields llm) {

  /** Latest accepted timestamp: year 2262 is where signed nanos overflow; we stop at 2200. */
  public static final long MAX_EPOCH_NANOS = 7_258_118_400_000_000_000L;

  public Span {
    Checks.notBlank(projectId, "projectId");
    Checks.hexId(traceId, 32, "traceId");
    Checks.hexId(spanId, 16, "spanId");
    if (parentSpanId != null) {
      if (parentSpanId.isEmpty()) {
        parentSpanId = null;
      } else {
        Checks.hexId(parentSpanId, 16, "parentSpanId");
      }
    }
    name = name == null ? "" : name;
    kind = kind == null ? SpanKind.UNSPECIFIED : kind;
    if (startEpochNanos <= 0 || startEpochNanos > MAX_EPOCH_NANOS) {
      throw new IllegalArgumentException("span start time is out of range: " + startEpochNanos + " ns");
    }
    if (endEpochNanos < startEpochNanos || endEpochNanos > MAX_EPOCH_NANOS) {
      throw new IllegalArgumentException("span end time must be at or after its start and in range");
    }
    status = status == null ? StatusCode.UNSET : status;
    statusMessage = statusMessage == null ? "" : statusMessage;
    attributes = Attributes.copyOf(attributes);
    events = List.copyOf(events == null ? List.of() : events);
    resource = Attributes.copyOf(resource);
    llm = llm == null ? LlmFields.EMPTY : llm;
  }

  /** Duration in nanoseconds. */
  public long durationNanos() {
    return endEpochNanos - startEpochNanos;
  }

  /** Whether this is a root span. */
  public boolean isRoot() {
    return parentSpanId == null;
  }

  /** This span with other LLM fields. */
  public Span withLlm(LlmFields newLlm) {
    return new Span(projectId, traceId, spanId, parentSpanId, name, kind, startEpochNanos, endEpochNanos,
        status, statusMessage, attributes, events, resource, Objects.requireNonNull(newLlm));
  }

  /** This span moved to another project (ingest decides the project after decoding). */
  public Span withProjectId(String newProjectId) {
    return new Span(newProjectId, traceId, spanId, parentSpanId, name, kind, startEpochNanos, endEpochNanos,
        status, statusMessage, attributes, events, resource, llm);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private String projectId;
    private String traceId;
    private String spanId;
    private String parentSpanId;
    private String name;
    private SpanKind kind;
    private long start;
    private long end;
    private StatusCode status;
    private String statusMessage;
    private Map<String, Object> attributes;
    private List<SpanEvent> events;
    private Map<String, Object> resource;
    private LlmFields llm;

    private Builder() {}

    public Builder projectId(String v) { projectId = v; return this; }
    public Builder traceId(String v) { traceId = v; return this; }
    public Builder spanId(String v) { spanId = v; return this; }
    public Builder parentSpanId(String v) { parentSpanId = v; return this; }
    public Builder name(String v) { name = v; return this; }
    public Builder kind(SpanKind v) { kind = v; return this; }
    public Builder startEpochNanos(long v) { start = v; return this; }
    public Builder endEpochNanos(long v) { end = v; return this; }
    public Builder status(StatusCode v) { status = v; return this; }
    public Builder statusMessage(String v) { statusMessage = v; return this; }
    public Builder attributes(Map<String, ?> v) { attributes = Attributes.copyOf(v); return this; }
    public Builder events(List<SpanEvent> v) { events = v; return this; }
    public Builder resource(Map<String, ?> v) { resource = Attributes.copyOf(v); return this; }
    public Builder llm(LlmFields v) { llm = v; return this; }

    public Span build() {
      return new Span(projectId, traceId, spanId, parentSpanId, name, kind, start, end, status,
          statusMessage, attributes, events, resource, llm);
    }
  }
}
