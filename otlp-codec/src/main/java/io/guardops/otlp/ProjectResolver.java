package io.guardops.otlp;

import java.util.Map;

/**
 * Chooses the project of the spans of one OTLP resource. Called once per resource, not per span.
 * Whether the resource attribute {@code guardops.project.id} is honoured (and whether the caller
 * may write to that project) is the implementation's decision. Implementations must be
 * thread-safe and fast (no I/O on the hot path if it can be avoided).
 */
@FunctionalInterface
public interface ProjectResolver {
  /** The resource attribute some clients use to name their project. */
  String PROJECT_ATTRIBUTE = io.guardops.api.SpanRules.PROJECT_ATTRIBUTE;

  /**
   * Returns the project id for spans with these resource attributes, or {@code null} to reject all
   * of that resource's spans (they are counted as rejected with a message, not thrown).
   *
   * @param resourceAttributes the decoded resource attributes; immutable, never {@code null}
   */
  String projectFor(Map<String, Object> resourceAttributes);

  /** Always {@code projectId}, whatever the resource says. */
  static ProjectResolver fixed(String projectId) {
    return attributes -> projectId;
  }
}
