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

  /** Longest IN list whose statement is kept. */
  static final int CACHED_IN_SIZE = 32;

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
   * {@link Sql#forEachIn} with the statements of lists of up to {@link #CACHED_IN_SIZE} values cached
   * too: a group commit's IN lists (its traces, its minutes) are short, and their lengths repeat.
   */
  void forEachIn(IntFunction<String> sqlFor, List<?> values, Sql.RowHandler each, Object... leading)
      throws SQLException {
    if (values.size() > CACHED_IN_SIZE) {
      Sql.forEachIn(connection, sqlFor, values, each, leading);
      return;
    }
    Object[] params = Arrays.copyOf(leading, leading.length + values.size());
    for (int i = 0; i < values.size(); i++) {
      params[leading.length + i] = values.get(i);
    }
    PreparedStatement ps = get(sqlFor.apply(values.size()));
    Sql.bind(ps, params);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        each.handle(rs);
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
