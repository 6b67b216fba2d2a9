package io.guardops.api;

import java.util.List;

/** One page of trace summaries, newest first; {@code hasMore} says whether a next page exists. */
public record TracePage(List<TraceSummary> traces, boolean hasMore) {
  public TracePage {
    traces = List.copyOf(traces);
  }
}
