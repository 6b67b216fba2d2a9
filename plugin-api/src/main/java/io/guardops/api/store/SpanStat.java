package io.guardops.api.store;

/**
 * The few fields of one model call that metrics need, so that a store can serve them without
 * loading whole spans. Token fields are 0 when unknown; {@code cost} is {@code null} when unknown.
 */
public record SpanStat(long startEpochNanos, long durationNanos, String model, boolean error,
    long inputTokens, long outputTokens, Double cost) {}
