package io.guardops.host;

import io.guardops.api.auth.Caller;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.Ingest;
import io.guardops.engine.metrics.EngineMetrics;
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
  // refused requests are counted by the route table, whatever refused them; spans here
  private final EngineMetrics.IngestMeter otlpMeter;
  private final EngineMetrics.IngestMeter libraryMeter;

  private IngestRoutes(Engine engine) {
    this.engine = engine;
    this.otlpMeter = engine.metrics().ingest("http");
    this.libraryMeter = engine.metrics().ingest("library");
  }

  static void register(RouteTable t, Engine engine) {
    IngestRoutes r = new IngestRoutes(engine);
    t.keyRoute("POST", "/v1/traces", RouteTable.Guard.API_KEY_HEADER, RouteTable.ErrorStyle.OTLP,
        "OTLP/HTTP trace export (protobuf or JSON, optionally gzip)", r::otlp)
        .params(Param.header("x-guardops-project", "the project for every span of the request (else the resource"
            + " attribute guardops.project.id, else the key owner's Default Project)"))
        .body("an OTLP ExportTraceServiceRequest; Content-Encoding: gzip accepted", "application/x-protobuf",
            Reply.JSON);
    t.keyRoute("POST", "/api/store_trace/", RouteTable.Guard.API_KEY_LIBRARY, RouteTable.ErrorStyle.DETAIL,
        "one span from the GuardOps Python library (`user_id`, `project_id`, `key_hash`)", r::library)
        .params(Param.query("user_id", "the key owner's user id").required(), Param.PROJECT_ID,
            Param.query("key_hash", "hex SHA-256 of the API key").required())
        .body("the library's trace document", Reply.JSON);
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
    if (decoded.rejectedSpans() > 0) {
      otlpMeter.received(decoded.rejectedSpans());
      otlpMeter.rejected(EngineMetrics.Reason.INVALID, decoded.rejectedSpans());
    }
    if (decoded.spans().isEmpty() && decoded.rejectedSpans() > 0) {
      // nothing usable: a permanent error (400: the exporter must not retry), not a 200 that stored nothing
      String first = decoded.firstError();
      throw EngineException.badRequest("all " + decoded.rejectedSpans() + " span(s) were rejected; the first: "
          + (first == null ? routing.noProjectReason() : first));
    }
    List<io.guardops.api.Span> spans = decoded.spans();
    otlpMeter.write(spans.size(), () -> engine.ingest().write(caller, spans));
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
      libraryMeter.write(1, () -> engine.ingest().write(caller, List.of(result.span())));
    }
    return Map.of("stored", !result.ignored());
  }
}
