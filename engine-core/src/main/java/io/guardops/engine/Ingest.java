package io.guardops.engine;

import io.guardops.api.AttributeMapper;
import io.guardops.api.Project;
import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.store.Store;
import io.guardops.engine.ingest.SpanNormalizer;
import io.guardops.engine.pricing.PriceTable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingestion: every path (OTLP/HTTP, OTLP/gRPC, the GuardOps Python library, the in-process
 * exporter) ends here in one normalised, priced, batched and idempotent span write; methods return
 * only after the write is durable. The transports decode; this class decides where spans may go:
 * a key's owner writes to their own projects and to those shared with them. Thread-safe. Obtain from
 * {@link Engine#ingest()}.
 */
@Singleton
public final class Ingest {
  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
  /** The resource attribute some clients use to name their project. */
  public static final String PROJECT_ATTRIBUTE = io.guardops.api.SpanRules.PROJECT_ATTRIBUTE;

  private final Store store;
  private final Access access;
  private final Projects projects;
  private final SpanNormalizer normalizer;
  private final OnlineEvaluation online;
  private final UserPricing userPricing;
  private final Pii pii;

  @Inject
  Ingest(Store store, Access access, Projects projects, Pricing pricing, List<AttributeMapper> mappers,
      OnlineEvaluation online, UserPricing userPricing, Pii pii) {
    this.store = store;
    this.access = access;
    this.projects = projects;
    this.online = online;
    this.userPricing = userPricing;
    this.pii = pii;
    PriceTable prices = pricing.table();
    this.normalizer = new SpanNormalizer(mappers, prices);
    LOG.info("pricing table {}; {} attribute mappers", prices.version(), mappers.size());
  }

  /**
   * Where the spans of one request go. The project is the one the request names (a header), else
   * the resource attribute {@value #PROJECT_ATTRIBUTE} of each resource, else the caller's Default
   * Project. Used by decoders once per resource, not per span. Thread-safe.
   */
  public final class Routing {
    private final String user;
    private final String fallback;
    private final boolean fixed;
    private final Map<String, Boolean> checked = new ConcurrentHashMap<>();

    private Routing(String user, String fallback, boolean fixed) {
      this.user = user;
      this.fallback = fallback;
      this.fixed = fixed;
    }

    /**
     * The project for spans with these resource attributes, or {@code null} to reject that
     * resource's spans (a project the caller may not write to, or no project at all).
     */
    public String projectFor(Map<String, Object> resourceAttributes) {
      Object named = resourceAttributes.get(PROJECT_ATTRIBUTE);
      if (fixed || named == null) {
        return fallback;
      }
      String id = named.toString().trim();
      return checked.computeIfAbsent(id, p -> access.mayWrite(user, p)) ? id : null;
    }

    /** Why spans were rejected when {@link #projectFor} gave {@code null} for all of them. */
    public String noProjectReason() {
      return fallback == null
          ? "no project for these spans: send x-guardops-project or the resource attribute " + PROJECT_ATTRIBUTE
              + " (the key owner has no Default Project)"
          : "the resource attribute " + PROJECT_ATTRIBUTE + " names a project this key may not write to";
    }
  }

  /**
   * The routing of a request by an API-key caller.
   *
   * @param projectHeader the project the request names ({@code x-guardops-project}), or null
   * @throws EngineException NOT_FOUND when the request names a project the caller may not write to
   */
  public Routing routing(Caller caller, String projectHeader) {
    String user = access.userOf(caller);
    if (projectHeader != null && !projectHeader.isBlank()) {
      String id = projectHeader.trim();
      if (!access.mayWrite(user, id)) {
        throw EngineException.notFound("project '" + id + "' not found for this key's owner");
      }
      return new Routing(user, id, true);
    }
    return new Routing(user, projects.defaultProject(user).map(Project::projectId).orElse(null), false);
  }

  /**
   * Normalises, prices (with the caller's registered prices), masks (as each project asks) and stores
   * spans decoded for {@code caller}. Every span's project must be one
   * the caller may write to (the routing chose them; this checks again, per project, cheaply).
   *
   * @throws EngineException NOT_FOUND when a span names a project the caller may not write to
   */
  public void write(Caller caller, List<Span> spans) {
    if (spans.isEmpty()) {
      return;
    }
    String user = access.userOf(caller);
    Set<String> projectIds = new LinkedHashSet<>();
    for (Span s : spans) {
      projectIds.add(s.projectId());
    }
    for (String p : projectIds) {
      if (!access.mayWrite(user, p)) {
        throw EngineException.notFound("project '" + p + "' not found for this key's owner");
      }
    }
    // priced with the user's registered prices, masked as their projects ask, before anything is stored
    List<Span> normalized = pii.mask(userPricing.normalizer(user, normalizer).normalizeAll(spans));
    store.spans().write(normalized);
    online.offer(normalized);
  }

  /**
   * In-process ingestion by the embedding application: the spans carry their project already and are
   * trusted (no caller). Normalises, prices (with each project owner's registered prices), masks and
   * writes.
   */
  public void spans(List<Span> spans) {
    if (!spans.isEmpty()) {
      List<Span> normalized = pii.mask(userPricing.normalizeByOwner(spans, normalizer));
      store.spans().write(normalized);
      // only after the write is durable; never blocks (a bounded queue that drops when full)
      online.offer(normalized);
    }
  }
}
