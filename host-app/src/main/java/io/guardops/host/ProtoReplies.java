package io.guardops.host;

import com.google.protobuf.CodedOutputStream;
import io.guardops.api.Json;
import io.guardops.engine.Ingest;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** OTLP/HTTP replies: the export response and the {@code google.rpc.Status} of a failure. */
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

  /**
   * A failed export: the HTTP status with a {@code google.rpc.Status} ({@code code} = the gRPC code
   * matching the HTTP status, {@code message}), protobuf-encoded or as JSON like the request.
   * Status is two fields, so it is written by hand instead of pulling in the common-protos jar.
   */
  static Routes.Reply status(int httpStatus, String message, boolean json) {
    int code = grpcCode(httpStatus);
    String msg = message == null ? "" : message;
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("code", code);
      m.put("message", msg);
      return new Routes.Reply(httpStatus, GuardOpsServer.MIME_JSON, Json.write(m).getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(msg.length() + 8);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeInt32(1, code);
      out.writeString(2, msg);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Routes.Reply(httpStatus, "application/x-protobuf", bytes.toByteArray());
  }

  /** The gRPC status code for an HTTP status, as the gRPC HTTP mapping pairs them. */
  static int grpcCode(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> 3;   // INVALID_ARGUMENT
      case 401 -> 16;  // UNAUTHENTICATED
      case 403 -> 7;   // PERMISSION_DENIED
      case 404 -> 5;   // NOT_FOUND
      case 413 -> 8;   // RESOURCE_EXHAUSTED
      case 415 -> 12;  // UNIMPLEMENTED
      case 429 -> 8;   // RESOURCE_EXHAUSTED
      case 503 -> 14;  // UNAVAILABLE
      default -> httpStatus >= 500 ? 13 : 2; // INTERNAL, UNKNOWN
    };
  }
}
