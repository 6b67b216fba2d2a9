package io.guardops.engine;

import io.guardops.api.AttributeMapper;
import io.guardops.api.Project;
import io.guardops.api.Span;
import io.guardops.api.StoredRecord;
import io.guardops.api.store.RecordStore;
import io.guardops.api.store.Store;
import io.guardops.engine.ingest.SpanNormalizer;
import io.guardops.engine.pricing.PriceTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices per user: the bundled table (with {@code guardops.pricing.file}), overridden by the prices of
 * the global registered models (user "0"), overridden by the user's own registered models. Ingestion
 * prices the spans a user's keys write with that user's table, and spans written in-process with their
 * project owner's.
 *
 * <p>The hot path stays cheap: one map lookup per request for a normaliser built once per user and kept
 * for {@code guardops.models.price-cache-ttl}; a user without registered prices (the common case) shares
 * the engine's normaliser. Changes made on this instance apply at once; on others within the TTL.
 */
@Singleton
final class UserPricing {
  private static final Logger LOG = LoggerFactory.getLogger(UserPricing.class);
  private static final int MAX_CACHED = 10_000;

  private final Records records;
  private final Store store;
  private final Pricing pricing;
  private final List<AttributeMapper> mappers;
  private final Clock clock;
  private final long ttlMillis;
  private final ConcurrentHashMap<String, Cached> byUser = new ConcurrentHashMap<>();
  /** project id -> owner (a project's owner never changes). */
  private final ConcurrentHashMap<String, String> owners = new ConcurrentHashMap<>();

  /** A user's table and normaliser; {@code normalizer} null: the engine's own (no registered prices). */
  private record Cached(PriceTable table, SpanNormalizer normalizer, long until) {}

  @Inject
  UserPricing(Records records, Store store, Pricing pricing, List<AttributeMapper> mappers, Clock clock,
      FeatureSettings settings) {
    this.records = records;
    this.store = store;
    this.pricing = pricing;
    this.mappers = mappers;
    this.clock = clock;
    this.ttlMillis = settings.priceCacheTtl().toMillis();
  }

  /** The price table of {@code userId}'s spans and model calls. */
  PriceTable table(String userId) {
    return cached(userId).table();
  }

  /** The normaliser for spans written by {@code userId}'s keys: {@code base} unless they registered prices. */
  SpanNormalizer normalizer(String userId, SpanNormalizer base) {
    SpanNormalizer n = cached(userId).normalizer();
    return n == null ? base : n;
  }

  /** Normalises in-process spans with their project owners' prices. */
  List<Span> normalizeByOwner(List<Span> spans, SpanNormalizer base) {
    if (records.optional().isEmpty()) {
      return base.normalizeAll(spans);
    }
    String project = null;
    SpanNormalizer n = base;
    List<Span> out = new ArrayList<>(spans.size());
    for (Span s : spans) {
      if (!s.projectId().equals(project)) {
        project = s.projectId();
        String owner = ownerOf(project);
        n = owner == null ? base : normalizer(owner, base);
      }
      out.add(n.normalize(s));
    }
    return out;
  }

  /** Forgets a user's cached prices ({@code "0"}, whose models are everyone's: all users'). */
  void invalidate(String userId) {
    if (Models.GLOBAL_OWNER.equals(userId)) {
      byUser.clear();
    } else {
      byUser.remove(userId);
    }
  }

  private String ownerOf(String projectId) {
    String o = owners.get(projectId);
    if (o == null) {
      o = store.projects().find(projectId).map(Project::ownerId).orElse(null);
      if (o != null) {
        if (owners.size() > 100_000) {
          owners.clear();
        }
        owners.put(projectId, o);
      }
    }
    return o;
  }

  private Cached cached(String userId) {
    long now = clock.millis();
    Cached c = byUser.get(userId);
    if (c != null && c.until() > now) {
      return c;
    }
    c = load(userId, now);
    if (byUser.size() > MAX_CACHED) {
      byUser.clear();
    }
    byUser.put(userId, c);
    return c;
  }

  private Cached load(String userId, long now) {
    PriceTable base = pricing.table();
    Optional<RecordStore> part = records.optional();
    if (part.isEmpty()) {
      return new Cached(base, null, Long.MAX_VALUE);
    }
    Map<String, Object> overrides = new LinkedHashMap<>();
    try {
      // global first, so that the user's own entry of the same name replaces it
      prices(part.get(), Models.GLOBAL_OWNER, overrides);
      if (!Models.GLOBAL_OWNER.equals(userId)) {
        prices(part.get(), userId, overrides);
      }
    } catch (RuntimeException e) {
      // never fail ingestion over prices: price with the bundled table now and try again soon
      LOG.warn("could not read the registered prices of user {}: {}; using the bundled table for now", userId,
          e.toString());
      return new Cached(base, null, now + Math.min(ttlMillis, 5_000));
    }
    if (overrides.isEmpty()) {
      return new Cached(base, null, now + ttlMillis);
    }
    PriceTable table = base.withOverrides(Map.of("version", "registry:" + userId, "models", overrides));
    return new Cached(table, new SpanNormalizer(mappers, table), now + ttlMillis);
  }

  private static void prices(RecordStore records, String owner, Map<String, Object> out) {
    for (StoredRecord r : Records.all(records, Models.KIND, owner)) {
      Map<String, Object> m = Records.json(r);
      Double in = Records.dbl(m, "input_price");
      Double outPrice = Records.dbl(m, "output_price");
      String name = Records.str(m, "name");
      if (in != null && outPrice != null && name != null) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("input", in);
        entry.put("output", outPrice);
        String provider = Records.str(m, "provider");
        if (provider != null) {
          entry.put("provider", provider);
        }
        out.put(name.toLowerCase(java.util.Locale.ROOT), entry);
      }
    }
  }
}
