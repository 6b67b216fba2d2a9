package io.guardops.host.wire;

import io.guardops.api.SpanIds;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a stored {@link Span} as the span document GuardOps clients read (OpenTelemetry Python's
 * {@code ReadableSpan.to_json()} shape, see GUARDOPS_WIRE.md): ids as {@code 0x...}, kind as
 * {@code SpanKind.CLIENT}, times as ISO-8601 UTC with microseconds and {@code Z}. The attributes are
 * the stored ones plus {@code prompt}, {@code output}, {@code model}, {@code prompt_tokens},
 * {@code completion_tokens}, {@code total_tokens} and {@code cost} from the normalised LLM fields
 * when those are known (they replace a stored attribute of the same name in place). Internal: not
 * API. Stateless and thread-safe; the returned maps are fresh, mutable and insertion-ordered.
 */
public final class GuardOpsSpanView {
  private GuardOpsSpanView() {}

  /** The span document; never {@code null}. */
  public static Map<String, Object> render(Span span) {
    Map<String, Object> doc = new LinkedHashMap<>(16);
    doc.put("name", span.name());
    Map<String, Object> ctx = new LinkedHashMap<>(4);
    ctx.put("trace_id", "0x" + span.traceId());
    ctx.put("span_id", "0x" + span.spanId());
    ctx.put("trace_state", "[]");
    doc.put("context", ctx);
    doc.put("kind", kind(span.kind()));
    doc.put("parent_id", span.parentSpanId() == null ? null : "0x" + span.parentSpanId());
    doc.put("start_time", isoMicros(span.startEpochNanos()));
    doc.put("end_time", isoMicros(span.endEpochNanos()));
    Map<String, Object> status = new LinkedHashMap<>(2);
    status.put("status_code", span.status().name());
    if (!span.statusMessage().isEmpty()) {
      status.put("description", span.statusMessage());
    }
    doc.put("status", status);
    doc.put("attributes", attributes(span));
    List<Object> events = new ArrayList<>(span.events().size());
    for (SpanEvent e : span.events()) {
      Map<String, Object> ev = new LinkedHashMap<>(4);
      ev.put("name", e.name());
      ev.put("timestamp", isoMicros(e.epochNanos()));
      ev.put("attributes", new LinkedHashMap<>(e.attributes()));
      events.add(ev);
    }
    doc.put("events", events);
    doc.put("links", new ArrayList<>(0));
    Map<String, Object> resource = new LinkedHashMap<>(2);
    resource.put("attributes", new LinkedHashMap<>(span.resource()));
    resource.put("schema_url", "");
    doc.put("resource", resource);
    return doc;
  }

  private static Map<String, Object> attributes(Span span) {
    Map<String, Object> attrs = new LinkedHashMap<>(span.attributes().size() * 2 + 16);
    attrs.putAll(span.attributes());
    LlmFields llm = span.llm();
    putIfKnown(attrs, "prompt", llm.prompt());
    putIfKnown(attrs, "output", llm.output());
    putIfKnown(attrs, "model", llm.model());
    putIfKnown(attrs, "prompt_tokens", llm.inputTokens());
    putIfKnown(attrs, "completion_tokens", llm.outputTokens());
    putIfKnown(attrs, "total_tokens", llm.effectiveTotalTokens());
    putIfKnown(attrs, "cost", llm.cost());
    return attrs;
  }

  private static void putIfKnown(Map<String, Object> attrs, String key, Object value) {
    if (value != null) {
      attrs.put(key, value);
    }
  }

  /** Python's names; it has no UNSPECIFIED, and its default kind is INTERNAL. */
  static String kind(SpanKind kind) {
    return "SpanKind." + (kind == SpanKind.UNSPECIFIED ? "INTERNAL" : kind.name());
  }

  /** {@code 2023-11-27T14:25:32.873460Z}: UTC, always six fraction digits (truncated), as Python writes. */
  public static String isoMicros(long epochNanos) {
    long secs = Math.floorDiv(epochNanos, 1_000_000_000L);
    long micros = Math.floorMod(epochNanos, 1_000_000_000L) / 1000;
    long days = Math.floorDiv(secs, 86_400L);
    int secOfDay = (int) Math.floorMod(secs, 86_400L);
    java.time.LocalDate date = java.time.LocalDate.ofEpochDay(days);
    StringBuilder sb = new StringBuilder(27);
    int year = date.getYear();
    if (year < 1000) {
      sb.append(year < 100 ? (year < 10 ? "000" : "00") : "0");
    }
    sb.append(year).append('-');
    two(sb, date.getMonthValue()).append('-');
    two(sb, date.getDayOfMonth()).append('T');
    two(sb, secOfDay / 3600).append(':');
    two(sb, secOfDay / 60 % 60).append(':');
    two(sb, secOfDay % 60).append('.');
    String m = Long.toString(micros);
    for (int i = m.length(); i < 6; i++) {
      sb.append('0');
    }
    return sb.append(m).append('Z').toString();
  }

  private static StringBuilder two(StringBuilder sb, int v) {
    if (v < 10) {
      sb.append('0');
    }
    return sb.append(v);
  }

  /**
   * A trace id from a client ({@code 0x...} or plain hex, any case) in stored form.
   *
   * @throws IllegalArgumentException when it is not exactly 32 hex digits or is all zeros
   */
  public static String parseTraceId(String text) {
    return parse(text, SpanIds.TRACE_HEX, "trace id");
  }

  /** As {@link #parseTraceId} for a 16-digit span id. */
  public static String parseSpanId(String text) {
    return parse(text, SpanIds.SPAN_HEX, "span id");
  }

  private static String parse(String text, int length, String what) {
    String id = SpanIds.parseHex(text == null ? null : text.trim(), length);
    if (id == null) {
      throw new IllegalArgumentException(what + " must be " + length + " hex digits (0x optional), not all zeros,"
          + " was '" + (text == null ? "null"
          : text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
    }
    return id;
  }
}
