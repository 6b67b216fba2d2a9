package io.guardops.plugins.store.sqlite;

import static io.guardops.plugins.store.sqlite.Sql.getDouble;
import static io.guardops.plugins.store.sqlite.Sql.getLong;
import static io.guardops.plugins.store.sqlite.Sql.setDouble;
import static io.guardops.plugins.store.sqlite.Sql.setLong;

import io.guardops.api.Json;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A span as schema v3 to v6 stored it (thirty columns, attributes, events and resource as JSON), for the
 * v7 migration that reads it and for tests that write such files. Kinds and status codes are stored as
 * their OTLP numbers (the enum ordinals match them).
 */
final class LegacySpanRow {
  static final String COLUMNS = "project_id, trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns,"
      + " status, status_message, attributes, events, resource, operation, provider, request_model,"
      + " response_model, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens,"
      + " total_tokens, cost, currency, prompt, output, session_id, user_id, usage_is_aggregate";

  /** Writes a span of the trace {@code trace_ref} (the first parameter) into a v3-v6 {@code spans} table. */
  static final String UPSERT = "INSERT INTO spans (trace_ref, " + COLUMNS + ") VALUES (?, "
      + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (trace_ref, span_id) DO UPDATE SET"
      + " parent_span_id = excluded.parent_span_id, name = excluded.name, kind = excluded.kind,"
      + " start_ns = excluded.start_ns, end_ns = excluded.end_ns, status = excluded.status,"
      + " status_message = excluded.status_message, attributes = excluded.attributes,"
      + " events = excluded.events, resource = excluded.resource, operation = excluded.operation,"
      + " provider = excluded.provider, request_model = excluded.request_model,"
      + " response_model = excluded.response_model, model = excluded.model,"
      + " input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,"
      + " cached_input_tokens = excluded.cached_input_tokens, reasoning_tokens = excluded.reasoning_tokens,"
      + " total_tokens = excluded.total_tokens, cost = excluded.cost, currency = excluded.currency,"
      + " prompt = excluded.prompt, output = excluded.output, session_id = excluded.session_id,"
      + " user_id = excluded.user_id, usage_is_aggregate = excluded.usage_is_aggregate";

  /** The columns of a v3-v6 {@code trace_summaries} row after its {@code trace_ref}. */
  static final String SUMMARY_COLUMNS = "project_id, trace_id, root_span_id, root_name, start_ns, end_ns,"
      + " span_count, error_count, input_tokens, output_tokens, total_tokens, cost, model";

  final Span span;
  private final String attributes;
  private final String events;
  private final String resource;

  LegacySpanRow(Span span) {
    this.span = span;
    this.attributes = Json.write(span.attributes());
    this.events = eventsJson(span.events());
    this.resource = Json.write(span.resource());
  }

  /** Binds the {@link #UPSERT} parameters for this span in the trace {@code traceRef}. */
  void bind(PreparedStatement ps, long traceRef) throws SQLException {
    LlmFields l = span.llm();
    ps.setLong(1, traceRef);
    int i = 2;
    ps.setString(i++, span.projectId());
    ps.setString(i++, span.traceId());
    ps.setString(i++, span.spanId());
    ps.setString(i++, span.parentSpanId());
    ps.setString(i++, span.name());
    ps.setInt(i++, span.kind().ordinal());
    ps.setLong(i++, span.startEpochNanos());
    ps.setLong(i++, span.endEpochNanos());
    ps.setInt(i++, span.status().ordinal());
    ps.setString(i++, span.statusMessage());
    ps.setString(i++, attributes);
    ps.setString(i++, events);
    ps.setString(i++, resource);
    ps.setString(i++, l.operation());
    ps.setString(i++, l.provider());
    ps.setString(i++, l.requestModel());
    ps.setString(i++, l.responseModel());
    ps.setString(i++, l.model());
    setLong(ps, i++, l.inputTokens());
    setLong(ps, i++, l.outputTokens());
    setLong(ps, i++, l.cachedInputTokens());
    setLong(ps, i++, l.reasoningTokens());
    setLong(ps, i++, l.totalTokens());
    setDouble(ps, i++, l.cost());
    ps.setString(i++, l.cost() == null ? null : l.currency());
    ps.setString(i++, l.prompt());
    ps.setString(i++, l.output());
    ps.setString(i++, l.sessionId());
    ps.setString(i++, l.userId());
    ps.setInt(i, l.usageIsAggregate() ? 1 : 0);
  }

  /** Reads a span from a row selected with {@link #COLUMNS} in that order. */
  static Span read(ResultSet rs) throws SQLException {
    String requestModel = rs.getString(16);
    String responseModel = rs.getString(17);
    if (requestModel == null && responseModel == null) {
      // rows of v1 and v2 files may carry only the derived model column: keep it, as the model that answered
      responseModel = rs.getString(18);
    }
    LlmFields llm = new LlmFields(rs.getString(14), rs.getString(15), requestModel, responseModel,
        getLong(rs, 19), getLong(rs, 20), getLong(rs, 21), getLong(rs, 22), getLong(rs, 23), getDouble(rs, 24),
        rs.getString(25), rs.getString(26), rs.getString(27), rs.getString(28), rs.getString(29), rs.getInt(30) != 0);
    return new Span(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        enumAt(SpanKind.values(), rs.getInt(6)), rs.getLong(7), rs.getLong(8),
        enumAt(StatusCode.values(), rs.getInt(9)), rs.getString(10), Json.readObject(rs.getString(11)),
        readEvents(rs.getString(12)), Json.readObject(rs.getString(13)), llm);
  }

  private static <E> E enumAt(E[] values, int ordinal) {
    return ordinal >= 0 && ordinal < values.length ? values[ordinal] : values[0];
  }

  private static String eventsJson(List<SpanEvent> events) {
    if (events.isEmpty()) {
      return "[]";
    }
    List<Object> list = new ArrayList<>(events.size());
    for (SpanEvent e : events) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", e.name());
      m.put("t", e.epochNanos());
      m.put("attributes", e.attributes());
      list.add(m);
    }
    return Json.write(list);
  }

  @SuppressWarnings("unchecked")
  private static List<SpanEvent> readEvents(String json) {
    if (json == null || json.equals("[]")) {
      return List.of();
    }
    List<Object> list = (List<Object>) Json.read(json);
    List<SpanEvent> out = new ArrayList<>(list.size());
    for (Object o : list) {
      Map<String, Object> m = (Map<String, Object>) o;
      Object attrs = m.get("attributes");
      out.add(new SpanEvent((String) m.get("name"), ((Number) m.get("t")).longValue(),
          attrs instanceof Map ? (Map<String, Object>) attrs : Map.of()));
    }
    return out;
  }
}
