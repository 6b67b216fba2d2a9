package io.guardops.plugins.store.sqlite;

import io.guardops.api.Health;
import io.guardops.api.store.ApiKeyStore;
import io.guardops.api.store.DatasetStore;
import io.guardops.api.store.EvaluationStore;
import io.guardops.api.store.ExperimentStore;
import io.guardops.api.store.MetaStore;
import io.guardops.api.store.ProjectStore;
import io.guardops.api.store.RecordStore;
import io.guardops.api.store.RetentionStore;
import io.guardops.api.store.ScoreStore;
import io.guardops.api.store.SharingStore;
import io.guardops.api.store.Store;
import io.guardops.api.store.UserStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite {@link Store}: one writer thread with group commit ({@link GroupCommitWriter}), a
 * small pool of read connections ({@link ReadPool}), and one class per part, the optional ones
 * (datasets, evaluations, experiments, scores, records) included. Trace summaries and metric rollups are
 * maintained in the same transaction as their spans, so listing and metrics never scan spans. While
 * open it holds the file's {@link ProcessLock} (unless a test opened it without).
 */
final class SqliteStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

  private final Path path;
  private final String sqliteVersion;
  private final GroupCommitWriter writer;
  private final SpanWriter spanWriter = new SpanWriter();
  private final Connection writeConnection;
  private final ReadPool reads;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final SqliteUserStore users;
  private final SqliteProjectStore projects;
  private final SqliteSharingStore sharing;
  private final SqliteApiKeyStore apiKeys;
  private final SqliteSpanStore spans;
  private final SqliteRetentionStore retention;
  private final SqliteMetaStore meta;
  private final SqliteDatasetStore datasets;
  private final SqliteEvaluationStore evaluations;
  private final SqliteExperimentStore experiments;
  private final SqliteScoreStore scores;
  private final SqliteRecordStore records;
  private final ProcessLock processLock;

  SqliteStore(Path path, String sqliteVersion, Connection writeConnection, List<Connection> readConnections,
      int maxSpansPerCommit, int purgeChunkTraces, double purgeDutyCycle, ProcessLock processLock) {
    this.path = path;
    this.processLock = processLock;
    this.sqliteVersion = sqliteVersion;
    this.writeConnection = writeConnection;
    this.reads = new ReadPool(readConnections);
    this.writer = new GroupCommitWriter(writeConnection, spanWriter::write, maxSpansPerCommit,
        "guardops-sqlite-writer");
    this.users = new SqliteUserStore(writer, reads);
    this.projects = new SqliteProjectStore(writer, reads);
    this.sharing = new SqliteSharingStore(writer, reads);
    this.apiKeys = new SqliteApiKeyStore(writer, reads);
    this.spans = new SqliteSpanStore(writer, spanWriter, reads, purgeChunkTraces,
        new PurgePacer(purgeDutyCycle, System::nanoTime));
    this.retention = new SqliteRetentionStore(writer, reads);
    this.meta = new SqliteMetaStore(writer, reads);
    this.datasets = new SqliteDatasetStore(writer, reads);
    this.evaluations = new SqliteEvaluationStore(writer, reads);
    this.experiments = new SqliteExperimentStore(writer, reads);
    this.scores = new SqliteScoreStore(writer, reads);
    this.records = new SqliteRecordStore(writer, reads);
  }

  @Override
  public UserStore users() {
    return users;
  }

  @Override
  public ProjectStore projects() {
    return projects;
  }

  @Override
  public SharingStore sharing() {
    return sharing;
  }

  @Override
  public ApiKeyStore apiKeys() {
    return apiKeys;
  }

  @Override
  public SqliteSpanStore spans() {
    return spans;
  }

  @Override
  public RetentionStore retention() {
    return retention;
  }

  @Override
  public MetaStore meta() {
    return meta;
  }

  @Override
  public Optional<DatasetStore> datasets() {
    return Optional.of(datasets);
  }

  @Override
  public Optional<EvaluationStore> evaluations() {
    return Optional.of(evaluations);
  }

  @Override
  public Optional<ExperimentStore> experiments() {
    return Optional.of(experiments);
  }

  @Override
  public Optional<ScoreStore> scores() {
    return Optional.of(scores);
  }

  @Override
  public Optional<RecordStore> records() {
    return Optional.of(records);
  }

  Path path() {
    return path;
  }

  /** Whether {@link #close} has not been called yet. */
  boolean isOpen() {
    return !closed.get();
  }

  /** Commits made by the writer so far (group commit shows as commits well below batches). */
  long commits() {
    return writer.commits();
  }

  /** Span batches written so far. */
  long batches() {
    return writer.batches();
  }

  /** The writer, for tests that need to hold it or watch its queue. */
  GroupCommitWriter writer() {
    return writer;
  }

  /** The read pool, for tests that inspect query plans or tables. */
  ReadPool reads() {
    return reads;
  }

  /** The writer's queue: operations waiting for the one writer thread (ingestion backs up here first). */
  @Override
  public java.util.Map<String, Double> gauges() {
    return java.util.Map.of("write_queue_depth", (double) writer.queued());
  }

  @Override
  public Health check() {
    if (closed.get()) {
      return Health.down("the SQLite store at " + path + " is closed");
    }
    try {
      int version = reads.read(Schema::version);
      long bytes = fileSize(path) + fileSize(Path.of(path + "-wal"));
      return Health.up("sqlite " + sqliteVersion + " at " + path + ", schema v" + version + ", "
          + (bytes / (1024 * 1024)) + " MB");
    } catch (RuntimeException e) {
      return Health.down(e);
    }
  }

  private static long fileSize(Path p) {
    try {
      return Files.exists(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.close();
    // the writer thread has stopped: nothing uses the cached statements any more
    spanWriter.close();
    reads.close();
    try {
      writeConnection.close();
    } catch (SQLException e) {
      LOG.warn("closing the SQLite write connection failed", e);
    }
    // last: another store in this JVM may open the file once this one's connections are closed (a read
    // still running closes its connection as it ends)
    if (processLock != null) {
      try {
        processLock.close();
      } catch (IOException e) {
        LOG.warn("releasing the lock file {} failed", processLock.file(), e);
      }
    }
    LOG.info("SQLite store at {} closed", path);
  }
}
