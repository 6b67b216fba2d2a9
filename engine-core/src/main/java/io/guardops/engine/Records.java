package io.guardops.engine;

import io.guardops.api.Json;
import io.guardops.api.StoredRecord;
import io.guardops.api.store.RecordStore;
import io.guardops.api.store.Store;
import io.guardops.engine.internal.Settings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The store's record part as the playground, model registry, arena, templates and PII settings use it:
 * JSON documents read into maps, replaced by compare-and-set with retries, and a 501 naming the part
 * when the configured store has none.
 */
@Singleton
final class Records {
  /** Attempts of a compare-and-set update before giving up with 409 (only under heavy contention). */
  private static final int CAS_ATTEMPTS = 32;

  private final Store store;
  private final String storeName;
  private final Clock clock;

  @Inject
  Records(Store store, Settings settings, Clock clock) {
    this.store = store;
    this.storeName = settings.store();
    this.clock = clock;
  }

  /** The record part, or 501 naming what needs it. */
  RecordStore store(String what) {
    return store.records().orElseThrow(() -> EngineException.notImplemented("the configured store (guardops.store="
        + storeName + ", " + store.getClass().getSimpleName() + ") does not keep records (needed by " + what + "): use a"
        + " store plugin version that has this part (the in-memory store, guardops.store=memory, has every part)"));
  }

  /** The record part, if the store has one (for ingestion, which must work without it). */
  Optional<RecordStore> optional() {
    return store.records();
  }

  Clock clock() {
    return clock;
  }

  static Map<String, Object> json(StoredRecord r) {
    return Json.readObject(r.json());
  }

  /**
   * Replaces a record with {@code change(current)} by compare-and-set, re-reading and retrying when
   * another writer got there first. {@code change} returns the new JSON, or null to leave the record
   * as it is.
   *
   * @return the record as stored afterwards, or empty when it does not exist (any more)
   * @throws EngineException CONFLICT when it kept changing under us
   */
  Optional<StoredRecord> update(RecordStore records, String kind, String id, Function<StoredRecord, Update> change) {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Optional<StoredRecord> current = records.find(kind, id);
      if (current.isEmpty()) {
        return Optional.empty();
      }
      Update u = change.apply(current.get());
      if (u == null) {
        return current;
      }
      StoredRecord next = current.get().next(u.key(), u.json(), clock.instant());
      if (records.replace(next)) {
        return Optional.of(next);
      }
    }
    throw EngineException.conflict(kind + " '" + id + "' is being changed by others right now; retry");
  }

  /** A new key and JSON for a record. */
  record Update(String key, String json) {}

  /** Every record of an owner and kind, page by page. */
  static List<StoredRecord> all(RecordStore records, String kind, String ownerId) {
    List<StoredRecord> out = new ArrayList<>();
    String after = null;
    while (true) {
      List<StoredRecord> page = records.list(kind, ownerId, after, 500);
      out.addAll(page);
      if (page.size() < 500) {
        return out;
      }
      after = page.get(page.size() - 1).id();
    }
  }

  // ---- reading JSON fields

  static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? null : v.toString();
  }

  static Double dbl(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.doubleValue() : null;
  }

  static Long lng(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.longValue() : null;
  }

  static Boolean bool(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Boolean b ? b : null;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  static List<Object> list(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
  }

  static List<String> strings(Map<String, Object> m, String key) {
    List<String> out = new ArrayList<>();
    for (Object o : list(m, key)) {
      if (o != null) {
        out.add(o.toString());
      }
    }
    return out;
  }
}
