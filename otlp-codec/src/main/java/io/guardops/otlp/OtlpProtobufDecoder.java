package io.guardops.otlp;

import com.google.protobuf.ByteString;
import io.guardops.api.Span;
import io.guardops.api.SpanIds;
import io.guardops.api.SpanRules;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes an OTLP/HTTP protobuf body ({@code ExportTraceServiceRequest}) into {@link Span}s.
 *
 *
 * <p>Spans with a bad trace or span id (wrong length, all zeros), a bad parent id, or out-of-range
 * timestamps are rejected one by one and counted (OTLP partial success); the rest are accepted. The
 * project of each resource's spans comes from the {@link ProjectResolver}. The instrumentation
 * scope is kept as the attributes {@code otel.scope.name} / {@code otel.scope.version}; links are
 * not kept (the model has no place for them). Immutable and thread-safe.
 */
public final class OtlpProtobufDecoder {
  /** Attribute keys, names and other short strings that repeat in every request. */
  private static final StringCache keys = new StringCache();
  /** Short string values (models, providers, roles): repeated too, though less than keys. */
  private static final StringCache values = new StringCache();

  private final ProjectResolver projects;

  /** @param projects chooses the project per resource; never {@code null} */
  public OtlpProtobufDecoder(ProjectResolver projects) {
    this.projects = Objects.requireNonNull(projects, "projects");
  }

  /**
   * Decodes one request body.
   *
   * @param body the uncompressed protobuf bytes; never {@code null}
   * @return accepted spans and the rejection count; never {@code null}
   * @throws MalformedPayloadException when the bytes are not an {@code ExportTraceServiceRequest}
   */
  public DecodedSpans decode(byte[] body) {
    Objects.requireNonNull(body, "body");
    Decoding d = new Decoding();
    ProtoReader r = new ProtoReader(body, 0, body.length);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (1 << 3 | ProtoReader.LEN)) {
        int len = r.length();
        resourceSpans(body, r.pos, len, d);
        r.pos += len;
      } else {
        r.skip(tag & 7);
      }
    }
    return new DecodedSpans(d.accepted, d.rejected, d.firstError);
  }

  /** What one request decoded to so far. */
  private static final class Decoding {
    final List<Span> accepted = new ArrayList<>();
    int rejected;
    String firstError;

    void reject(String why) {
      rejected++;
      if (firstError == null) {
        firstError = why;
      }
    }
  }

  /**
   * One ResourceSpans, read straight from the wire (no generated message objects): its resource first,
   * wherever it stands among the fields, since it decides the project of every span after it.
   */
  private void resourceSpans(byte[] buf, int off, int len, Decoding d) {
    Map<String, Object> resource = null;
    ProtoReader r = new ProtoReader(buf, off, len);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (1 << 3 | ProtoReader.LEN)) {
        int n = r.length();
        // a repeated message field merges: its attributes add up
        resource = keyValues(buf, r.pos, n, 1, resource == null ? new LinkedHashMap<>() : resource);
        r.pos += n;
      } else {
        r.skip(tag & 7);
      }
    }
    resource = resource == null ? Map.of() : Collections.unmodifiableMap(resource);
    String projectId = projects.projectFor(resource);
    boolean noProject = projectId == null || projectId.isBlank();
    int unrouted = 0;
    r = new ProtoReader(buf, off, len);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (2 << 3 | ProtoReader.LEN)) {
        int n = r.length();
        if (noProject) {
          unrouted += countSpans(buf, r.pos, n);
        } else {
          scopeSpans(buf, r.pos, n, resource, projectId, d);
        }
        r.pos += n;
      } else {
        r.skip(tag & 7);
      }
    }
    if (unrouted > 0) {
      d.rejected += unrouted;
      if (d.firstError == null) {
        d.firstError = unrouted + " span(s) rejected: no project could be chosen for their resource";
      }
    }
  }

  private static int countSpans(byte[] buf, int off, int len) {
    int n = 0;
    ProtoReader r = new ProtoReader(buf, off, len);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (2 << 3 | ProtoReader.LEN)) {
        n++;
      }
      r.skip(tag & 7);
    }
    return n;
  }

  private void scopeSpans(byte[] buf, int off, int len, Map<String, Object> resource, String projectId,
      Decoding d) {
    String scopeName = "";
    String scopeVersion = "";
    ProtoReader r = new ProtoReader(buf, off, len);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (1 << 3 | ProtoReader.LEN)) {
        int n = r.length();
        ProtoReader scope = new ProtoReader(buf, r.pos, n);
        r.pos += n;
        while (scope.more()) {
          int t = scope.tag();
          if (t == (1 << 3 | ProtoReader.LEN)) {
            scopeName = scope.string(scope.length(), keys);
          } else if (t == (2 << 3 | ProtoReader.LEN)) {
            scopeVersion = scope.string(scope.length(), keys);
          } else {
            scope.skip(t & 7);
          }
        }
      } else {
        r.skip(tag & 7);
      }
    }
    r = new ProtoReader(buf, off, len);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (2 << 3 | ProtoReader.LEN)) {
        int n = r.length();
        span(buf, r.pos, n, resource, projectId, scopeName, scopeVersion, d);
        r.pos += n;
      } else {
        r.skip(tag & 7);
      }
    }
  }

  private void span(byte[] buf, int off, int len, Map<String, Object> resource, String projectId, String scopeName,
      String scopeVersion, Decoding d) {
    int traceOff = 0;
    int traceLen = 0;
    int spanOff = 0;
    int spanLen = 0;
    int parentOff = 0;
    int parentLen = 0;
    String name = "";
    int kind = 0;
    long start = 0;
    long end = 0;
    int statusCode = 0;
    String statusMessage = "";
    Map<String, Object> attributes = null;
    List<SpanEvent> events = null;
    String badEvent = null;
    ProtoReader r = new ProtoReader(buf, off, len);
    while (r.more()) {
      int tag = r.tag();
      switch (tag) {
        case 1 << 3 | ProtoReader.LEN -> {
          traceLen = r.length();
          traceOff = r.pos;
          r.pos += traceLen;
        }
        case 2 << 3 | ProtoReader.LEN -> {
          spanLen = r.length();
          spanOff = r.pos;
          r.pos += spanLen;
        }
        case 4 << 3 | ProtoReader.LEN -> {
          parentLen = r.length();
          parentOff = r.pos;
          r.pos += parentLen;
        }
        case 5 << 3 | ProtoReader.LEN -> name = r.string(r.length(), keys);
        case 6 << 3 | ProtoReader.VARINT -> kind = (int) r.varint();
        case 7 << 3 | ProtoReader.FIXED64 -> start = r.fixed64();
        case 8 << 3 | ProtoReader.FIXED64 -> end = r.fixed64();
        case 9 << 3 | ProtoReader.LEN -> {
          int n = r.length();
          attributes = keyValue(buf, r.pos, n, attributes == null ? new LinkedHashMap<>(32) : attributes);
          r.pos += n;
        }
        case 11 << 3 | ProtoReader.LEN -> {
          int n = r.length();
          RawEvent e = event(buf, r.pos, n);
          r.pos += n;
          if (e.epochNanos() < 0) {
            badEvent = badEvent == null ? e.name() : badEvent;
          } else {
            if (events == null) {
              events = new ArrayList<>();
            }
            events.add(new SpanEvent(e.name(), e.epochNanos(), e.attributes()));
          }
        }
        case 15 << 3 | ProtoReader.LEN -> {
          int n = r.length();
          ProtoReader st = new ProtoReader(buf, r.pos, n);
          r.pos += n;
          while (st.more()) {
            int t = st.tag();
            if (t == (2 << 3 | ProtoReader.LEN)) {
              statusMessage = st.string(st.length(), values);
            } else if (t == (3 << 3 | ProtoReader.VARINT)) {
              statusCode = (int) st.varint();
            } else {
              st.skip(t & 7);
            }
          }
        }
        default -> r.skip(tag & 7);
      }
    }
    String traceId = traceLen * 2 == SpanIds.TRACE_HEX ? hexOrNull(buf, traceOff, traceLen) : null;
    String spanId = spanLen * 2 == SpanIds.SPAN_HEX ? hexOrNull(buf, spanOff, spanLen) : null;
    String problem = SpanRules.problem(traceId, spanId, start, end);
    String parent = null;
    if (problem == null && parentLen != 0) {
      if (parentLen != 8) {
        problem = "parent span id must be empty or 8 bytes, was " + parentLen;
      } else {
        // an all-zero parent is how some SDKs write "no parent"
        parent = hexOrNull(buf, parentOff, parentLen);
      }
    }
    if (problem == null && badEvent != null) {
      problem = "event '" + badEvent + "' time is out of range";
    }
    if (problem != null) {
      d.reject(SpanRules.describe(name, spanId, problem));
      return;
    }
    if (!scopeName.isEmpty()) {
      if (attributes == null) {
        attributes = new LinkedHashMap<>(4);
      }
      attributes.putIfAbsent(SpanRules.SCOPE_NAME, scopeName);
      if (!scopeVersion.isEmpty()) {
        attributes.putIfAbsent(SpanRules.SCOPE_VERSION, scopeVersion);
      }
    }
    d.accepted.add(new Span(projectId, traceId, spanId, parent, name, kind(kind), start, end, status(statusCode),
        statusMessage, attributes == null ? Map.of() : attributes, events == null ? List.of() : events, resource,
        null));
  }

  /** An event as read: its time may be out of range (negative as a signed number). */
  private record RawEvent(String name, long epochNanos, Map<String, Object> attributes) {}

  private RawEvent event(byte[] buf, int off, int len) {
    long time = 0;
    String name = "";
    Map<String, Object> attributes = null;
    ProtoReader r = new ProtoReader(buf, off, len);
    while (r.more()) {
      int tag = r.tag();
      switch (tag) {
        case 1 << 3 | ProtoReader.FIXED64 -> time = r.fixed64();
        case 2 << 3 | ProtoReader.LEN -> name = r.string(r.length(), keys);
        case 3 << 3 | ProtoReader.LEN -> {
          int n = r.length();
          attributes = keyValue(buf, r.pos, n, attributes == null ? new LinkedHashMap<>() : attributes);
          r.pos += n;
        }
        default -> r.skip(tag & 7);
      }
    }
    return new RawEvent(name, time, attributes == null ? Map.of() : attributes);
  }

  /** Every KeyValue of field {@code field} of the message at {@code [off, off + len)} into {@code into}. */
  private Map<String, Object> keyValues(byte[] buf, int off, int len, int field, Map<String, Object> into) {
    ProtoReader r = new ProtoReader(buf, off, len);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (field << 3 | ProtoReader.LEN)) {
        int n = r.length();
        keyValue(buf, r.pos, n, into);
        r.pos += n;
      } else {
        r.skip(tag & 7);
      }
    }
    return into;
  }

  /** One KeyValue into {@code into}; a value that is not set is left out, as in the model. */
  private Map<String, Object> keyValue(byte[] buf, int off, int len, Map<String, Object> into) {
    String key = "";
    Object value = null;
    ProtoReader r = new ProtoReader(buf, off, len);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (1 << 3 | ProtoReader.LEN)) {
        key = r.string(r.length(), keys);
      } else if (tag == (2 << 3 | ProtoReader.LEN)) {
        int n = r.length();
        value = anyValue(buf, r.pos, n, value);
        r.pos += n;
      } else {
        r.skip(tag & 7);
      }
    }
    if (value != null) {
      into.put(key, value);
    }
    return into;
  }

  /**
   * An AnyValue as the model's value ({@link #value(AnyValue)} for parsed messages); {@code merged} is
   * what an earlier occurrence of the same field gave (protobuf merges them: the last value set wins, an
   * array or key-value list continues).
   */
  private Object anyValue(byte[] buf, int off, int len, Object merged) {
    Object v = merged;
    ProtoReader r = new ProtoReader(buf, off, len);
    while (r.more()) {
      int tag = r.tag();
      switch (tag) {
        case 1 << 3 | ProtoReader.LEN -> v = r.string(r.length(), values);
        case 2 << 3 | ProtoReader.VARINT -> v = r.varint() != 0;
        case 3 << 3 | ProtoReader.VARINT -> v = r.varint();
        case 4 << 3 | ProtoReader.FIXED64 -> v = Double.longBitsToDouble(r.fixed64());
        case 5 << 3 | ProtoReader.LEN -> {
          int n = r.length();
          List<Object> list = v instanceof ArrayValueList a ? a : new ArrayValueList();
          ProtoReader items = new ProtoReader(buf, r.pos, n);
          r.pos += n;
          while (items.more()) {
            int t = items.tag();
            if (t == (1 << 3 | ProtoReader.LEN)) {
              int m = items.length();
              list.add(anyValue(buf, items.pos, m, null));
              items.pos += m;
            } else {
              items.skip(t & 7);
            }
          }
          v = list;
        }
        case 6 << 3 | ProtoReader.LEN -> {
          int n = r.length();
          Map<String, Object> map = v instanceof KeyValueMap m ? m : new KeyValueMap();
          keyValues(buf, r.pos, n, 1, map);
          r.pos += n;
          v = map;
        }
        case 7 << 3 | ProtoReader.LEN -> {
          int n = r.length();
          v = Base64.getEncoder().encodeToString(Arrays.copyOfRange(buf, r.pos, r.pos + n));
          r.pos += n;
        }
        default -> r.skip(tag & 7);
      }
    }
    return v;
  }

  /** An array value being decoded (only to tell a merge from a new value); the model copies it. */
  private static final class ArrayValueList extends ArrayList<Object> {}

  /** A key-value list being decoded (only to tell a merge from a new value); the model copies it. */
  private static final class KeyValueMap extends LinkedHashMap<String, Object> {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Lowercase hex of {@code buf[off, off + len)}; null when all zeros (an invalid id). */
  private static String hexOrNull(byte[] buf, int off, int len) {
    boolean zero = true;
    char[] out = new char[len * 2];
    for (int i = 0; i < len; i++) {
      int b = buf[off + i] & 0xff;
      zero &= b == 0;
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0x0f];
    }
    return zero ? null : new String(out);
  }

  /** Decodes an already parsed request (for gRPC-style callers and tests). */
  public DecodedSpans decode(ExportTraceServiceRequest request) {
    List<Span> accepted = new ArrayList<>();
    int rejected = 0;
    String firstError = null;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, Object> resource = rs.hasResource()
          ? Collections.unmodifiableMap(attributes(rs.getResource().getAttributesList(), null)) : Map.of();
      String projectId = projects.projectFor(resource);
      if (projectId == null || projectId.isBlank()) {
        int n = 0;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          n += ss.getSpansCount();
        }
        if (n > 0) {
          rejected += n;
          if (firstError == null) {
            firstError = n + " span(s) rejected: no project could be chosen for their resource";
          }
        }
        continue;
      }
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        InstrumentationScope scope = ss.hasScope() ? ss.getScope() : null;
        for (io.opentelemetry.proto.trace.v1.Span ps : ss.getSpansList()) {
          String traceId = id(ps.getTraceId(), SpanIds.TRACE_HEX);
          String spanId = id(ps.getSpanId(), SpanIds.SPAN_HEX);
          String problem = SpanRules.problem(traceId, spanId, ps.getStartTimeUnixNano(), ps.getEndTimeUnixNano());
          String parent = null;
          ByteString parentBytes = ps.getParentSpanId();
          if (problem == null && !parentBytes.isEmpty()) {
            if (parentBytes.size() != 8) {
              problem = "parent span id must be empty or 8 bytes, was " + parentBytes.size();
            } else {
              // an all-zero parent is how some SDKs write "no parent"
              parent = SpanIds.hexOrNull(parentBytes.toByteArray());
            }
          }
          List<SpanEvent> events = List.of();
          if (problem == null && ps.getEventsCount() > 0) {
            events = new ArrayList<>(ps.getEventsCount());
            for (io.opentelemetry.proto.trace.v1.Span.Event e : ps.getEventsList()) {
              if (e.getTimeUnixNano() < 0) {
                problem = "event '" + e.getName() + "' time is out of range";
                break;
              }
              events.add(new SpanEvent(e.getName(), e.getTimeUnixNano(), attributes(e.getAttributesList(), null)));
            }
          }
          if (problem != null) {
            rejected++;
            if (firstError == null) {
              firstError = SpanRules.describe(ps.getName(), spanId, problem);
            }
            continue;
          }
          io.opentelemetry.proto.trace.v1.Status st = ps.getStatus();
          accepted.add(new Span(projectId, traceId, spanId, parent, ps.getName(), kind(ps.getKindValue()),
              ps.getStartTimeUnixNano(), ps.getEndTimeUnixNano(), status(st.getCodeValue()), st.getMessage(),
              attributes(ps.getAttributesList(), scope), events, resource, null));
        }
      }
    }
    return new DecodedSpans(accepted, rejected, firstError);
  }

  private static String id(ByteString bytes, int hexLength) {
    if (bytes.size() * 2 != hexLength) {
      return null;
    }
    return SpanIds.hexOrNull(bytes.toByteArray());
  }

  static SpanKind kind(int value) {
    SpanKind[] all = SpanKind.values();
    // OTLP numbers match our enum order: 0 unspecified, 1 internal, ... 5 consumer
    return value >= 0 && value < all.length ? all[value] : SpanKind.UNSPECIFIED;
  }

  static StatusCode status(int value) {
    switch (value) {
      case 1: return StatusCode.OK;
      case 2: return StatusCode.ERROR;
      default: return StatusCode.UNSET;
    }
  }

  private static Map<String, Object> attributes(List<KeyValue> kvs, InstrumentationScope scope) {
    boolean withScope = scope != null && !scope.getName().isEmpty();
    if (kvs.isEmpty() && !withScope) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>(Math.max(4, (kvs.size() + 2) * 2));
    for (KeyValue kv : kvs) {
      Object v = value(kv.getValue());
      if (v != null) {
        out.put(kv.getKey(), v);
      }
    }
    if (withScope) {
      out.putIfAbsent(SpanRules.SCOPE_NAME, scope.getName());
      if (!scope.getVersion().isEmpty()) {
        out.putIfAbsent(SpanRules.SCOPE_VERSION, scope.getVersion());
      }
    }
    return out;
  }

  /** AnyValue to the model's value types; bytes become base64 text as in OTLP/JSON. */
  static Object value(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE: return v.getStringValue();
      case BOOL_VALUE: return v.getBoolValue();
      case INT_VALUE: return v.getIntValue();
      case DOUBLE_VALUE: return v.getDoubleValue();
      case BYTES_VALUE: return Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE: {
        List<AnyValue> values = v.getArrayValue().getValuesList();
        List<Object> out = new ArrayList<>(values.size());
        for (AnyValue item : values) {
          out.add(value(item));
        }
        return Collections.unmodifiableList(out);
      }
      case KVLIST_VALUE: {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValue kv : v.getKvlistValue().getValuesList()) {
          Object item = value(kv.getValue());
          if (item != null) {
            out.put(kv.getKey(), item);
          }
        }
        return Collections.unmodifiableMap(out);
      }
      default: return null;
    }
  }
}
