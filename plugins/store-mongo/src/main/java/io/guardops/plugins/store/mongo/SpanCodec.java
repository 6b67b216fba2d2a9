package io.guardops.plugins.store.mongo;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.TraceSummary;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Spans as {@code Spans} documents and back. Attribute maps (a span's, its events', its resource's)
 * are stored by {@link AttributeCodec}, never as documents keyed by the attribute names. Stateless.
 */
final class SpanCodec {
  /** Fields a summary recomputation reads (see {@link #facts}). */
  static final Bson FACT_FIELDS = new Document("_id", 0).append("project_id", 1).append("context", 1)
      .append("parent_id", 1).append("name", 1).append("start_ns", 1).append("end_ns", 1)
      .append("status.status_code", 1).append("llm.request_model", 1).append("llm.response_model", 1)
      .append("llm.input_tokens", 1).append("llm.output_tokens", 1).append("llm.total_tokens", 1)
      .append("llm.cost", 1).append("llm.aggregate", 1).append("rev", 1);

  private SpanCodec() {}

  /** The filter naming one span: the unique {@code spans_key} index. */
  static Document key(String projectId, String traceId, String spanId) {
    return new Document("project_id", projectId).append("context.trace_id", traceId).append("context.span_id", spanId);
  }

  /**
   * The upsert of a span: every field but its key is set (an upsert takes the key from the filter),
   * and {@code rev} counts the writes of this span, which the summary protocol relies on (see
   * RATIONALE.md).
   */
  static Document upsert(Span s) {
    Document set = new Document("parent_id", s.parentSpanId())
        .append("name", s.name())
        .append("kind", s.kind().name())
        .append("start_ns", s.startEpochNanos())
        .append("end_ns", s.endEpochNanos())
        // the original's field, as a date for people and tools reading the collection
        .append("start_time", new Date(Math.floorDiv(s.startEpochNanos(), 1_000_000L)))
        .append("status", new Document("status_code", s.status().name()).append("description", s.statusMessage()))
        .append("attributes", AttributeCodec.encode(s.attributes()))
        .append("events", events(s.events()))
        .append("resource", AttributeCodec.encode(s.resource()))
        .append("llm", s.llm().isEmpty() ? null : llm(s.llm()))
        .append("call", isCall(s.llm()));
    return new Document("$set", set).append("$inc", new Document("rev", 1L));
  }

  /** Whether a span counts as a model call for metrics: it names a model and its usage is its own. */
  static boolean isCall(LlmFields l) {
    return l.model() != null && !l.usageIsAggregate();
  }

  private static List<Document> events(List<SpanEvent> events) {
    List<Document> out = new ArrayList<>(events.size());
    for (SpanEvent e : events) {
      out.add(new Document("name", e.name()).append("time_ns", e.epochNanos())
          .append("attributes", AttributeCodec.encode(e.attributes())));
    }
    return out;
  }

  private static Document llm(LlmFields l) {
    Document d = new Document();
    putIfSet(d, "operation", l.operation());
    putIfSet(d, "provider", l.provider());
    putIfSet(d, "request_model", l.requestModel());
    putIfSet(d, "response_model", l.responseModel());
    putIfSet(d, "input_tokens", l.inputTokens());
    putIfSet(d, "output_tokens", l.outputTokens());
    putIfSet(d, "cached_input_tokens", l.cachedInputTokens());
    putIfSet(d, "reasoning_tokens", l.reasoningTokens());
    putIfSet(d, "total_tokens", l.totalTokens());
    putIfSet(d, "cost", l.cost());
    putIfSet(d, "currency", l.currency());
    putIfSet(d, "prompt", l.prompt());
    putIfSet(d, "output", l.output());
    putIfSet(d, "session_id", l.sessionId());
    putIfSet(d, "user_id", l.userId());
    if (l.usageIsAggregate()) {
      d.append("aggregate", true);
    }
    return d;
  }

  private static void putIfSet(Document d, String key, Object value) {
    if (value != null) {
      d.append(key, value);
    }
  }

  /** A stored span document back as a span. */
  static Span span(Document d) {
    Document context = (Document) d.get("context");
    Document status = (Document) d.get("status");
    List<SpanEvent> events = new ArrayList<>();
    Object storedEvents = d.get("events");
    if (storedEvents instanceof List<?> l) {
      for (Object o : l) {
        Document e = (Document) o;
        events.add(new SpanEvent(e.getString("name"), Mongo.longOf(e, "time_ns"), AttributeCodec.decode(e.get("attributes"))));
      }
    }
    return new Span(d.getString("project_id"), context.getString("trace_id"), context.getString("span_id"),
        d.getString("parent_id"), d.getString("name"), SpanKind.parse(d.getString("kind")), Mongo.longOf(d, "start_ns"),
        Mongo.longOf(d, "end_ns"), status == null ? StatusCode.UNSET : StatusCode.parse(status.getString("status_code")),
        status == null ? "" : status.getString("description"), AttributeCodec.decode(d.get("attributes")), events,
        AttributeCodec.decode(d.get("resource")), llm((Document) d.get("llm")));
  }

  private static LlmFields llm(Document l) {
    if (l == null) {
      return LlmFields.EMPTY;
    }
    return new LlmFields(l.getString("operation"), l.getString("provider"), l.getString("request_model"),
        l.getString("response_model"), Mongo.longOrNull(l, "input_tokens"), Mongo.longOrNull(l, "output_tokens"),
        Mongo.longOrNull(l, "cached_input_tokens"), Mongo.longOrNull(l, "reasoning_tokens"),
        Mongo.longOrNull(l, "total_tokens"), Mongo.doubleOrNull(l, "cost"), l.getString("currency"),
        l.getString("prompt"), l.getString("output"), l.getString("session_id"), l.getString("user_id"),
        Boolean.TRUE.equals(l.getBoolean("aggregate")));
  }

  /**
   * The summary facts of a document read with {@link #FACT_FIELDS}, by the same rules as {@link
   * TraceSummary.SpanFacts#of(Span)}.
   */
  static TraceSummary.SpanFacts facts(Document d) {
    Document context = (Document) d.get("context");
    Document status = (Document) d.get("status");
    Document l = (Document) d.get("llm");
    String model = null;
    Long in = null;
    Long out = null;
    Long total = null;
    Double cost = null;
    boolean aggregate = false;
    if (l != null) {
      model = l.getString("response_model") != null ? l.getString("response_model") : l.getString("request_model");
      in = Mongo.longOrNull(l, "input_tokens");
      out = Mongo.longOrNull(l, "output_tokens");
      total = Mongo.longOrNull(l, "total_tokens");
      cost = Mongo.doubleOrNull(l, "cost");
      aggregate = Boolean.TRUE.equals(l.getBoolean("aggregate"));
    }
    // LlmFields.effectiveTotalTokens: as reported, else input + output when either is known
    long effectiveTotal = total != null ? total : in == null && out == null ? 0 : (in == null ? 0 : in) + (out == null ? 0 : out);
    return new TraceSummary.SpanFacts(context.getString("span_id"), d.getString("parent_id"), d.getString("name"),
        Mongo.longOf(d, "start_ns"), Mongo.longOf(d, "end_ns"),
        status != null && "ERROR".equals(status.getString("status_code")), model, in == null ? 0 : in,
        out == null ? 0 : out, effectiveTotal, cost, aggregate);
  }
}
