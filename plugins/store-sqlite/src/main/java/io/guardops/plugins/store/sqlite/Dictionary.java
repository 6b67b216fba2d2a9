package io.guardops.plugins.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What spans repeat, stored once and referred to by number (schema v7): strings in {@code strings}
 * (project ids, attribute keys, span and event names, model and provider names) and resources in
 * {@code resources} (a resource is the same for every span a process sends). A span then holds a
 * varint where it held the text.
 *
 * <p>Numbers are assigned in a transaction of their own on the writer thread ({@link #intern}), committed
 * before any span refers to them, and only then learnt by this cache ({@link #learn}): a span transaction
 * that fails can never leave the cache knowing a number the file does not. Numbers never change nor go
 * away, so the cache needs no invalidation; a number another process assigned is read from the file
 * the first time it is met. Past {@link #MAX_STRINGS} strings (keys that embed ids, say) new strings are
 * written inline instead; project ids are always interned (summaries refer to them). Thread-safe.
 */
final class Dictionary {
  /** Most strings interned (project ids excepted); beyond, new keys and names are stored inline. */
  static final int MAX_STRINGS = 100_000;
  /** Longest string interned; a longer key or name is stored inline. */
  static final int MAX_LENGTH = 200;
  /** Decoded resources kept in memory (a process sends one; a busy deployment some hundreds). */
  private static final int MAX_CACHED_RESOURCES = 10_000;

  private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, String> values = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ResourceKey, Long> resourceRefs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Map<String, Object>> resources = new ConcurrentHashMap<>();

  /** Encoded resource bytes as a map key. */
  record ResourceKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ResourceKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  /** What {@link #intern} assigned: ids of strings, refs of encoded resources. */
  record Interned(Map<String, Integer> strings, Map<ResourceKey, Long> resources) {}

  /** The id of {@code s} if this process knows it. */
  Integer id(String s) {
    return ids.get(s);
  }

  /** The id of {@code s}, read from the file through {@code c} when this process does not know it; null if none. */
  Integer lookup(String s, Connection c) throws SQLException {
    Integer id = ids.get(s);
    if (id != null) {
      return id;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM strings WHERE value = ?")) {
      ps.setString(1, s);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        id = rs.getInt(1);
      }
    }
    remember(id, s);
    return id;
  }

  /** Whether a new string may still be interned (not too long, room left). */
  boolean mayIntern(String s) {
    return s.length() <= MAX_LENGTH && ids.size() < MAX_STRINGS;
  }

  /** The ref of an encoded resource if this process knows it. */
  Long resourceRef(ResourceKey encoded) {
    return resourceRefs.get(encoded);
  }

  /** The string with id {@code id}, read from the file through {@code c} if another process interned it. */
  String value(int id, Connection c) throws SQLException {
    String v = values.get(id);
    if (v != null) {
      return v;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT id, value FROM strings WHERE id >= ?")) {
      ps.setInt(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          remember(rs.getInt(1), rs.getString(2));
        }
      }
    }
    v = values.get(id);
    if (v == null) {
      throw new IllegalStateException("corrupt stored span: string " + id + " is not in the dictionary");
    }
    return v;
  }

  /** The resource with ref {@code ref} (0 is the empty resource), read through {@code c} when not cached. */
  Map<String, Object> resource(long ref, Connection c) throws SQLException {
    if (ref == 0) {
      return Map.of();
    }
    Map<String, Object> r = resources.get(ref);
    if (r != null) {
      return r;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT body FROM resources WHERE ref = ?")) {
      ps.setLong(1, ref);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("corrupt stored span: resource " + ref + " is missing");
        }
        r = SpanCodec.decodeResource(rs.getBytes(1));
      }
    }
    if (resources.size() >= MAX_CACHED_RESOURCES) {
      resources.clear();
    }
    resources.put(ref, r);
    return r;
  }

  /** Loads every string of the file (at open: the readers and the writer then rarely read it). */
  void load(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, value FROM strings")) {
      while (rs.next()) {
        remember(rs.getInt(1), rs.getString(2));
      }
    }
  }

  /** Learns what a committed {@link #intern} assigned. */
  void learn(Interned interned) {
    interned.strings().forEach((s, id) -> remember(id, s));
    interned.resources().forEach((k, ref) -> {
      if (resourceRefs.size() >= MAX_CACHED_RESOURCES) {
        resourceRefs.clear();
      }
      resourceRefs.put(k, ref);
    });
  }

  private void remember(int id, String value) {
    values.put(id, value);
    ids.put(value, id);
  }

  /**
   * Assigns ids to {@code strings} and refs to the encoded {@code resources} (finding those the file has
   * already, from any process), inside the caller's write transaction on the writer thread.
   */
  static Interned intern(Connection c, Collection<String> strings, Collection<ResourceKey> encoded)
      throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    if (!strings.isEmpty()) {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO strings (value) VALUES (?)"
          + " ON CONFLICT (value) DO NOTHING");
          PreparedStatement select = c.prepareStatement("SELECT id FROM strings WHERE value = ?")) {
        for (String s : strings) {
          insert.setString(1, s);
          insert.executeUpdate();
          select.setString(1, s);
          try (ResultSet rs = select.executeQuery()) {
            rs.next();
            out.put(s, rs.getInt(1));
          }
        }
      }
    }
    Map<ResourceKey, Long> refs = new LinkedHashMap<>();
    if (!encoded.isEmpty()) {
      try (PreparedStatement find = c.prepareStatement("SELECT ref, body FROM resources WHERE hash = ?");
          PreparedStatement insert = c.prepareStatement("INSERT INTO resources (hash, body) VALUES (?, ?)")) {
        for (ResourceKey k : encoded) {
          long hash = hash(k.bytes());
          Long ref = null;
          find.setLong(1, hash);
          try (ResultSet rs = find.executeQuery()) {
            while (ref == null && rs.next()) {
              if (Arrays.equals(rs.getBytes(2), k.bytes())) {
                ref = rs.getLong(1);
              }
            }
          }
          if (ref == null) {
            insert.setLong(1, hash);
            insert.setBytes(2, k.bytes());
            insert.executeUpdate();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
              rs.next();
              ref = rs.getLong(1);
            }
          }
          refs.put(k, ref);
        }
      }
    }
    return new Interned(out, refs);
  }

  /** FNV-1a, 64 bits: the resources table's lookup key (equal bytes are compared on a match). */
  static long hash(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** The strings among {@code candidates} this process has no id for, in order, without repeats. */
  List<String> unknown(Collection<String> candidates) {
    return candidates.stream().filter(s -> !ids.containsKey(s)).distinct().toList();
  }
}
