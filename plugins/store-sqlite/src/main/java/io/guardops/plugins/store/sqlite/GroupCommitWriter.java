package io.guardops.plugins.store.sqlite;

import io.guardops.api.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes. Callers enqueue work and block until the transaction that contains
 * it has committed. The span batches waiting at one moment are written together in one transaction
 * (group commit: one fsync for many callers), and so are the small writes that may share a
 * transaction ({@link #callShared}: experiment results, scores, staged dataset items); every other
 * operation runs in a transaction of its own.
 *
 * <p>Everything taken from the queue in one drain was waiting at the same time, none of it
 * acknowledged yet, so any order among it is one the callers could have seen: span batches and
 * shared work of one drain are committed as two groups even when they arrived interleaved. An
 * operation of its own still sees everything queued before it.
 *
 * <p>If a shared transaction fails it is rolled back and each member is retried alone, so a bad
 * batch fails only its own caller and nothing acknowledged is lost or half-written.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** Writes a group of span batches inside an open transaction. */
  interface SpanSink {
    void write(Connection c, List<SpanRow> rows) throws SQLException;
  }

  private static final class Op {
    final List<SpanRow> rows;
    final SqlWork<?> work;
    /** Rows a shared work writes (its share of a group's cap); -1 for work that runs alone. */
    final int sharedRows;
    final CompletableFuture<Object> done = new CompletableFuture<>();

    Op(List<SpanRow> rows, SqlWork<?> work, int sharedRows) {
      this.rows = rows;
      this.work = work;
      this.sharedRows = sharedRows;
    }

    int size() {
      return rows != null ? rows.size() : sharedRows;
    }
  }

  /** Ops of one kind waiting for one transaction. */
  private final class Group {
    List<Op> ops = new ArrayList<>();
    int rows;

    void add(Op op) {
      if (!ops.isEmpty() && rows + op.size() > maxSpansPerCommit) {
        flush();
      }
      ops.add(op);
      rows += op.size();
    }

    void flush() {
      if (!ops.isEmpty()) {
        commitGroup(ops);
        ops = new ArrayList<>();
        rows = 0;
      }
    }
  }

  private static final Op STOP = new Op(null, null, -1);

  private final Connection conn;
  private final SpanSink sink;
  private final int maxSpansPerCommit;
  private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final Object lifecycle = new Object();
  private boolean closed;
  private volatile long commits;
  private volatile long batches;
  private final java.util.concurrent.atomic.AtomicLong submitted = new java.util.concurrent.atomic.AtomicLong();

  GroupCommitWriter(Connection conn, SpanSink sink, int maxSpansPerCommit, String threadName) {
    this.conn = conn;
    this.sink = sink;
    this.maxSpansPerCommit = maxSpansPerCommit;
    this.thread = new Thread(this::loop, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Writes the rows in some upcoming group commit; returns once that commit is durable. */
  void writeSpans(List<SpanRow> rows) {
    submitted.incrementAndGet();
    await(enqueue(new Op(rows, null, -1)));
  }

  /** Runs {@code work} in a transaction of its own on the writer thread and returns its result. */
  @SuppressWarnings("unchecked")
  <T> T call(SqlWork<T> work) {
    return (T) await(enqueue(new Op(null, work, -1)));
  }

  /**
   * Runs {@code work}, which writes about {@code rows} rows, in a transaction it may share with other
   * shared work waiting at the same time (one commit for all), and returns its result. The work must
   * touch nothing but the connection: should its group fail, it is rolled back and run again alone.
   */
  @SuppressWarnings("unchecked")
  <T> T callShared(SqlWork<T> work, int rows) {
    return (T) await(enqueue(new Op(null, work, Math.max(1, rows))));
  }

  /** Commits so far (for health and benchmarks). */
  long commits() {
    return commits;
  }

  /** Span batches written so far. */
  long batches() {
    return batches;
  }

  /** Span batches handed to the writer so far (committed or not): shows that ingestion is running. */
  long submittedBatches() {
    return submitted.get();
  }

  /** Operations waiting for the writer thread. */
  int queued() {
    return queue.size();
  }

  private Op enqueue(Op op) {
    synchronized (lifecycle) {
      if (closed) {
        throw new StoreException("the SQLite store is closed");
      }
      queue.add(op);
    }
    return op;
  }

  private static Object await(Op op) {
    try {
      return op.done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the SQLite writer; the write may or may not be committed");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new StoreException("SQLite write failed: " + cause.getMessage(), cause);
    }
  }

  /** Drains what is queued, then stops the thread. Idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(STOP);
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    List<Op> ops = new ArrayList<>();
    Group spans = new Group();
    Group shared = new Group();
    boolean stop = false;
    while (!stop) {
      try {
        ops.add(queue.take());
      } catch (InterruptedException e) {
        // only close() ends this thread; keep serving
        continue;
      }
      queue.drainTo(ops);
      for (Op op : ops) {
        if (op.rows != null) {
          spans.add(op);
          continue;
        }
        if (op.sharedRows > 0) {
          shared.add(op);
          continue;
        }
        // an operation of its own sees everything queued before it
        spans.flush();
        shared.flush();
        if (op == STOP) {
          stop = true;
        } else {
          runWork(op);
        }
      }
      spans.flush();
      shared.flush();
      ops.clear();
    }
  }

  /** Commits a group of span batches or of shared work in one transaction; on failure, each alone. */
  private void commitGroup(List<Op> group) {
    boolean ofSpans = group.get(0).rows != null;
    try {
      Object[] results = inTransaction(c -> runGroup(c, group));
      if (ofSpans) {
        batches += group.size();
      }
      for (int i = 0; i < group.size(); i++) {
        group.get(i).done.complete(results[i]);
      }
    } catch (Exception | Error e) {
      if (group.size() == 1) {
        if (ofSpans) {
          LOG.warn("span batch of {} spans failed", group.get(0).rows.size(), e);
        }
        group.get(0).done.completeExceptionally(e);
        return;
      }
      LOG.warn("group commit of {} {} failed; retrying each alone", group.size(),
          ofSpans ? "span batches" : "writes", e);
      for (Op op : group) {
        commitGroup(List.of(op));
      }
    }
  }

  private Object[] runGroup(Connection c, List<Op> group) throws SQLException {
    Object[] results = new Object[group.size()];
    if (group.get(0).rows == null) {
      for (int i = 0; i < group.size(); i++) {
        results[i] = group.get(i).work.run(c);
      }
      return results;
    }
    List<SpanRow> all;
    if (group.size() == 1) {
      all = group.get(0).rows;
    } else {
      all = new ArrayList<>();
      for (Op op : group) {
        all.addAll(op.rows);
      }
    }
    sink.write(c, all);
    return results;
  }

  private void runWork(Op op) {
    try {
      op.done.complete(inTransaction(op.work));
    } catch (Exception | Error e) {
      op.done.completeExceptionally(e);
    }
  }

  private <T> T inTransaction(SqlWork<T> work) throws SQLException {
    try (Statement st = conn.createStatement()) {
      // IMMEDIATE takes the write lock up front, so another process cannot make us fail mid-way
      st.execute("BEGIN IMMEDIATE");
      T result;
      try {
        result = work.run(conn);
        st.execute("COMMIT");
      } catch (SQLException | RuntimeException | Error e) {
        try {
          st.execute("ROLLBACK");
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      commits++;
      return result;
    }
  }
}
