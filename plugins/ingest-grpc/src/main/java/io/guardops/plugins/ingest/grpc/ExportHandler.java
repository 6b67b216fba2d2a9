package io.guardops.plugins.ingest.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.guardops.api.auth.Caller;
import io.guardops.api.ingest.IngestException;
import io.guardops.api.ingest.IngestService;
import io.guardops.otlp.DecodedSpans;
import io.guardops.otlp.OtlpProtobufDecoder;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code Export} call, as OTLP/HTTP handles a POST: the key, then the project routing, then
 * decoding (bad spans rejected one by one: partial success), then one durable write; the reply only
 * after the write. Refusals get the status codes the OTLP specification gives: UNAUTHENTICATED,
 * NOT_FOUND (a project the key may not write to, answered like one that does not exist, as over HTTP),
 * INVALID_ARGUMENT (malformed, or every span rejected), RESOURCE_EXHAUSTED (too large, with no retry
 * info: do not retry), UNAVAILABLE with a {@code google.rpc.RetryInfo} (the store is down: retry).
 */
final class ExportHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ExportHandler.class);

  private final IngestService ingest;
  private final int maxMessageBytes;
  private final Duration retryDelay;

  ExportHandler(IngestService ingest, int maxMessageBytes, java.time.Duration retryDelay) {
    this.ingest = ingest;
    this.maxMessageBytes = maxMessageBytes;
    this.retryDelay = Duration.newBuilder().setSeconds(retryDelay.getSeconds()).setNanos(retryDelay.getNano()).build();
  }

  void export(TraceService.Incoming request, StreamObserver<ExportTraceServiceResponse> reply) {
    RefusalTracer.answeredHere();
    ExportTraceServiceResponse response;
    try {
      response = handle(request, RequestMetadata.current());
    } catch (IngestException e) {
      reply.onError(status(e));
      return;
    } catch (RuntimeException e) {
      LOG.error("OTLP/gRPC export failed: {}", e.toString(), e);
      reply.onError(Status.INTERNAL.withDescription("internal error").asRuntimeException());
      return;
    }
    reply.onNext(response);
    reply.onCompleted();
  }

  private ExportTraceServiceResponse handle(TraceService.Incoming request, RequestMetadata metadata) {
    Caller caller = ingest.apiKey(metadata.apiKey());
    if (request.tooLarge()) {
      throw refuse(IngestException.Kind.TOO_LARGE, "the message is larger than the limit of " + maxMessageBytes
          + " bytes (after decompression); send smaller batches");
    }
    if (request.unreadable() != null) {
      throw refuse(IngestException.Kind.INVALID, "the message could not be read: " + request.unreadable());
    }
    IngestService.Routing routing = ingest.routing(caller, metadata.project());
    DecodedSpans decoded;
    try {
      decoded = new OtlpProtobufDecoder(routing::projectFor).decode(request.body());
    } catch (IllegalArgumentException e) {
      throw refuse(IngestException.Kind.INVALID, e.getMessage());
    }
    if (decoded.rejectedSpans() > 0) {
      ingest.refused(IngestException.Kind.INVALID, decoded.rejectedSpans());
    }
    if (decoded.spans().isEmpty() && decoded.rejectedSpans() > 0) {
      // nothing usable: a permanent error (the exporter must not retry), not an OK that stored nothing
      String first = decoded.firstError();
      throw refuse(IngestException.Kind.INVALID, "all " + decoded.rejectedSpans() + " span(s) were rejected; the first: "
          + (first == null ? routing.noProjectReason() : first));
    }
    ingest.write(caller, decoded.spans());
    ExportTraceServiceResponse.Builder out = ExportTraceServiceResponse.newBuilder();
    if (decoded.rejectedSpans() > 0) {
      out.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(decoded.rejectedSpans())
          .setErrorMessage(decoded.firstError() == null ? "" : decoded.firstError()));
    }
    return out.build();
  }

  /** A refusal of this receiver's own, counted by the engine's metrics (its service counts the ones it throws). */
  private IngestException refuse(IngestException.Kind kind, String message) {
    ingest.refused(kind, 0);
    return new IngestException(kind, message);
  }

  /** A request gRPC refused before the handler saw it (a frame over the size limit). */
  void refusedByGrpc(IngestException.Kind kind) {
    ingest.refused(kind, 0);
  }

  private StatusRuntimeException status(IngestException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    return switch (e.kind()) {
      case UNAUTHENTICATED -> Status.UNAUTHENTICATED.withDescription(message).asRuntimeException();
      case NOT_FOUND -> Status.NOT_FOUND.withDescription(message).asRuntimeException();
      case INVALID -> Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
      case TOO_LARGE -> Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
      case UNAVAILABLE -> {
        LOG.warn("OTLP/gRPC export refused, the client will retry: {}", message);
        // the status details travel in the grpc-status-details-bin trailer, where exporters read RetryInfo
        yield StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
            .setCode(Code.UNAVAILABLE_VALUE).setMessage(message)
            .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(retryDelay).build())).build());
      }
    };
  }
}
