package io.guardops.plugins.store.sqlite;

import io.guardops.api.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A fixed set of read-only connections. In WAL mode each read sees the last commit before it
 * started and never blocks, nor is blocked by, the writer.
 */
final class ReadPool implements AutoCloseable {
  private final BlockingQueue<Connection> idle;
  private final List<Connection> all;
  /** Kept statements per connection; each map is used only by the thread holding its connection. */
  private final Map<Connection, Map<String, PreparedStatement>> kept = new IdentityHashMap<>();
  private volatile boolean closed;

  ReadPool(List<Connection> connections) {
    this.all = new ArrayList<>(connections);
    this.idle = new ArrayBlockingQueue<>(connections.size(), false, connections);
    for (Connection c : connections) {
      kept.put(c, new HashMap<>());
    }
  }

  /**
   * {@code sql} prepared on {@code c} (a connection of this pool, held by the caller inside {@link
   * #read}) and kept for the next time: for lookups made thousands of times per request, where
   * preparing took most of the time. Close its result sets (which resets it and ends its read), never
   * the statement.
   */
  PreparedStatement prepared(Connection c, String sql) throws SQLException {
    Map<String, PreparedStatement> statements = kept.get(c);
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = c.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  /** Runs {@code work} on a read connection; each statement sees the last commit before it began. */
  <T> T read(SqlWork<T> work) {
    return run(work, false);
  }

  /**
   * Runs {@code work} in one read transaction: every statement in it sees the same snapshot (the
   * last commit before its first read), so results combined from several queries are consistent.
   */
  <T> T snapshot(SqlWork<T> work) {
    return run(work, true);
  }

  private <T> T run(SqlWork<T> work, boolean transaction) {
    if (closed) {
      throw new StoreException("the SQLite store is closed");
    }
    Connection c;
    try {
      c = idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a SQLite read connection");
    }
    try {
      if (!transaction) {
        return work.run(c);
      }
      try (Statement st = c.createStatement()) {
        st.execute("BEGIN");
        try {
          T result = work.run(c);
          st.execute("COMMIT");
          return result;
        } catch (SQLException | RuntimeException e) {
          try {
            st.execute("ROLLBACK");
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw e;
        }
      }
    } catch (SQLException e) {
      throw new StoreException("SQLite read failed: " + e.getMessage(), e);
    } finally {
      giveBack(c);
    }
  }

  private synchronized void giveBack(Connection c) {
    if (closed) {
      closeQuietly(c);
    } else {
      idle.add(c);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // connections in use are closed when they come back
    Connection c;
    while ((c = idle.poll()) != null) {
      closeQuietly(c);
    }
  }

  int size() {
    return all.size();
  }

  private void closeQuietly(Connection c) {
    for (PreparedStatement ps : kept.get(c).values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // the connection's close below finalises it anyway
      }
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing a read-only connection loses nothing
    }
  }

}
