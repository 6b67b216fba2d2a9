package io.guardops.host.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guardops.api.SpanIds;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import java.io.IOException;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the body the GuardOps Python library posts to {@code POST /api/store_trace/}:
 * {@code {"span": {...}, "trace": {...}?}} where the span is OpenTelemetry Python's
 * {@code ReadableSpan.to_json()} after the library's post-processing (see GUARDOPS_WIRE.md).
 * Internal: not API.
 *
 * <p>The {@code trace} object carries {@code access_token}, the caller's raw API key: it is never
 * read, kept, logged or returned. Spans named exactly {@code GET} or {@code POST} (which the library
 * itself drops) are decoded but flagged {@link Result#ignored()} so the caller answers success
 * without storing them. Invalid input throws {@link IllegalArgumentException} with a message that
 * names the offending field. Immutable and thread-safe.
 */
public final class GuardOpsLibraryDecoder {
  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(256 * 1024 * 1024).build())
      .build())
      // "{...} trailing garbage" is a broken body, not a span
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * One decoded library span.
   *
   * @param span the span, in {@code projectId}; never {@code null}
   * @param ignored true for a span the library would have dropped ({@code GET}/{@code POST}): accept
   *     the request but do not store it
   * @param announcedTraceId the stored-form id from {@code trace.trace_id}, or {@code null} when the
   *     body had no {@code trace} object
   * @param announcedProjectId {@code trace.project_id}, or {@code null}
   * @param playgroundId {@code trace.playground_id}, or {@code null}
   */
  public record Result(Span span, boolean ignored, String announcedTraceId, String announcedProjectId,
      String playgroundId) {}

  /**
   * Decodes one body into a span of {@code projectId} (the {@code project_id} query parameter the
   * caller has already authorised).
   *
   * @throws IllegalArgumentException naming the field when the body is not a valid library span
   */
  public Result decode(byte[] body, String projectId) {
    if (projectId == null || projectId.isBlank()) {
      throw new IllegalArgumentException("project_id must not be blank");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("body is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object with a 'span' field");
    }
    JsonNode s = root.get("span");
    if (s == null || !s.isObject()) {
      throw new IllegalArgumentException("span must be a JSON object");
    }
    JsonNode ctx = s.get("context");
    if (ctx == null || !ctx.isObject()) {
      throw new IllegalArgumentException("span.context must be a JSON object");
    }
    String traceId = id(ctx.get("trace_id"), SpanIds.TRACE_HEX, "span.context.trace_id");
    String spanId = id(ctx.get("span_id"), SpanIds.SPAN_HEX, "span.context.span_id");
    JsonNode parentNode = s.get("parent_id");
    String parentId = parentNode == null || parentNode.isNull() || parentNode.asText().isEmpty()
        ? null : id(parentNode, SpanIds.SPAN_HEX, "span.parent_id");
    long start = time(s.get("start_time"), "span.start_time");
    long end = time(s.get("end_time"), "span.end_time");
    if (end < start) {
      throw new IllegalArgumentException("span.end_time must not be before span.start_time");
    }
    String name = optText(s.get("name"), "span.name");
    SpanKind kind = SpanKind.parse(optText(s.get("kind"), "span.kind"));
    StatusCode status = StatusCode.UNSET;
    String description = null;
    JsonNode st = s.get("status");
    if (st != null && !st.isNull()) {
      if (!st.isObject()) {
        throw new IllegalArgumentException("span.status must be a JSON object");
      }
      status = StatusCode.parse(optText(st.get("status_code"), "span.status.status_code"));
      description = optText(st.get("description"), "span.status.description");
    }
    Map<String, Object> attributes = map(s.get("attributes"), "span.attributes");
    List<SpanEvent> events = events(s.get("events"));
    Map<String, Object> resource = Map.of();
    JsonNode res = s.get("resource");
    if (res != null && !res.isNull()) {
      if (!res.isObject()) {
        throw new IllegalArgumentException("span.resource must be a JSON object");
      }
      resource = map(res.get("attributes"), "span.resource.attributes");
    }
    Span span;
    try {
      span = new Span(projectId, traceId, spanId, parentId, name, kind, start, end, status, description,
          attributes, events, resource, null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("span is invalid: " + e.getMessage(), e);
    }

    String announcedTrace = null;
    String announcedProject = null;
    String playground = null;
    JsonNode trace = root.get("trace");
    if (trace != null && !trace.isNull()) {
      if (!trace.isObject()) {
        throw new IllegalArgumentException("trace must be a JSON object");
      }
      // only these three fields are read: trace.access_token is the raw API key and is never touched
      JsonNode tid = trace.get("trace_id");
      if (tid != null && !tid.isNull()) {
        announcedTrace = id(tid, SpanIds.TRACE_HEX, "trace.trace_id");
        if (!announcedTrace.equals(traceId)) {
          throw new IllegalArgumentException("trace.trace_id does not match span.context.trace_id");
        }
      }
      announcedProject = optText(trace.get("project_id"), "trace.project_id");
      playground = optText(trace.get("playground_id"), "trace.playground_id");
    }
    boolean ignored = "GET".equals(name) || "POST".equals(name);
    return new Result(span, ignored, announcedTrace, announcedProject, playground);
  }

  private static String id(JsonNode node, int hexLength, String field) {
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(field + " is required");
    }
    String parsed;
    if (node.isIntegralNumber()) {
      // Python's int ids, if a client ever sends them unformatted
      BigInteger v = node.bigIntegerValue();
      String hex = v.toString(16);
      parsed = v.signum() <= 0 || hex.length() > hexLength ? null
          : SpanIds.parseHex("0".repeat(hexLength - hex.length()) + hex, hexLength);
    } else if (node.isTextual()) {
      parsed = SpanIds.parseHex(node.textValue().trim(), hexLength);
    } else {
      parsed = null;
    }
    if (parsed == null) {
      throw new IllegalArgumentException(field + " must be 0x followed by " + hexLength
          + " hex digits, not all zeros, was '" + abbreviate(node.toString()) + "'");
    }
    return parsed;
  }

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  /** ISO-8601 with optional fraction, {@code Z} or an offset; no zone means UTC (Python's naive form). */
  static long parseIsoNanos(String text) {
    String t = text.trim();
    Instant instant;
    if (t.endsWith("Z") || t.endsWith("z")) {
      instant = Instant.parse(t.substring(0, t.length() - 1) + "Z");
    } else if (hasOffset(t)) {
      instant = OffsetDateTime.parse(t).toInstant();
    } else {
      instant = LocalDateTime.parse(t, LOCAL).toInstant(ZoneOffset.UTC);
    }
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  private static boolean hasOffset(String t) {
    int tpos = t.indexOf('T');
    if (tpos < 0) {
      return false;
    }
    return t.indexOf('+', tpos) > 0 || t.indexOf('-', tpos) > 0;
  }

  private static long time(JsonNode node, String field) {
    if (node == null || node.isNull() || !node.isTextual()) {
      throw new IllegalArgumentException(field + " is required as an ISO-8601 timestamp such as 2023-11-27T14:25:32.873460Z");
    }
    long nanos;
    try {
      nanos = parseIsoNanos(node.textValue());
    } catch (DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException(field + " is not an ISO-8601 timestamp such as 2023-11-27T14:25:32.873460Z, was '"
          + abbreviate(node.textValue()) + "'");
    }
    if (nanos <= 0 || nanos > Span.MAX_EPOCH_NANOS) {
      throw new IllegalArgumentException(field + " is out of range: " + node.textValue());
    }
    return nanos;
  }

  private static List<SpanEvent> events(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("span.events must be a JSON array");
    }
    List<SpanEvent> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode e = node.get(i);
      String field = "span.events[" + i + "]";
      if (!e.isObject()) {
        throw new IllegalArgumentException(field + " must be a JSON object");
      }
      long ts = time(e.get("timestamp"), field + ".timestamp");
      out.add(new SpanEvent(optText(e.get("name"), field + ".name"), ts, map(e.get("attributes"), field + ".attributes")));
    }
    return out;
  }

  private static String optText(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isContainerNode()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return node.asText();
  }

  private static Map<String, Object> map(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(field + " must be a JSON object");
    }
    Map<String, Object> out = new LinkedHashMap<>(Math.max(4, node.size() * 2));
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      Object v = value(e.getValue());
      if (v != null) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  private static Object value(JsonNode n) {
    switch (n.getNodeType()) {
      case STRING: return n.textValue();
      case BOOLEAN: return n.booleanValue();
      case NUMBER:
        if (n.isIntegralNumber()) {
          return n.canConvertToLong() ? (Object) n.longValue() : (Object) n.doubleValue();
        }
        return n.doubleValue();
      case ARRAY: {
        List<Object> l = new ArrayList<>(n.size());
        for (JsonNode item : n) {
          l.add(value(item));
        }
        return Collections.unmodifiableList(l);
      }
      case OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          Object v = value(e.getValue());
          if (v != null) {
            m.put(e.getKey(), v);
          }
        }
        return Collections.unmodifiableMap(m);
      }
      default: return null;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
