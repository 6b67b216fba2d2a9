/**
 * Ingestion, internal to the engine: decoders for OTLP/HTTP protobuf and JSON
 * ({@link io.guardops.engine.ingest.OtlpProtobufDecoder}, {@link io.guardops.engine.ingest.OtlpJsonDecoder}) and
 * for the GuardOps Python library's {@code store_trace} body
 * ({@link io.guardops.engine.ingest.GuardOpsLibraryDecoder}), the gzip guard
 * ({@link io.guardops.engine.ingest.Payloads}), the normaliser that runs attribute mappers and pricing
 * ({@link io.guardops.engine.ingest.SpanNormalizer}) and the in-process OpenTelemetry exporter
 * ({@link io.guardops.engine.ingest.GuardOpsSpanExporter}).
 *
 * <p>Error policy (hot path): a whole body that cannot be read throws
 * {@link io.guardops.engine.ingest.MalformedPayloadException} (HTTP 400) or
 * {@link io.guardops.engine.ingest.PayloadTooLargeException} (413); a single bad span is counted and
 * reported in {@link io.guardops.engine.ingest.DecodedSpans} (OTLP partial success), never thrown.
 * Nothing here is API: the types are public only so that the engine and host can wire them.
 */
package io.guardops.engine.ingest;
