package io.guardops.engine;

import io.guardops.api.Json;
import io.guardops.api.Project;
import io.guardops.api.Span;
import io.guardops.api.StoredRecord;
import io.guardops.api.auth.Caller;
import io.guardops.api.store.RecordStore;
import io.guardops.engine.pii.PiiDetector;
import io.guardops.engine.pii.PiiEntity;
import io.guardops.engine.pii.PiiType;
import io.guardops.engine.pii.SpanMasker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Personal data and secrets: detection on demand ({@link #detect}), and masking at ingestion per project.
 * A project's owner turns masking on ({@link #update}); from then on every ingestion path (OTLP/HTTP,
 * OTLP/gRPC, the Python library, the in-process exporter, the engine's own traces of model calls) masks
 * the chosen types in prompts, outputs, attribute values, event attributes and status messages before
 * anything is stored, leaving the type in place ({@code [EMAIL]}). Members may read the setting.
 *
 * <p>Settings live in the store's record part (one record per project) and are cached per project for
 * {@code guardops.pii.cache-ttl} (5 s): a change applies at once on the instance that made it and within
 * that time on the others. A store without the record part never masks (and the settings routes answer
 * 501). Thread-safe. Obtain from {@link Engine#pii()}.
 */
@Singleton
public final class Pii {
  private static final Logger LOG = LoggerFactory.getLogger(Pii.class);
  static final String KIND = "pii_settings";
  /** Longest text {@link #detect} takes. */
  public static final int MAX_TEXT_CHARS = 1_000_000;

  /** A project's masking setting. */
  public record Policy(String projectId, boolean mask, Set<PiiType> entities) {
    public Policy {
      entities = Collections.unmodifiableSet(entities.isEmpty() ? EnumSet.noneOf(PiiType.class)
          : EnumSet.copyOf(entities));
    }
  }

  private static final Set<PiiType> NONE = Collections.unmodifiableSet(EnumSet.noneOf(PiiType.class));

  private final Records records;
  private final Access access;
  private final Clock clock;
  private final long ttlMillis;
  private final SpanMasker masker = new SpanMasker(PiiDetector.standard());
  /** project -> (types to mask, or none; until). */
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private volatile boolean warned;

  private record Cached(Set<PiiType> types, long until) {}

  @Inject
  Pii(Records records, Access access, Clock clock, FeatureSettings settings) {
    this.records = records;
    this.access = access;
    this.clock = clock;
    this.ttlMillis = settings.piiCacheTtl().toMillis();
  }

  /**
   * The findings of {@code types} in {@code text} ([start, end) in UTF-16 code units), by start.
   *
   * @throws EngineException BAD_REQUEST for a text longer than {@value #MAX_TEXT_CHARS} characters
   */
  public List<PiiEntity> detect(String text, Set<PiiType> types) {
    if (text != null && text.length() > MAX_TEXT_CHARS) {
      throw EngineException.badRequest("text is longer than " + MAX_TEXT_CHARS + " characters");
    }
    return PiiDetector.standard().detect(text, types);
  }

  /**
   * A project's masking setting (off, with the default types, until its owner sets it).
   *
   * @throws EngineException NOT_FOUND for a project the caller cannot see
   */
  public Policy get(Caller caller, String projectId) {
    Project p = access.readable(caller, projectId).project();
    return records.store("PII settings").find(KIND, p.projectId()).map(Pii::policy)
        .orElse(new Policy(p.projectId(), false, PiiType.DEFAULT));
  }

  /**
   * Changes a project's masking (owner only). {@code mask} or {@code entities} null: unchanged.
   *
   * @throws EngineException NOT_FOUND for a project the caller cannot see, FORBIDDEN for a member
   */
  public Policy update(Caller caller, String projectId, Boolean mask, Set<PiiType> entities) {
    Project p = access.owned(caller, projectId);
    RecordStore store = records.store("PII settings");
    Policy current = store.find(KIND, p.projectId()).map(Pii::policy)
        .orElse(new Policy(p.projectId(), false, PiiType.DEFAULT));
    Policy next = new Policy(p.projectId(), mask != null ? mask : current.mask(),
        entities != null ? entities : current.entities());
    if (next.mask() && next.entities().isEmpty()) {
      throw EngineException.badRequest("masking needs at least one entity type; known: " + List.of(PiiType.values()));
    }
    String json = json(next);
    if (!store.create(StoredRecord.create(KIND, p.projectId(), p.ownerId(), null, json, clock.instant()))) {
      records.update(store, KIND, p.projectId(), r -> new Records.Update(null, json));
    }
    cache.remove(p.projectId());
    return next;
  }

  /**
   * The spans with their projects' chosen types masked (the same list when no project masks). Never
   * throws over settings: a store that cannot be read leaves the spans of projects it does not know
   * unmasked for this batch, logged (ingestion must not fail over its own bookkeeping), and is asked again.
   */
  List<Span> mask(List<Span> spans) {
    if (records.optional().isEmpty()) {
      return spans;
    }
    List<Span> out = null;
    String project = null;
    Set<PiiType> types = NONE;
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      if (!s.projectId().equals(project)) {
        project = s.projectId();
        types = typesFor(project);
      }
      if (types.isEmpty()) {
        continue;
      }
      Span m = masker.mask(s, types);
      if (m != s) {
        if (out == null) {
          out = new ArrayList<>(spans);
        }
        out.set(i, m);
      }
    }
    return out == null ? spans : out;
  }

  private Set<PiiType> typesFor(String projectId) {
    long now = clock.millis();
    Cached c = cache.get(projectId);
    if (c != null && c.until() > now) {
      return c.types();
    }
    Set<PiiType> types;
    try {
      types = records.optional().get().find(KIND, projectId).map(Pii::policy)
          .filter(Policy::mask).map(Policy::entities).orElse(NONE);
    } catch (RuntimeException e) {
      // a project whose setting was known keeps it; the store's outage fails the write itself anyway
      if (!warned) {
        warned = true;
        LOG.warn("could not read the PII settings of project {}: {}", projectId, e.toString());
      }
      return c != null ? c.types() : NONE;
    }
    if (cache.size() > 100_000) {
      cache.clear();
    }
    cache.put(projectId, new Cached(types, now + ttlMillis));
    return types;
  }

  private static Policy policy(StoredRecord r) {
    Map<String, Object> m = Records.json(r);
    Set<PiiType> types = EnumSet.noneOf(PiiType.class);
    for (String t : Records.strings(m, "entities")) {
      try {
        types.add(PiiType.valueOf(t));
      } catch (IllegalArgumentException e) {
        // a type a newer version stored: ignored here
      }
    }
    return new Policy(r.id(), Boolean.TRUE.equals(Records.bool(m, "mask")), types);
  }

  private static String json(Policy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mask", p.mask());
    List<String> names = new ArrayList<>();
    p.entities().forEach(t -> names.add(t.name()));
    m.put("entities", names);
    return Json.write(m);
  }
}
