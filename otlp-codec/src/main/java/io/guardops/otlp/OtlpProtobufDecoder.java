package io.guardops.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
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
    ExportTraceServiceRequest request;
    try {
      request = ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedPayloadException(
          "body is not a valid OTLP ExportTraceServiceRequest protobuf: " + e.getMessage(), e);
    }
    return decode(request);
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
