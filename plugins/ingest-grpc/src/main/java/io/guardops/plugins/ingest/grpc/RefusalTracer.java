package io.guardops.plugins.ingest.grpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.guardops.api.ingest.IngestException;

/**
 * Sees how every {@code Export} call ended, so that a request gRPC refused by itself before the
 * handler ran (a message over the size limit is refused as its frame header arrives) is still counted
 * in the engine's metrics. Calls the handler answered are counted there.
 */
final class RefusalTracer extends ServerStreamTracer {
  private static final Context.Key<RefusalTracer> KEY = Context.key("guardops-refusal-tracer");

  private final ExportHandler handler;
  private volatile boolean answered;

  private RefusalTracer(ExportHandler handler) {
    this.handler = handler;
  }

  /** Marks the current call as answered by the handler. */
  static void answeredHere() {
    RefusalTracer t = KEY.get();
    if (t != null) {
      t.answered = true;
    }
  }

  @Override
  public Context filterContext(Context context) {
    return context.withValue(KEY, this);
  }

  @Override
  public void streamClosed(Status status) {
    if (!answered && status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      handler.refusedByGrpc(IngestException.Kind.TOO_LARGE);
    }
  }

  static final class Factory extends ServerStreamTracer.Factory {
    private final ExportHandler handler;

    Factory(ExportHandler handler) {
      this.handler = handler;
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
      return TraceService.EXPORT.equals(fullMethodName) ? new RefusalTracer(handler) : new ServerStreamTracer() { };
    }
  }
}
