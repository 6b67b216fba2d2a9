package io.guardops.api;

/**
 * The few fields of a span that metrics need, so that a store can serve them from a covering
 * index instead of loading whole spans. Token fields are 0 when unknown or aggregate.
 */
public record SpanStat(long startEpochNanos, long durationNanos, String model, boolean error,
    long inputTokens, long outputTokens, Double cost) {}
