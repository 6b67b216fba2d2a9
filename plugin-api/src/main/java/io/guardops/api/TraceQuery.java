package io.guardops.api;

/**
 * A trace search within one project, newest first. Every filter is optional ({@code null} or 0
 * = no filter). {@code text} matches a substring of any span's prompt or output (case-sensitive
 * substring on stores that cannot do better); {@code attributeKey}/{@code attributeValue} match
 * a span attribute whose string form equals the value.
 */
public record TraceQuery(
    String projectId,
    Long fromEpochNanos,
    Long toEpochNanos,
    String model,
    StatusFilter status,
    Long minDurationNanos,
    String text,
    String attributeKey,
    String attributeValue,
    int offset,
    int limit) {

  /** Largest page a store must serve. */
  public static final int MAX_LIMIT = 1000;

  /** Which traces by status. */
  public enum StatusFilter { ANY, ERROR, OK }

  public TraceQuery {
    Checks.notBlank(projectId, "projectId");
    status = status == null ? StatusFilter.ANY : status;
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }
    if (fromEpochNanos != null && toEpochNanos != null && toEpochNanos < fromEpochNanos) {
      throw new IllegalArgumentException("the end of the time range is before its start");
    }
    if ((attributeKey == null) != (attributeValue == null)) {
      throw new IllegalArgumentException("an attribute filter needs both a key and a value");
    }
  }

  /** All traces of a project, one page. */
  public static TraceQuery page(String projectId, int offset, int limit) {
    return new TraceQuery(projectId, null, null, null, StatusFilter.ANY, null, null, null, null, offset, limit);
  }

  /** True when only the project, offset and limit are set. */
  public boolean isUnfiltered() {
    return fromEpochNanos == null && toEpochNanos == null && model == null && status == StatusFilter.ANY
        && minDurationNanos == null && text == null && attributeKey == null;
  }
}
