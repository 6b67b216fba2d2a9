package io.guardops.api.store;

import io.guardops.api.Checks;

/**
 * A position in a trace list, which is ordered by (start, trace id) descending: the next page holds
 * the traces strictly after this one. Stores receive it as data; the host renders it as an opaque
 * string for clients.
 */
public record TraceCursor(long startEpochNanos, String traceId) {
  public TraceCursor {
    Checks.hexId(traceId, 32, "cursor traceId");
  }

  /** Whether a trace at ({@code start}, {@code id}) comes after this cursor in list order. */
  public boolean precedes(long start, String id) {
    return start < startEpochNanos || start == startEpochNanos && id.compareTo(traceId) < 0;
  }
}
