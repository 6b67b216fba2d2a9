package io.guardops.otlp;

import com.google.protobuf.CodedOutputStream;
import io.guardops.api.Json;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * OTLP replies as the specification gives them: an {@code ExportTraceServiceResponse} (with
 * {@code partial_success} when some spans were rejected) on success, a {@code google.rpc.Status} on
 * failure, each in the request's encoding, and the gRPC status code matching an HTTP status.
 * Stateless and thread-safe.
 */
public final class OtlpReplies {
  private OtlpReplies() {}

  /** The two OTLP/HTTP encodings. */
  public enum Encoding {
    PROTOBUF("application/x-protobuf"), JSON("application/json");

    private final String contentType;

    Encoding(String contentType) {
      this.contentType = contentType;
    }

    /** The Content-Type of replies in this encoding. */
    public String contentType() {
      return contentType;
    }

    /**
     * The encoding a request's Content-Type names ({@code application/x-protobuf},
     * {@code application/protobuf}, {@code application/json}, parameters ignored), or {@code null}.
     */
    public static Encoding ofContentType(String contentType) {
      String mime = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
      return switch (mime) {
        case "application/x-protobuf", "application/protobuf" -> PROTOBUF;
        case "application/json" -> JSON;
        default -> null;
      };
    }
  }

  /** A reply: HTTP status, Content-Type and body. */
  public record Reply(int httpStatus, String contentType, byte[] body) {}

  /** A successful export: empty, or a partial success naming how many spans were rejected and why. */
  public static Reply exported(int rejectedSpans, String errorMessage, Encoding encoding) {
    if (encoding == Encoding.JSON) {
      Map<String, Object> out = new LinkedHashMap<>();
      if (rejectedSpans > 0) {
        Map<String, Object> partial = new LinkedHashMap<>();
        // OTLP/JSON writes 64-bit integers as strings
        partial.put("rejectedSpans", String.valueOf(rejectedSpans));
        partial.put("errorMessage", errorMessage == null ? "" : errorMessage);
        out.put("partialSuccess", partial);
      }
      return new Reply(200, encoding.contentType(), Json.write(out).getBytes(StandardCharsets.UTF_8));
    }
    ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
    if (rejectedSpans > 0) {
      b.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
          .setRejectedSpans(rejectedSpans)
          .setErrorMessage(errorMessage == null ? "" : errorMessage));
    }
    return new Reply(200, encoding.contentType(), b.build().toByteArray());
  }

  /**
   * A failed export: the HTTP status with a {@code google.rpc.Status} ({@code code} = the gRPC code
   * for the HTTP status, {@code message}). Status is two fields, so it is written by hand instead of
   * pulling in the common-protos jar.
   */
  public static Reply failed(int httpStatus, String message, Encoding encoding) {
    int code = grpcCode(httpStatus);
    String msg = message == null ? "" : message;
    if (encoding == Encoding.JSON) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("code", code);
      m.put("message", msg);
      return new Reply(httpStatus, encoding.contentType(), Json.write(m).getBytes(StandardCharsets.UTF_8));
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
    return new Reply(httpStatus, encoding.contentType(), bytes.toByteArray());
  }

  /** The gRPC status code for an HTTP status, as the gRPC HTTP mapping pairs them. */
  public static int grpcCode(int httpStatus) {
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
