package io.guardops.plugins.store.sqlite;

import io.guardops.api.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A fixed set of read-only connections. In WAL mode each read sees the last commit before it
 * started and never blocks, nor is blocked by, the writer.
 */
final class ReadPool implements AutoCloseable {
  private final BlockingQueue<Connection> idle;
  private final List<Connection> all;
  private volatile boolean closed;

  ReadPool(List<Connection> connections) {
    this.all = new ArrayList<>(connections);
    this.idle = new ArrayBlockingQueue<>(connections.size(), false, connections);
  }

  <T> T read(SqlWork<T> work) {
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
      return work.run(c);
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

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing a read-only connection loses nothing
    }
  }
}
