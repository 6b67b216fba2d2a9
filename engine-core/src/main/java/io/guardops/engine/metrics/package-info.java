/**
 * The engine's own metrics ({@link io.guardops.engine.metrics.EngineMetrics}): a small registry of
 * counters, histograms and scrape-time gauges, the Prometheus 0.0.4 and OpenMetrics 1.0 text writers,
 * the JVM's numbers from its management beans, and the decorators that instrument the store and the
 * receivers' ingestion once for every plugin. No dependency beyond the JDK.
 */
package io.guardops.engine.metrics;
