package io.guardops.plugins.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/** JDBC helpers shared by the store's parts: binding, reading nullable columns, IN lists, query plans. */
final class Sql {
  /** SQLite's default limit of bound parameters is 32766; stay far below it. */
  static final int MAX_IN_PARAMS = 500;

  private Sql() {}

  /** Reads one row. */
  @FunctionalInterface
  interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Takes one row. */
  @FunctionalInterface
  interface RowHandler {
    void handle(ResultSet rs) throws SQLException;
  }

  static long nanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(0, nanos);
  }

  static Long nanosOrNull(Instant i) {
    return i == null ? null : nanos(i);
  }

  static Instant instantOrNull(ResultSet rs, int column) throws SQLException {
    Long v = getLong(rs, column);
    return v == null ? null : instant(v);
  }

  /** Every row of {@code sql} with {@code params}, read by {@code reader}. */
  static <T> List<T> query(Connection c, String sql, RowReader<T> reader, Object... params) throws SQLException {
    List<T> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(reader.read(rs));
        }
      }
    }
    return out;
  }

  /** The first row of {@code sql}, if any. */
  static <T> Optional<T> first(Connection c, String sql, RowReader<T> reader, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      return first(ps, reader, params);
    }
  }

  /** The first row of a prepared statement (left open, its result set closed), if any. */
  static <T> Optional<T> first(PreparedStatement ps, RowReader<T> reader, Object... params) throws SQLException {
    bind(ps, params);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(reader.read(rs)) : Optional.empty();
    }
  }

  /**
   * Runs a query with an IN list over {@code values}: {@code sqlFor.apply(n)} is the query for a list
   * of {@code n} placeholders, bound after the {@code leading} parameters; long lists go in chunks of
   * {@link #MAX_IN_PARAMS}, in order. Every row goes to {@code each}.
   */
  static void forEachIn(Connection c, IntFunction<String> sqlFor, List<?> values, RowHandler each, Object... leading)
      throws SQLException {
    for (List<?> chunk : chunks(values)) {
      Object[] params = Arrays.copyOf(leading, leading.length + chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        params[leading.length + i] = chunk.get(i);
      }
      try (PreparedStatement ps = c.prepareStatement(sqlFor.apply(chunk.size()))) {
        bind(ps, params);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            each.handle(rs);
          }
        }
      }
    }
  }

  /** The rows of {@code sqlFor} (an IN list, see {@link #forEachIn}) over {@code values}, read by {@code reader}. */
  static <T> List<T> queryIn(Connection c, IntFunction<String> sqlFor, List<?> values, RowReader<T> reader)
      throws SQLException {
    List<T> out = new ArrayList<>();
    forEachIn(c, sqlFor, values, rs -> out.add(reader.read(rs)));
    return out;
  }

  static boolean exists(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      return ps.executeUpdate();
    }
  }

  static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p == null) {
        ps.setNull(i + 1, Types.NULL);
      } else if (p instanceof String s) {
        ps.setString(i + 1, s);
      } else if (p instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else if (p instanceof Double d) {
        ps.setDouble(i + 1, d);
      } else if (p instanceof byte[] b) {
        ps.setBytes(i + 1, b);
      } else {
        ps.setLong(i + 1, ((Number) p).longValue());
      }
    }
  }

  static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setLong(i, v);
    }
  }

  static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.REAL);
    } else {
      ps.setDouble(i, v);
    }
  }

  static Long getLong(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : v;
  }

  static Double getDouble(ResultSet rs, int i) throws SQLException {
    double v = rs.getDouble(i);
    return rs.wasNull() ? null : v;
  }

  /** A JSON array read by {@link io.guardops.api.Json#read} as strings (null entries stay null). */
  static List<String> strings(Object jsonArray) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) jsonArray) {
      out.add(o == null ? null : o.toString());
    }
    return out;
  }

  static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  /** {@code values} in runs of at most {@link #MAX_IN_PARAMS}, for IN lists. */
  static <T> List<List<T>> chunks(List<T> values) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i += MAX_IN_PARAMS) {
      out.add(values.subList(i, Math.min(values.size(), i + MAX_IN_PARAMS)));
    }
    return out;
  }

  /**
   * An insert of {@code columns} into {@code table} that, when a row with the same {@code key} exists,
   * replaces its other columns instead (in place: unlike {@code INSERT OR REPLACE}, not a delete and
   * a new row). Bound: one value per column, in order.
   */
  static String upsert(String table, String columns, String key) {
    List<String> keys = Arrays.asList(key.split(",\\s*"));
    StringBuilder set = new StringBuilder();
    String[] cols = columns.split(",\\s*");
    for (String col : cols) {
      if (!keys.contains(col)) {
        set.append(set.length() == 0 ? "" : ", ").append(col).append(" = excluded.").append(col);
      }
    }
    return "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders(cols.length) + ") ON CONFLICT ("
        + key + ") DO UPDATE SET " + set;
  }

  /** {@code "a, b"} with prefix {@code "t."} becomes {@code "t.a, t.b"}. */
  static String prefixed(String prefix, String columns) {
    StringBuilder sb = new StringBuilder();
    for (String col : columns.split(",")) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(prefix).append(col.trim());
    }
    return sb.toString();
  }

  /** EXPLAIN QUERY PLAN of {@code sql}, one line per plan step (for the plan tests). */
  static List<String> explain(Connection c, String sql, Object... params) throws SQLException {
    return query(c, "EXPLAIN QUERY PLAN " + sql, rs -> rs.getString(4), params);
  }
}
