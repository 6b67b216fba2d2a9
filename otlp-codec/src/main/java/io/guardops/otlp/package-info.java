/**
 * OTLP for every transport that receives it (OTLP/HTTP in the host, OTLP/gRPC in its plugin):
 * decoders for protobuf ({@link io.guardops.otlp.OtlpProtobufDecoder}) and OTLP/JSON
 * ({@link io.guardops.otlp.OtlpJsonDecoder}) into the plugin API's spans, the replies the
 * specification gives ({@link io.guardops.otlp.OtlpReplies}), and the one gunzip of every ingest path
 * ({@link io.guardops.otlp.Gzip}).
 *
 * <p>Error policy (hot path): a whole body that cannot be read throws
 * {@link io.guardops.otlp.MalformedPayloadException} (HTTP 400) or
 * {@link io.guardops.otlp.PayloadTooLargeException} (413); a single bad span is counted and reported
 * in {@link io.guardops.otlp.DecodedSpans} (OTLP partial success), never thrown.
 */
package io.guardops.otlp;
