package io.guardops.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.guardops.api.Span;
import io.guardops.api.SpanIds;
import io.guardops.api.SpanRules;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes an OTLP/HTTP JSON body into {@link Span}s with Jackson's streaming parser (no tree, no
 * data binding: this is the ingest hot path).
 *
 * <p>Follows the OTLP/JSON rules, which differ from proto3's JSON mapping: trace and span ids are
 * hex (base64 of the right length is tolerated for misconfigured clients), enums may be numbers or
 * names, 64-bit integers may be strings or numbers. Field names are accepted in lowerCamelCase and
 * snake_case; unknown fields are skipped. {@code AnyValue}s become {@code String}, {@code Long},
 * {@code Double}, {@code Boolean}, {@code List} or {@code Map}; {@code bytesValue} stays base64
 * text. The per-span rejection rules are those of {@link OtlpProtobufDecoder}. Immutable and
 * thread-safe.
 */
public final class OtlpJsonDecoder {
  /** Bodies are capped by the HTTP layer; a single attribute may legitimately be large (a prompt). */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxStringLength(256 * 1024 * 1024)
          .maxNestingDepth(256)
          .build())
      .build();

  private final ProjectResolver projects;

  /** @param projects chooses the project per resource; never {@code null} */
  public OtlpJsonDecoder(ProjectResolver projects) {
    this.projects = Objects.requireNonNull(projects, "projects");
  }

  /**
   * Decodes one request body.
   *
   * @param body uncompressed UTF-8 JSON; never {@code null}
   * @return accepted spans and the rejection count; never {@code null}
   * @throws MalformedPayloadException when the body is not JSON or not shaped like an
   *     {@code ExportTraceServiceRequest}
   */
  public DecodedSpans decode(byte[] body) {
    try (JsonParser p = FACTORY.createParser(body)) {
      Run run = new Run();
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        throw new MalformedPayloadException("OTLP/JSON body must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        if (f.equals("resourceSpans") || f.equals("resource_spans")) {
          expectArray(p, f);
          while (p.nextToken() != JsonToken.END_ARRAY) {
            resourceSpans(p, run);
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new MalformedPayloadException("unexpected content after the OTLP/JSON object");
      }
      return new DecodedSpans(run.accepted, run.rejected, run.firstError);
    } catch (JsonProcessingException e) {
      throw new MalformedPayloadException("body is not valid OTLP/JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      // reading a byte[] cannot fail with real I/O; anything here is a parse problem
      throw new MalformedPayloadException("body is not valid OTLP/JSON: " + e.getMessage(), e);
    }
  }

  /** Mutable state of one decode call. */
  private static final class Run {
    final List<Span> accepted = new ArrayList<>();
    int rejected;
    String firstError;

    void reject(String message) {
      rejected++;
      if (firstError == null) {
        firstError = message;
      }
    }
  }

  /** A span's raw fields, collected before validation because JSON field order is free. */
  private static final class RawSpan {
    String traceId;
    String spanId;
    String parentSpanId;
    String rawTraceId;
    String rawSpanId;
    String rawParent;
    String name = "";
    SpanKind kind = SpanKind.UNSPECIFIED;
    long start;
    long end;
    boolean badTime;
    StatusCode status = StatusCode.UNSET;
    String statusMessage = "";
    Map<String, Object> attributes;
    List<SpanEvent> events = List.of();
    String eventProblem;
  }

  private static final class Scope {
    String name = "";
    String version = "";
  }

  private void resourceSpans(JsonParser p, Run run) throws IOException {
    expectObject(p, "resourceSpans[]");
    Map<String, Object> resource = Map.of();
    // spans may come before the resource in a free-order object; keep them raw until the end
    List<RawSpan> raws = new ArrayList<>();
    List<Scope> scopes = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      switch (f) {
        case "resource":
          resource = Collections.unmodifiableMap(resource(p));
          break;
        case "scopeSpans": case "scope_spans":
        case "instrumentationLibrarySpans": case "instrumentation_library_spans":
          expectArray(p, f);
          while (p.nextToken() != JsonToken.END_ARRAY) {
            scopeSpans(p, raws, scopes);
          }
          break;
        default:
          p.skipChildren();
      }
    }
    String projectId = projects.projectFor(resource);
    if (projectId == null || projectId.isBlank()) {
      if (!raws.isEmpty()) {
        run.rejected += raws.size();
        if (run.firstError == null) {
          run.firstError = raws.size() + " span(s) rejected: no project could be chosen for their resource";
        }
      }
      return;
    }
    for (int i = 0; i < raws.size(); i++) {
      RawSpan r = raws.get(i);
      Scope scope = scopes.get(i);
      String problem;
      if (r.traceId == null) {
        problem = "trace id must be 32 hex characters and not all zeros, was '" + abbreviate(r.rawTraceId) + "'";
      } else if (r.spanId == null) {
        problem = "span id must be 16 hex characters and not all zeros, was '" + abbreviate(r.rawSpanId) + "'";
      } else if (r.badTime) {
        problem = "a timestamp is not a non-negative 64-bit integer";
      } else {
        problem = SpanRules.problem(r.traceId, r.spanId, r.start, r.end);
      }
      if (problem == null && r.rawParent != null && !r.rawParent.isEmpty() && r.parentSpanId == null
          && !isZeros(r.rawParent)) {
        problem = "parent span id must be empty or 16 hex characters, was '" + abbreviate(r.rawParent) + "'";
      }
      if (problem == null) {
        problem = r.eventProblem;
      }
      if (problem != null) {
        run.reject(SpanRules.describe(r.name, r.spanId, problem));
        continue;
      }
      Map<String, Object> attrs = r.attributes == null ? new LinkedHashMap<>() : r.attributes;
      if (!scope.name.isEmpty()) {
        attrs.putIfAbsent(SpanRules.SCOPE_NAME, scope.name);
        if (!scope.version.isEmpty()) {
          attrs.putIfAbsent(SpanRules.SCOPE_VERSION, scope.version);
        }
      }
      run.accepted.add(new Span(projectId, r.traceId, r.spanId, r.parentSpanId, r.name, r.kind, r.start, r.end,
          r.status, r.statusMessage, attrs, r.events, resource, null));
    }
  }

  private static Map<String, Object> resource(JsonParser p) throws IOException {
    expectObject(p, "resource");
    Map<String, Object> attrs = Map.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      if (f.equals("attributes")) {
        attrs = keyValues(p);
      } else {
        p.skipChildren();
      }
    }
    return attrs;
  }

  private void scopeSpans(JsonParser p, List<RawSpan> raws, List<Scope> scopes) throws IOException {
    expectObject(p, "scopeSpans[]");
    Scope scope = new Scope();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      switch (f) {
        case "scope": case "instrumentationLibrary": case "instrumentation_library":
          expectObject(p, f);
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String g = p.currentName();
            p.nextToken();
            if (g.equals("name")) {
              scope.name = text(p);
            } else if (g.equals("version")) {
              scope.version = text(p);
            } else {
              p.skipChildren();
            }
          }
          break;
        case "spans":
          expectArray(p, f);
          while (p.nextToken() != JsonToken.END_ARRAY) {
            raws.add(span(p));
            // the scope object may follow its spans; all spans of this block share the instance
            scopes.add(scope);
          }
          break;
        default:
          p.skipChildren();
      }
    }
  }

  private static RawSpan span(JsonParser p) throws IOException {
    expectObject(p, "spans[]");
    RawSpan r = new RawSpan();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "traceId": case "trace_id":
          r.rawTraceId = text(p);
          r.traceId = SpanIds.parseOtlpJsonId(r.rawTraceId, SpanIds.TRACE_HEX);
          break;
        case "spanId": case "span_id":
          r.rawSpanId = text(p);
          r.spanId = SpanIds.parseOtlpJsonId(r.rawSpanId, SpanIds.SPAN_HEX);
          break;
        case "parentSpanId": case "parent_span_id":
          r.rawParent = text(p);
          r.parentSpanId = r.rawParent == null || r.rawParent.isEmpty()
              ? null : SpanIds.parseOtlpJsonId(r.rawParent, SpanIds.SPAN_HEX);
          break;
        case "name":
          r.name = t == JsonToken.VALUE_NULL ? "" : text(p);
          break;
        case "kind":
          r.kind = t == JsonToken.VALUE_NUMBER_INT
              ? OtlpProtobufDecoder.kind(p.getIntValue()) : SpanKind.parse(text(p));
          break;
        case "startTimeUnixNano": case "start_time_unix_nano": {
          long v = uint64(p);
          r.badTime |= v < 0;
          r.start = v;
          break;
        }
        case "endTimeUnixNano": case "end_time_unix_nano": {
          long v = uint64(p);
          r.badTime |= v < 0;
          r.end = v;
          break;
        }
        case "attributes":
          r.attributes = keyValues(p);
          break;
        case "events":
          events(p, r);
          break;
        case "status":
          status(p, r);
          break;
        default:
          p.skipChildren();
      }
    }
    return r;
  }

  private static void status(JsonParser p, RawSpan r) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    expectObject(p, "status");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals("code")) {
        r.status = t == JsonToken.VALUE_NUMBER_INT
            ? OtlpProtobufDecoder.status(p.getIntValue()) : StatusCode.parse(text(p));
      } else if (f.equals("message")) {
        String m = text(p);
        r.statusMessage = m == null ? "" : m;
      } else {
        p.skipChildren();
      }
    }
  }

  private static void events(JsonParser p, RawSpan r) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    expectArray(p, "events");
    List<SpanEvent> events = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expectObject(p, "events[]");
      String name = "";
      long time = 0;
      Map<String, Object> attrs = Map.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        switch (f) {
          case "name":
            String n = text(p);
            name = n == null ? "" : n;
            break;
          case "timeUnixNano": case "time_unix_nano":
            time = uint64(p);
            if (time < 0 && r.eventProblem == null) {
              r.eventProblem = "an event time is not a non-negative 64-bit integer";
            }
            break;
          case "attributes":
            attrs = keyValues(p);
            break;
          default:
            p.skipChildren();
        }
      }
      if (time >= 0) {
        events.add(new SpanEvent(name, time, attrs));
      }
    }
    r.events = events;
  }

  /** A list of {@code {"key": .., "value": AnyValue}} as a mutable, insertion-ordered map. */
  private static Map<String, Object> keyValues(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return new LinkedHashMap<>();
    }
    expectArray(p, "attributes");
    Map<String, Object> out = new LinkedHashMap<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expectObject(p, "attributes[]");
      String key = null;
      Object value = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        if (f.equals("key")) {
          key = text(p);
        } else if (f.equals("value")) {
          value = anyValue(p);
        } else {
          p.skipChildren();
        }
      }
      if (key != null && value != null) {
        out.put(key, value);
      }
    }
    return out;
  }

  private static Object anyValue(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, "AnyValue");
    Object value = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "stringValue": case "string_value":
          value = text(p);
          break;
        case "boolValue": case "bool_value":
          value = t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE
              ? (Object) p.getBooleanValue() : (Object) Boolean.parseBoolean(p.getValueAsString());
          break;
        case "intValue": case "int_value":
          value = int64(p);
          break;
        case "doubleValue": case "double_value":
          value = float64(p);
          break;
        case "bytesValue": case "bytes_value":
          value = text(p);
          break;
        case "arrayValue": case "array_value":
          value = arrayValue(p);
          break;
        case "kvlistValue": case "kvlist_value":
          value = kvlistValue(p);
          break;
        default:
          p.skipChildren();
      }
    }
    return value;
  }

  private static List<Object> arrayValue(JsonParser p) throws IOException {
    expectObject(p, "arrayValue");
    List<Object> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      if (f.equals("values") && p.currentToken() == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          out.add(anyValue(p));
        }
      } else {
        p.skipChildren();
      }
    }
    return Collections.unmodifiableList(out);
  }

  private static Map<String, Object> kvlistValue(JsonParser p) throws IOException {
    expectObject(p, "kvlistValue");
    Map<String, Object> out = Map.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      if (f.equals("values")) {
        out = keyValues(p);
      } else {
        p.skipChildren();
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static String text(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      throw new MalformedPayloadException("expected a string for '" + p.currentName() + "' but found "
          + (t == JsonToken.START_OBJECT ? "an object" : "an array"));
    }
    return p.getText();
  }

  /** An unsigned 64-bit value as string or number; -1 when it does not fit a signed long or is bad. */
  private static long uint64(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? -1 : p.getLongValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      return parseLong(p.getText(), -1);
    }
    if (t == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
    }
    return -1;
  }

  private static Object int64(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText().trim();
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        // keep what the client sent rather than drop the attribute
        return s;
      }
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    return t == JsonToken.VALUE_NULL ? null : p.getText();
  }

  private static Object float64(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      // proto3 JSON writes NaN and infinities as strings
      try {
        return Double.parseDouble(p.getText().trim());
      } catch (NumberFormatException e) {
        return p.getText();
      }
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    return null;
  }

  /** Parses a decimal long without exceptions on the common path. */
  private static long parseLong(String s, long bad) {
    int n = s.length();
    if (n == 0 || n > 20) {
      return bad;
    }
    int i = 0;
    boolean neg = false;
    if (s.charAt(0) == '-') {
      neg = true;
      i = 1;
      if (n == 1) {
        return bad;
      }
    }
    long v = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return bad;
      }
      v = v * 10 + (c - '0');
      if (v < 0) {
        return bad;
      }
    }
    return neg ? -v : v;
  }

  private static void expectObject(JsonParser p, String what) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new MalformedPayloadException("expected a JSON object for '" + what + "' but found " + p.currentToken());
    }
  }

  private static void expectArray(JsonParser p, String what) {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new MalformedPayloadException("expected a JSON array for '" + what + "' but found " + p.currentToken());
    }
  }

  private static boolean isZeros(String s) {
    int from = s.startsWith("0x") ? 2 : 0;
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
