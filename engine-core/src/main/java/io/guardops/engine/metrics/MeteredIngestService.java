package io.guardops.engine.metrics;

import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.ingest.IngestException;
import io.guardops.api.ingest.IngestService;
import java.util.List;

/** Counts a receiver's ingestion: refused requests, and spans received, accepted and rejected. */
final class MeteredIngestService implements IngestService {
  private final IngestService delegate;
  private final EngineMetrics.IngestMeter meter;

  MeteredIngestService(IngestService delegate, EngineMetrics.IngestMeter meter) {
    this.delegate = delegate;
    this.meter = meter;
  }

  @Override
  public Caller apiKey(String rawKey) {
    try {
      return delegate.apiKey(rawKey);
    } catch (RuntimeException e) {
      meter.refused(EngineMetrics.Reason.of(e));
      throw e;
    }
  }

  @Override
  public Routing routing(Caller caller, String projectHeader) {
    try {
      return delegate.routing(caller, projectHeader);
    } catch (RuntimeException e) {
      meter.refused(EngineMetrics.Reason.of(e));
      throw e;
    }
  }

  @Override
  public void write(Caller caller, List<Span> spans) {
    try {
      meter.write(spans.size(), () -> delegate.write(caller, spans));
    } catch (RuntimeException e) {
      meter.refused(EngineMetrics.Reason.of(e));
      throw e;
    }
  }

  @Override
  public long maxMessageBytes() {
    return delegate.maxMessageBytes();
  }

  @Override
  public void refused(IngestException.Kind reason, int spans) {
    EngineMetrics.Reason r = EngineMetrics.Reason.of(reason);
    if (spans > 0) {
      meter.received(spans);
      meter.rejected(r, spans);
    } else {
      meter.refused(r);
    }
    delegate.refused(reason, spans);
  }
}
