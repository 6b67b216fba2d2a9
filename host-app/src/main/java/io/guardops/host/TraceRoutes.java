package io.guardops.host;

import io.guardops.engine.Engine;

/** Ingestion and trace-reading routes (OTLP, the GuardOps library, trace lists, monitoring). */
final class TraceRoutes {
  private TraceRoutes() {}

  static void register(Routes routes, Engine engine) {
    // filled in with the ingest and trace services
  }
}
