package io.guardops.engine.metrics;

import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.PurgeResult;
import io.guardops.api.store.SpanStat;
import io.guardops.api.store.SpanStore;
import io.guardops.api.store.TracePage;
import io.guardops.api.store.TraceQuery;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Times span writes (durable when they return) by outcome; reads go straight through. */
final class MeteredSpanStore implements SpanStore {
  private final SpanStore delegate;
  private final Histogram.Child ok;
  private final Histogram.Child failed;

  MeteredSpanStore(SpanStore delegate, Histogram writes) {
    this.delegate = delegate;
    this.ok = writes.labels("ok");
    this.failed = writes.labels("error");
  }

  @Override
  public void write(List<Span> spans) {
    if (spans.isEmpty()) {
      delegate.write(spans);
      return;
    }
    long t0 = System.nanoTime();
    try {
      delegate.write(spans);
    } catch (RuntimeException | Error e) {
      failed.observeNanos(System.nanoTime() - t0);
      throw e;
    }
    ok.observeNanos(System.nanoTime() - t0);
  }

  @Override
  public TracePage findTraces(TraceQuery query) {
    return delegate.findTraces(query);
  }

  @Override
  public Optional<TraceSummary> findTrace(String projectId, String traceId) {
    return delegate.findTrace(projectId, traceId);
  }

  @Override
  public List<Span> findSpans(String projectId, Collection<String> traceIds) {
    return delegate.findSpans(projectId, traceIds);
  }

  @Override
  public Map<String, Long> countTraces(Collection<String> projectIds) {
    return delegate.countTraces(projectIds);
  }

  @Override
  public List<SpanStat> spanStats(String projectId, long fromEpochNanos, long toEpochNanos, int limit) {
    return delegate.spanStats(projectId, fromEpochNanos, toEpochNanos, limit);
  }

  @Override
  public List<MetricsRow> aggregate(MetricsQuery query) {
    return delegate.aggregate(query);
  }

  @Override
  public PurgeResult purgeTraces(String projectId, long cutoffEpochNanos, int maxTraces) {
    return delegate.purgeTraces(projectId, cutoffEpochNanos, maxTraces);
  }
}
