package io.guardops.api.ingest;

import io.guardops.api.Health;

/**
 * Receives spans over a protocol of its own (OTLP/gRPC on port 4317, ...) and hands them to the
 * engine's {@link IngestService}, which its provider takes from the component context. Started by the
 * engine after every other component; closed before the store.
 */
public interface IngestReceiver extends AutoCloseable {
  /** Starts listening; returns once bound. */
  void start() throws Exception;

  /** Where it listens, for logs and health ({@code grpc://127.0.0.1:4317}). */
  String address();

  /** Health as data; never throws. */
  default Health check() {
    return Health.up(address());
  }

  /** Stops listening, letting requests in flight finish briefly; idempotent. */
  @Override
  void close();
}
