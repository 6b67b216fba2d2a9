package io.guardops.api.store;

import io.guardops.api.Checks;

/**
 * Metrics of one bucket and model.
 *
 * @param bucketStartEpochNanos the bucket's start (UTC aligned)
 * @param model the model, or {@link MetricsAggregation#UNKNOWN_MODEL} for calls without one
 * @param requests model calls counted
 * @param errors calls with status ERROR
 * @param latencyP50Nanos median duration (nearest rank; within {@link LatencySketch#RELATIVE_ACCURACY}
 *     of it where the store approximates)
 * @param latencyP95Nanos 95th percentile, likewise
 * @param latencyP99Nanos 99th percentile, likewise
 * @param inputTokens sum of input tokens
 * @param outputTokens sum of output tokens
 * @param cost sum of known costs, or {@code null} when no call had a known cost (never a made-up 0)
 */
public record MetricsRow(long bucketStartEpochNanos, String model, long requests, long errors,
    long latencyP50Nanos, long latencyP95Nanos, long latencyP99Nanos, long inputTokens, long outputTokens,
    Double cost) {
  public MetricsRow {
    Checks.notBlank(model, "model");
    if (requests < 1) {
      throw new IllegalArgumentException("a metrics row counts at least one request");
    }
  }

  /** errors / requests. */
  public double errorRate() {
    return (double) errors / requests;
  }
}
