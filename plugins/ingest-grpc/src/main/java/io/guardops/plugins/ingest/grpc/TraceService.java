package io.guardops.plugins.ingest.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code opentelemetry.proto.collector.trace.v1.TraceService} written by hand (one unary method, no
 * generated stub, no protoc): the request stays bytes until {@link ExportHandler} decodes it with the
 * same decoder as OTLP/HTTP, so both transports decode alike and the size limit is checked while the
 * (possibly gzip) message is read.
 */
final class TraceService {
  static final String SERVICE = "opentelemetry.proto.collector.trace.v1.TraceService";
  static final String EXPORT = MethodDescriptor.generateFullMethodName(SERVICE, "Export");

  private TraceService() {}

  /**
   * A request as read off the wire: its bytes, or why they could not be read.
   *
   * @param tooLarge the message (after decompression) is larger than the limit
   * @param unreadable why the message could not be read (bad gzip), or null
   */
  record Incoming(byte[] body, boolean tooLarge, String unreadable) {}

  static ServerServiceDefinition definition(ExportHandler handler, int maxMessageBytes) {
    MethodDescriptor<Incoming, ExportTraceServiceResponse> export =
        MethodDescriptor.<Incoming, ExportTraceServiceResponse>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(EXPORT)
            .setRequestMarshaller(new RequestMarshaller(maxMessageBytes))
            .setResponseMarshaller(ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
            .build();
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(export, ServerCalls.asyncUnaryCall(handler::export))
        .build();
  }

  /**
   * Reads the request's bytes, at most the limit: gRPC inflates a gzip message while we read, and
   * says so (RESOURCE_EXHAUSTED) when it inflates past the limit. Never throws, so that every refusal
   * is answered by the handler with the right status instead of gRPC's generic one.
   */
  static final class RequestMarshaller implements MethodDescriptor.Marshaller<Incoming> {
    private final int maxBytes;

    RequestMarshaller(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public InputStream stream(Incoming value) {
      return new ByteArrayInputStream(value.body());
    }

    @Override
    public Incoming parse(InputStream in) {
      try (in) {
        byte[] body = in.readNBytes(maxBytes + 1);
        if (body.length > maxBytes) {
          return new Incoming(null, true, null);
        }
        return new Incoming(body, false, null);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
          return new Incoming(null, true, null);
        }
        return new Incoming(null, false, e.getStatus().getDescription());
      } catch (IOException | RuntimeException e) {
        return new Incoming(null, false, e.getMessage() == null ? e.toString() : e.getMessage());
      }
    }
  }

}
