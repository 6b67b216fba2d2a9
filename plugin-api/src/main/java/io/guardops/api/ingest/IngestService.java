package io.guardops.api.ingest;

import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import java.util.List;
import java.util.Map;

/**
 * The engine's ingestion, as a receiver plugin (OTLP/gRPC, ...) sees it: the same API keys, project
 * routing, normalisation and durability as OTLP/HTTP. A receiver decodes its protocol (the
 * {@code otlp-codec} module does OTLP), then calls these in order. Thread-safe.
 */
public interface IngestService {
  /**
   * The caller an API key stands for.
   *
   * @throws IngestException UNAUTHENTICATED for a missing, unknown or revoked key
   */
  Caller apiKey(String rawKey);

  /**
   * Where the spans of one request go: the project it names ({@code projectHeader}, may be null),
   * else each resource's {@code guardops.project.id}, else the key owner's Default Project.
   *
   * @throws IngestException NOT_FOUND when {@code projectHeader} names a project the caller may not write to
   */
  Routing routing(Caller caller, String projectHeader);

  /**
   * Normalises, prices and durably stores spans decoded for {@code caller}; returns once they are
   * durable.
   *
   * @throws IngestException NOT_FOUND for a project the caller may not write to, UNAVAILABLE when the
   *     store cannot take them (the client retries)
   */
  void write(Caller caller, List<Span> spans);

  /** Largest request body, after decompression, that ingestion accepts ({@code guardops.http.max-body-bytes}). */
  long maxMessageBytes();

  /**
   * Tells the engine's metrics what this receiver refused by itself, without a call of this service
   * failing: {@code spans} decoded spans it dropped (a bad id or timestamp, no project they may go to),
   * or, with {@code spans} 0, a whole request it refused before decoding (malformed, too large).
   * Refusals that this service's own methods throw are counted already. Counting only; the default
   * ignores it.
   */
  default void refused(IngestException.Kind reason, int spans) {}

  /** Chooses the project of a request's spans, once per resource. */
  interface Routing {
    /** The project for spans with these resource attributes, or {@code null} to reject them. */
    String projectFor(Map<String, Object> resourceAttributes);

    /** Why spans were rejected when {@link #projectFor} gave {@code null}. */
    String noProjectReason();
  }
}
