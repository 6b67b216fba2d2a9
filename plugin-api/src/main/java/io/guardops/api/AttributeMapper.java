package io.guardops.api;

import java.util.Map;

/**
 * Fills the normalised {@link LlmFields} of a span from its raw attributes for one naming
 * convention (OpenTelemetry GenAI, OpenInference, ...). Mappers run in ascending {@link #order()}
 * and should use the builder's {@code IfAbsent} setters so that an earlier, more specific mapper
 * wins. Thread-safe (stateless); called on the ingest hot path, so no I/O and no exceptions: a
 * value that cannot be read is skipped.
 */
public interface AttributeMapper {
  /**
   * Maps one span.
   *
   * @param spanName   the span's name; never {@code null}
   * @param attributes the span's attributes; never {@code null}
   * @param resource   the resource attributes; never {@code null}
   * @param out        the builder to fill; never {@code null}
   */
  void map(String spanName, Map<String, Object> attributes, Map<String, Object> resource, LlmFields.Builder out);

  /** Lower runs first. Default 100. */
  default int order() {
    return 100;
  }
}
