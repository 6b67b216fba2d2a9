package io.guardops.api.store;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spans, the trace summaries maintained from them, metrics, and purges. See {@link Store} for the
 * rules every part follows.
 *
 * <p><b>The write contract</b>, which must hold for several store instances writing to one backend
 * at once:
 * <ul>
 *   <li>writes are idempotent on (project, trace id, span id): writing a span again replaces it and
 *       never duplicates it;</li>
 *   <li>spans of one trace may arrive in any order, in any number of calls, through any instance;</li>
 *   <li>a trace's summary converges to {@link TraceSummary#of} over all its stored spans once the
 *       writes that concern it have returned;</li>
 *   <li>a write that throws may be partly applied (some spans stored, a summary behind); the caller
 *       retries the whole batch, which converges. A write that returns is durable to the degree the
 *       store documents.</li>
 * </ul>
 */
public interface SpanStore {
  /**
   * Writes spans and brings their traces' summaries up to date, under the write contract above.
   * Concurrent callers may share one commit.
   *
   * @param spans any number, possibly of several projects and traces; an empty list is a no-op
   */
  void write(List<Span> spans);

  /**
   * One page of a project's traces matching {@code query}, ordered by (start, trace id) descending:
   * after {@link TraceQuery#after()} when a cursor is given, else from {@link TraceQuery#offset()}.
   */
  TracePage findTraces(TraceQuery query);

  /** One trace's summary. */
  Optional<TraceSummary> findTrace(String projectId, String traceId);

  /**
   * All spans of the given traces of one project, ordered by trace id, then start time, then span
   * id. Unknown trace ids are skipped.
   */
  List<Span> findSpans(String projectId, Collection<String> traceIds);

  /** Number of traces per project id; ids without traces map to 0. One query, not one per id. */
  Map<String, Long> countTraces(Collection<String> projectIds);

  /**
   * The metrics view of the project's model calls that started in {@code [fromEpochNanos,
   * toEpochNanos)}: spans that carry a model and are not wrappers repeating their children's usage
   * ({@link LlmFields#usageIsAggregate()}), ordered by start. Served from an index on (project,
   * start). The default {@link #aggregate} reads these in chunks.
   *
   * @param limit at most this many rows
   */
  List<SpanStat> spanStats(String projectId, long fromEpochNanos, long toEpochNanos, int limit);

  /**
   * Metrics per time bucket and model over the model calls {@link #spanStats} selects. The default
   * computes them in the engine from {@link #spanStats} (exact, nearest-rank percentiles) and refuses
   * a range of more than {@link MetricsAggregation#MAX_CALLS} calls; a store should push the
   * aggregation down (SQL, rollups kept at ingest, an aggregation pipeline). Approximate percentiles
   * are allowed within {@link LatencySketch#RELATIVE_ACCURACY} of the exact nearest-rank value.
   *
   * @return rows ordered by bucket start, then model
   * @throws IllegalArgumentException when the range is too large to aggregate
   */
  default List<MetricsRow> aggregate(MetricsQuery query) {
    return MetricsAggregation.fromSpanStats(this, query);
  }

  /**
   * Deletes up to {@code maxTraces} whole traces of the project whose summary start is before
   * {@code cutoffEpochNanos}, each with all its spans. Safe to call again: it continues where it
   * stopped. A crash or failure may leave a trace partly deleted; calling again finishes it. Spans of
   * a trace still arriving while it is purged may survive the call (they are purged by the next).
   * {@code Long.MAX_VALUE} purges every trace of the project (a cascading project delete).
   */
  PurgeResult purgeTraces(String projectId, long cutoffEpochNanos, int maxTraces);
}
