package io.guardops.plugins.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
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
