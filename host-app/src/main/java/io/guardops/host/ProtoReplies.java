package io.guardops.host;

import io.guardops.engine.Ingest;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

/** OTLP protobuf replies. */
final class ProtoReplies {
  private ProtoReplies() {}

  /** The ExportTraceServiceResponse bytes. */
  static byte[] exportResponse(Ingest.OtlpResult result) {
    ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
    if (result.rejectedSpans() > 0) {
      b.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
          .setRejectedSpans(result.rejectedSpans())
          .setErrorMessage(result.errorMessage() == null ? "" : result.errorMessage()));
    }
    return b.build().toByteArray();
  }
}
