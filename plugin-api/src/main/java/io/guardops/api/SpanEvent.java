package io.guardops.api;

import java.util.Map;

/** A timestamped event on a span (an exception, a streamed chunk, ...). */
public record SpanEvent(String name, long epochNanos, Map<String, Object> attributes) {
  public SpanEvent {
    name = name == null ? "" : name;
    Checks.notNegative(epochNanos, "event epochNanos");
    attributes = Attributes.copyOf(attributes);
  }
}
