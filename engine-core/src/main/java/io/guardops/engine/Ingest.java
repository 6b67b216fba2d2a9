package io.guardops.engine;

import io.guardops.api.ApiKey;
import io.guardops.api.AttributeMapper;
import io.guardops.api.Project;
import io.guardops.api.Span;
import io.guardops.api.Store;
import io.guardops.engine.ingest.DecodedSpans;
import io.guardops.engine.ingest.GuardOpsLibraryDecoder;
import io.guardops.engine.ingest.OtlpJsonDecoder;
import io.guardops.engine.ingest.OtlpProtobufDecoder;
import io.guardops.engine.ingest.ProjectResolver;
import io.guardops.engine.ingest.SpanNormalizer;
import io.guardops.engine.internal.Settings;
import io.guardops.engine.pricing.PriceTable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingestion: every path (OTLP/HTTP, the GuardOps Python library, the in-process exporter) ends
 * here in one normalised, priced, batched and idempotent {@link Store#writeSpans} call; methods
 * return only after that write is durable. Thread-safe. Obtain from {@link Engine#ingest()}.
 */
@Singleton
public final class Ingest {
  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

  private final Store store;
  private final ApiKeys keys;
  private final Projects projects;
  private final SpanNormalizer normalizer;
  private final GuardOpsLibraryDecoder libraryDecoder = new GuardOpsLibraryDecoder();

  /** What an OTLP request did: accepted and rejected span counts, and the first rejection's reason. */
  public record OtlpResult(int acceptedSpans, int rejectedSpans, String errorMessage) {}

  @Inject
  Ingest(Store store, ApiKeys keys, Projects projects, Settings settings, List<AttributeMapper> mappers) {
    this.store = store;
    this.keys = keys;
    this.projects = projects;
    PriceTable prices = PriceTable.bundled();
    Optional<java.nio.file.Path> overrides = settings.pricingFile();
    if (overrides.isPresent()) {
      try {
        prices = prices.withOverrides(overrides.get());
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("guardops.pricing.file " + overrides.get() + " cannot be read: "
            + e.getMessage(), e);
      }
    }
    this.normalizer = new SpanNormalizer(mappers, prices);
    LOG.info("pricing table {}; {} attribute mappers", prices.version(), mappers.size());
  }

  /**
   * OTLP/HTTP. The project comes from {@code projectHeader}, else the resource attribute
   * {@code guardops.project.id}, else the key owner's Default Project.
   *
   * @param apiKey        the raw key ({@code Authorization: Bearer} or {@code x-guardops-api-key})
   * @param projectHeader the {@code x-guardops-project} header, or null
   * @param body          the request body, already gunzipped
   * @param json          true for OTLP/JSON, false for protobuf
   * @throws EngineException UNAUTHORIZED for a missing, unknown or revoked key; FORBIDDEN when the
   *     header names a project the key's owner does not own; BAD_REQUEST for a malformed payload, when
   *     every span was rejected (bad ids or timestamps, a resource naming a project the owner may not
   *     write to) or when no project can be chosen. Some spans rejected is a partial success.
   */
  public OtlpResult otlp(String apiKey, String projectHeader, byte[] body, boolean json) {
    if (apiKey == null || apiKey.isBlank()) {
      throw EngineException.unauthorized(
          "an API key is required (Authorization: Bearer <key> or x-guardops-api-key)");
    }
    ApiKey key = keys.verifyRawKey(apiKey)
        .orElseThrow(() -> EngineException.unauthorized("unknown or revoked API key"));
    String owner = key.ownerId();
    String fallback;
    if (projectHeader != null && !projectHeader.isBlank()) {
      fallback = ownedOrNull(owner, projectHeader.trim());
      if (fallback == null) {
        throw EngineException.forbidden("the key's owner may not write to project '" + projectHeader.trim() + "'");
      }
    } else {
      fallback = projects.defaultProject(owner).map(Project::projectId).orElse(null);
    }
    Map<String, String> checked = new ConcurrentHashMap<>();
    boolean fromHeader = projectHeader != null && !projectHeader.isBlank();
    ProjectResolver resolver = resource -> {
      Object named = resource.get(ProjectResolver.PROJECT_ATTRIBUTE);
      if (fromHeader || named == null) {
        return fallback;
      }
      String id = named.toString();
      // null rejects this resource's spans: the owner may not write there
      return checked.computeIfAbsent(id, p -> Optional.ofNullable(ownedOrNull(owner, p)).orElse("")).isEmpty()
          ? null : id;
    };
    DecodedSpans decoded;
    try {
      decoded = json ? new OtlpJsonDecoder(resolver).decode(body) : new OtlpProtobufDecoder(resolver).decode(body);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    if (decoded.spans().isEmpty() && decoded.rejectedSpans() > 0) {
      // nothing usable: a permanent error (400, the exporter must not retry), not a 200 that stored nothing
      if (fallback == null) {
        throw EngineException.badRequest("no project for these spans: send x-guardops-project or the resource "
            + "attribute guardops.project.id (the key owner has no Default Project)");
      }
      throw EngineException.badRequest("all " + decoded.rejectedSpans() + " span(s) were rejected; the first: "
          + decoded.firstError());
    }
    write(decoded.spans());
    return new OtlpResult(decoded.spans().size(), decoded.rejectedSpans(), decoded.firstError());
  }

  private String ownedOrNull(String owner, String projectId) {
    try {
      return projects.requireOwned(owner, projectId).projectId();
    } catch (EngineException e) {
      return null;
    }
  }

  /**
   * The Python library's {@code POST /api/store_trace/}. The raw key the library puts in
   * {@code trace.access_token} is never read or kept.
   *
   * @return false when the span was ignored (the library's own GET/POST spans), true when stored
   * @throws EngineException UNAUTHORIZED when {@code keyHash} is not a key of {@code userId};
   *     NOT_FOUND when the user does not own the project; BAD_REQUEST for a malformed body
   */
  public boolean guardOpsLibrary(String userId, String projectId, String keyHash, byte[] body) {
    ApiKey key = keys.verifyKeyHash(keyHash)
        .filter(k -> k.ownerId().equals(userId))
        .orElseThrow(() -> EngineException.unauthorized("unknown or revoked key_hash for user '" + userId + "'"));
    projects.requireOwned(key.ownerId(), projectId);
    GuardOpsLibraryDecoder.Result result;
    try {
      result = libraryDecoder.decode(body, projectId);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    if (result.ignored()) {
      return false;
    }
    write(List.of(result.span()));
    return true;
  }

  /** In-process ingestion: the spans carry their project already; normalises, prices and writes. */
  public void spans(List<Span> spans) {
    write(spans);
  }

  private void write(List<Span> spans) {
    if (spans.isEmpty()) {
      return;
    }
    store.writeSpans(normalizer.normalizeAll(spans));
  }
}
