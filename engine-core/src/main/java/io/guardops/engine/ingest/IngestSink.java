package io.guardops.engine.ingest;

import io.guardops.api.Span;
import java.util.List;

/**
 * Where the in-process exporter hands decoded spans: typically the engine's normalise-and-store
 * path. Internal: not API.
 */
@FunctionalInterface
public interface IngestSink {
  /**
   * Stores a batch. Returns only when the spans are durable; throws when they are not. May be
   * called from several exporter threads at once, so implementations must be thread-safe.
   *
   * @param spans the spans of one export call; immutable, never {@code null} or empty
   */
  void ingest(List<Span> spans) throws Exception;
}
