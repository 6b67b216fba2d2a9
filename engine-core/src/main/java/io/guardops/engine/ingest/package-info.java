/**
 * Ingestion inside the engine: the normaliser that runs attribute mappers and pricing
 * ({@link io.guardops.engine.ingest.SpanNormalizer}) and the in-process OpenTelemetry exporter
 * ({@link io.guardops.engine.ingest.GuardOpsSpanExporter}). Wire decoding lives with the transports:
 * OTLP in the {@code otlp-codec} module, the GuardOps library's body in {@code host-app}. Nothing here
 * is API: the types are public only so that the engine and host can wire them.
 */
package io.guardops.engine.ingest;
