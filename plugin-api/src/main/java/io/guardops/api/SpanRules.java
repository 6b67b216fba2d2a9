package io.guardops.api;

/**
 * The per-span acceptance rules every decoder applies before building a {@link Span}, so that a
 * bad span is rejected with a message instead of an exception from the record's constructor
 * (exceptions are slow on the hot path, and one bad span must not fail its batch), and the
 * attribute names every ingest path shares.
 */
public final class SpanRules {
  /** The resource attribute with which a client names the project of its spans. */
  public static final String PROJECT_ATTRIBUTE = "guardops.project.id";
  /** Attribute keys for the instrumentation scope, as OpenTelemetry's non-OTLP exporters name them. */
  public static final String SCOPE_NAME = "otel.scope.name";
  public static final String SCOPE_VERSION = "otel.scope.version";

  private SpanRules() {}

  /**
   * Returns why the span cannot be accepted, or {@code null} when it can. Ids must already be
   * parsed ({@code null} = missing or invalid).
   */
  public static String problem(String traceId, String spanId, long start, long end) {
    if (traceId == null) {
      return "trace id must be 16 bytes (32 hex characters) and not all zeros";
    }
    if (spanId == null) {
      return "span id must be 8 bytes (16 hex characters) and not all zeros";
    }
    if (start <= 0 || start > Span.MAX_EPOCH_NANOS) {
      return "start time " + Long.toUnsignedString(start) + " ns is out of range";
    }
    if (end < start || end > Span.MAX_EPOCH_NANOS) {
      return "end time " + Long.toUnsignedString(end) + " ns is before the start time or out of range";
    }
    return null;
  }

  /** Prefixes a rejection with which span it was about. */
  public static String describe(String name, String spanId, String problem) {
    return "span '" + (name == null ? "" : name) + "'"
        + (spanId == null ? "" : " (" + spanId + ")") + " rejected: " + problem;
  }
}
