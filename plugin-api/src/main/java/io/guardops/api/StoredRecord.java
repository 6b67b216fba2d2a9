package io.guardops.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A small document a feature keeps without a table of its own (a playground, a registered model, a
 * prompt template version, arena ratings, a project's settings): its kind, id, owner, an optional
 * lookup key, its JSON text as the feature wrote it, and a version for compare-and-set updates.
 *
 * @param kind what it is ({@code playground}, {@code model}, ...); lowercase, at most 64 characters
 * @param key an optional secondary lookup key within the kind and owner (a template's name), or null
 * @param version 1 when created, +1 per replacement
 */
public record StoredRecord(String kind, String id, String ownerId, String key, long version, String json,
    Instant createdAt, Instant updatedAt) {
  public StoredRecord {
    Checks.notBlank(kind, "kind");
    if (kind.length() > 64 || !kind.equals(kind.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException("a record kind is lowercase and at most 64 characters, was '" + kind + "'");
    }
    Checks.notBlank(id, "id");
    if (id.length() > 200) {
      throw new IllegalArgumentException("a record id is at most 200 characters");
    }
    Checks.notBlank(ownerId, "ownerId");
    if (key != null && (key.isBlank() || key.length() > 300)) {
      throw new IllegalArgumentException("a record key is 1 to 300 characters");
    }
    if (version < 1) {
      throw new IllegalArgumentException("record versions start at 1");
    }
    Objects.requireNonNull(json, "json");
    if (json.length() > 4 * 1024 * 1024) {
      throw new IllegalArgumentException("a record is at most 4 MiB of JSON");
    }
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** A new record, version 1. */
  public static StoredRecord create(String kind, String id, String ownerId, String key, String json, Instant at) {
    return new StoredRecord(kind, id, ownerId, key, 1, json, at, at);
  }

  /** This record's next version with new JSON (and key). */
  public StoredRecord next(String newKey, String newJson, Instant at) {
    return new StoredRecord(kind, id, ownerId, newKey, version + 1, newJson, createdAt, at);
  }
}
