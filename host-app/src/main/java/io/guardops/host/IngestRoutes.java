package io.guardops.host;

import io.guardops.api.auth.Caller;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.Ingest;
import io.guardops.host.wire.GuardOpsLibraryDecoder;
import io.guardops.otlp.DecodedSpans;
import io.guardops.otlp.OtlpJsonDecoder;
import io.guardops.otlp.OtlpProtobufDecoder;
import io.guardops.otlp.OtlpReplies;
import io.guardops.otlp.ProjectResolver;
import java.util.List;
import java.util.Map;

/**
 * Ingestion over HTTP: OTLP/HTTP (protobuf or JSON, gzip, chunked) and the GuardOps Python library's
 * {@code store_trace}. Both are authenticated by API key in the route table; the engine decides
 * which projects the key's owner may write to.
 */
final class IngestRoutes {
  private final Engine engine;
  private final GuardOpsLibraryDecoder libraryDecoder = new GuardOpsLibraryDecoder();

  private IngestRoutes(Engine engine) {
    this.engine = engine;
  }

  static void register(RouteTable t, Engine engine) {
    IngestRoutes r = new IngestRoutes(engine);
    t.keyRoute("POST", "/v1/traces", RouteTable.Guard.API_KEY_HEADER, RouteTable.ErrorStyle.OTLP,
        "OTLP/HTTP trace export (protobuf or JSON, optionally gzip)", r::otlp);
    t.keyRoute("POST", "/api/store_trace/", RouteTable.Guard.API_KEY_LIBRARY, RouteTable.ErrorStyle.DETAIL,
        "one span from the GuardOps Python library (`user_id`, `project_id`, `key_hash`)", r::library);
  }

  /**
   * OTLP/HTTP export. Replies as the OTLP specification says: 200 with an empty
   * {@code ExportTraceServiceResponse} (or its {@code partial_success} when some spans were rejected);
   * failures (rendered by the route table) carry a {@code google.rpc.Status} in the request's encoding.
   * 4xx tells the exporter not to retry; 503 tells it to retry, so nothing it was not told was stored
   * is lost.
   */
  private Object otlp(Request r, Caller caller) {
    OtlpReplies.Encoding encoding = OtlpReplies.Encoding.ofContentType(r.header("content-type"));
    if (encoding == null) {
      throw new EngineException(EngineException.Kind.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type must be application/x-protobuf or application/json, was '" + r.header("content-type") + "'");
    }
    Ingest.Routing routing = engine.ingest().routing(caller, r.header("x-guardops-project"));
    ProjectResolver resolver = routing::projectFor;
    DecodedSpans decoded;
    try {
      decoded = encoding == OtlpReplies.Encoding.JSON ? new OtlpJsonDecoder(resolver).decode(r.body())
          : new OtlpProtobufDecoder(resolver).decode(r.body());
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    if (decoded.spans().isEmpty() && decoded.rejectedSpans() > 0) {
      // nothing usable: a permanent error (400: the exporter must not retry), not a 200 that stored nothing
      String first = decoded.firstError();
      throw EngineException.badRequest("all " + decoded.rejectedSpans() + " span(s) were rejected; the first: "
          + (first == null ? routing.noProjectReason() : first));
    }
    engine.ingest().write(caller, decoded.spans());
    OtlpReplies.Reply reply = OtlpReplies.exported(decoded.rejectedSpans(), decoded.firstError(), encoding);
    return new Reply(reply.httpStatus(), reply.contentType(), reply.body());
  }

  /** The Python library's {@code POST /api/store_trace/}; the raw key in {@code trace.access_token} is never read. */
  private Object library(Request r, Caller caller) {
    String projectId = r.required("project_id").trim();
    engine.ingest().routing(caller, projectId); // 404 unless the key's owner may write to it
    GuardOpsLibraryDecoder.Result result;
    try {
      result = libraryDecoder.decode(r.body(), projectId);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    if (!result.ignored()) {
      engine.ingest().write(caller, List.of(result.span()));
    }
    return Map.of("stored", !result.ignored());
  }
}
