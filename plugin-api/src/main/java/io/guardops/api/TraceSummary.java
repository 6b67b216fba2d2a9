package io.guardops.api;

/**
 * One row per trace, maintained by the store as spans arrive (in any order) so that listing
 * traces never scans spans. Before its root arrives a trace has {@code rootSpanId == null} and
 * its name is that of its earliest span. Token and cost totals sum the spans whose usage is not
 * an aggregate of their children's ({@link LlmFields#usageIsAggregate()}); {@code cost} is
 * {@code null} when no span in the trace had a known price.
 */
public record TraceSummary(
    String projectId,
    String traceId,
    String rootSpanId,
    String rootName,
    long startEpochNanos,
    long endEpochNanos,
    int spanCount,
    int errorCount,
    long inputTokens,
    long outputTokens,
    long totalTokens,
    Double cost,
    String model) {

  public TraceSummary {
    Checks.notBlank(projectId, "projectId");
    Checks.hexId(traceId, 32, "traceId");
    rootName = rootName == null ? "" : rootName;
  }

  public long durationNanos() {
    return endEpochNanos - startEpochNanos;
  }

  public boolean hasError() {
    return errorCount > 0;
  }
}
