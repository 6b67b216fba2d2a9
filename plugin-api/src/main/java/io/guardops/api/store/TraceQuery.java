package io.guardops.api.store;

import io.guardops.api.Checks;

/**
 * A trace search within one project, in list order ((start, trace id) descending). Every filter is
 * optional ({@code null} = no filter):
 * <ul>
 *   <li>{@code from} (inclusive) and {@code to} (exclusive) select by trace start;</li>
 *   <li>{@code model} matches the trace summary's model;</li>
 *   <li>{@code status} by whether any span has status ERROR;</li>
 *   <li>{@code minDurationNanos} compares with the summary's {@code end - start};</li>
 *   <li>{@code text} matches traces in which some span's prompt or output contains it (case-sensitive
 *       substring; a store with a text index may match whole words case-insensitively instead, and
 *       documents which);</li>
 *   <li>{@code attributeKey}/{@code attributeValue} match a span attribute whose string form equals
 *       the value.</li>
 * </ul>
 * Paging is by {@code after} (a keyset cursor: the traces strictly after it) or by {@code offset},
 * never both.
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
    TraceCursor after,
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
    if (after != null && offset != 0) {
      throw new IllegalArgumentException("page by a cursor or by an offset, not both");
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
    if (minDurationNanos != null && minDurationNanos < 0) {
      throw new IllegalArgumentException("the minimum duration must not be negative");
    }
    if (text != null && text.isEmpty()) {
      text = null;
    }
  }

  /** All traces of a project, one page by offset. */
  public static TraceQuery page(String projectId, int offset, int limit) {
    return builder(projectId).offset(offset).limit(limit).build();
  }

  /** A builder for {@code projectId}'s traces, limit 20. */
  public static Builder builder(String projectId) {
    return new Builder(projectId);
  }

  /** A builder that starts from this query. */
  public Builder toBuilder() {
    Builder b = new Builder(projectId);
    b.from = fromEpochNanos; b.to = toEpochNanos; b.model = model; b.status = status;
    b.minDurationNanos = minDurationNanos; b.text = text; b.attributeKey = attributeKey;
    b.attributeValue = attributeValue; b.after = after; b.offset = offset; b.limit = limit;
    return b;
  }

  /** True when only the project and paging are set. */
  public boolean isUnfiltered() {
    return fromEpochNanos == null && toEpochNanos == null && model == null && status == StatusFilter.ANY
        && minDurationNanos == null && text == null && attributeKey == null;
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private final String projectId;
    private Long from;
    private Long to;
    private String model;
    private StatusFilter status = StatusFilter.ANY;
    private Long minDurationNanos;
    private String text;
    private String attributeKey;
    private String attributeValue;
    private TraceCursor after;
    private int offset;
    private int limit = 20;

    private Builder(String projectId) {
      this.projectId = projectId;
    }

    public Builder from(Long epochNanos) { this.from = epochNanos; return this; }
    public Builder to(Long epochNanos) { this.to = epochNanos; return this; }
    public Builder model(String v) { this.model = v; return this; }
    public Builder status(StatusFilter v) { this.status = v; return this; }
    public Builder minDurationNanos(Long v) { this.minDurationNanos = v; return this; }
    public Builder text(String v) { this.text = v; return this; }
    public Builder attribute(String key, String value) { this.attributeKey = key; this.attributeValue = value; return this; }
    public Builder after(TraceCursor v) { this.after = v; return this; }
    public Builder offset(int v) { this.offset = v; return this; }
    public Builder limit(int v) { this.limit = v; return this; }

    public TraceQuery build() {
      return new TraceQuery(projectId, from, to, model, status, minDurationNanos, text, attributeKey,
          attributeValue, after, offset, limit);
    }
  }
}
