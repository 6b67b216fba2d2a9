package io.guardops.plugins.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write connection's prepared statements of constant SQL, prepared once and reused by every
 * group commit: preparing the span upsert alone costs about 28 us, paid per group before. A reset
 * statement holds no lock, so keeping them across transactions is safe; SQLite re-prepares one by
 * itself if another process changes the schema. Only the writer thread uses it. Not thread-safe.
 */
final class Statements implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Statements.class);

  /** Longest IN list of a kept statement (longer lists go in chunks). */
  static final int MAX_CACHED_IN = 512;

  private final Connection connection;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  Statements(Connection connection) {
    this.connection = connection;
  }

  Connection connection() {
    return connection;
  }

  /** The statement for {@code sql}, with no batch left over from an earlier, failed use. */
  PreparedStatement get(String sql) throws SQLException {
    PreparedStatement ps = prepared.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      prepared.put(sql, ps);
    } else {
      ps.clearBatch();
    }
    return ps;
  }

  /**
   * {@link Sql#forEachIn} with the statements kept too: a list is cut into chunks of at most {@value
   * #MAX_CACHED_IN} values and each chunk padded, by repeating its last value (harmless in an IN list),
   * to the next power of two, so that a handful of statements per query serves every length (a group
   * commit's IN lists, its traces and its minutes, have every length up to some hundreds).
   */
  void forEachIn(IntFunction<String> sqlFor, List<?> values, Sql.RowHandler each, Object... leading)
      throws SQLException {
    for (int from = 0; from < values.size(); from += MAX_CACHED_IN) {
      List<?> chunk = values.subList(from, Math.min(values.size(), from + MAX_CACHED_IN));
      int size = Integer.highestOneBit(chunk.size() * 2 - 1);
      Object[] params = Arrays.copyOf(leading, leading.length + size);
      for (int i = 0; i < size; i++) {
        params[leading.length + i] = chunk.get(Math.min(i, chunk.size() - 1));
      }
      PreparedStatement ps = get(sqlFor.apply(size));
      Sql.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          each.handle(rs);
        }
      }
    }
  }

  @Override
  public void close() {
    for (PreparedStatement ps : prepared.values()) {
      try {
        ps.close();
      } catch (SQLException e) {
        LOG.debug("closing a cached statement failed", e);
      }
    }
    prepared.clear();
  }
}
