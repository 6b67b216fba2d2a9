package io.guardops.plugins.store.sqlite;

import io.guardops.api.store.MetaStore;
import java.util.Objects;
import java.util.Optional;

/** Deployment metadata in the {@code meta} key/value table. */
final class SqliteMetaStore implements MetaStore {
  private static final int MAX_KEY = 200;
  private static final int MAX_VALUE = 10_000;

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteMetaStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public Optional<String> get(String key) {
    Objects.requireNonNull(key, "key");
    return reads.read(c -> Sql.first(c, "SELECT value FROM meta WHERE key = ?", rs -> rs.getString(1), key));
  }

  @Override
  public String putIfAbsent(String key, String value) {
    check(key, value);
    // insert and read back in one write transaction: whoever inserted first, every caller sees its value
    return writer.call(c -> {
      Sql.update(c, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, value);
      return Sql.first(c, "SELECT value FROM meta WHERE key = ?", rs -> rs.getString(1), key).orElseThrow();
    });
  }

  @Override
  public void put(String key, String value) {
    check(key, value);
    writer.call(c -> Sql.update(c, "INSERT INTO meta (key, value) VALUES (?, ?)"
        + " ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value));
  }

  private static void check(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (key.isEmpty() || key.length() > MAX_KEY) {
      throw new IllegalArgumentException("a metadata key must have 1 to " + MAX_KEY + " characters, had "
          + key.length());
    }
    if (value.length() > MAX_VALUE) {
      throw new IllegalArgumentException("a metadata value must have at most " + MAX_VALUE + " characters, had "
          + value.length());
    }
  }
}
