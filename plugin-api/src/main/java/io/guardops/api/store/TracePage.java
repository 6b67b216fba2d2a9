package io.guardops.api.store;

import io.guardops.api.TraceSummary;
import java.util.List;
import java.util.Optional;

/** One page of trace summaries in list order; {@code hasMore} says whether a next page exists. */
public record TracePage(List<TraceSummary> traces, boolean hasMore) {
  public TracePage {
    traces = List.copyOf(traces);
  }

  /** The cursor of the next page, when there is one. */
  public Optional<TraceCursor> nextCursor() {
    if (!hasMore || traces.isEmpty()) {
      return Optional.empty();
    }
    TraceSummary last = traces.get(traces.size() - 1);
    return Optional.of(new TraceCursor(last.startEpochNanos(), last.traceId()));
  }
}
