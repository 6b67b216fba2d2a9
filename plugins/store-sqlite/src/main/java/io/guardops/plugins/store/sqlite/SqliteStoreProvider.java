package io.guardops.plugins.store.sqlite;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded SQLite store, the default of a fresh install: every part of the {@link Store} (the
 * optional datasets, evaluations, experiments and scores included), and correct when several
 * processes open one file. Within one JVM a file has one store: a second one (another GuardOps engine
 * in the process) is refused at start-up, see {@link ProcessLock}. Settings
 * ({@code guardops.store.sqlite.*}):
 * <ul>
 *   <li>{@code path}: the database file; relative paths resolve against the data directory
 *       (default {@code guardops.db} in the data directory)</li>
 *   <li>{@code synchronous}: {@code FULL} (default: an acknowledged write survives power loss) or
 *       {@code NORMAL} (survives a process crash; the last commits may be lost on power loss)</li>
 *   <li>{@code busy-timeout}: how long to wait for another process's write lock (default 10s)</li>
 *   <li>{@code read-connections}: size of the read pool (default 4)</li>
 *   <li>{@code max-spans-per-commit}: cap of one group commit (default 20000)</li>
 *   <li>{@code purge-chunk-traces}: traces deleted per purge transaction (default 500)</li>
 *   <li>{@code purge-duty-cycle}: the largest share of the writer's time a purge takes while spans are
 *       being written, above 0 and at most 1 (default 0.5; 1 = no pacing)</li>
 * </ul>
 * See the module's README and RATIONALE for why.
 */
@Extension
public final class SqliteStoreProvider implements StoreProvider {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteStoreProvider.class);

  /** Default file name inside the data directory. */
  public static final String DEFAULT_FILE_NAME = "guardops.db";

  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public String pluginId() {
    return "store-sqlite";
  }

  /**
   * Opens (creating or upgrading) the database; the store needs nothing from {@code context}.
   *
   * @throws IllegalStateException if a store in this JVM (another GuardOps engine) has the file open
   */
  @Override
  public Store create(ComponentConfig config, ComponentContext context) throws SQLException, java.io.IOException {
    return open(Settings.of(config), true);
  }

  /** The store's settings, read and checked from its config scope. */
  record Settings(Path path, String synchronous, int busyTimeoutMillis, int readers, int maxSpansPerCommit,
      int purgeChunk, double purgeDutyCycle, int schemaVersion) {

    static Settings of(ComponentConfig config) {
      Path path = config.get("path").map(Path::of).map(p -> p.isAbsolute() ? p : config.dataDirectory().resolve(p))
          .orElse(config.dataDirectory().resolve(DEFAULT_FILE_NAME)).toAbsolutePath().normalize();
      String synchronous = config.getString("synchronous", "FULL").toUpperCase(Locale.ROOT);
      if (!synchronous.equals("FULL") && !synchronous.equals("NORMAL") && !synchronous.equals("EXTRA")) {
        throw new IllegalArgumentException(config.fullKey("synchronous") + " must be FULL, EXTRA or NORMAL, was '"
            + synchronous + "' (OFF would acknowledge writes that a crash can lose)");
      }
      Duration busyTimeout = config.getDuration("busy-timeout", Duration.ofSeconds(10));
      if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(config.fullKey("busy-timeout") + " must be between 0 and 24 days");
      }
      return new Settings(path, synchronous, (int) busyTimeout.toMillis(), positive(config, "read-connections", 4),
          positive(config, "max-spans-per-commit", 20_000), positive(config, "purge-chunk-traces", 500),
          dutyCycle(config), Schema.LATEST);
    }

    /** These settings with the schema migrated only up to {@code version} (upgrade tests). */
    Settings withSchemaVersion(int version) {
      return new Settings(path, synchronous, busyTimeoutMillis, readers, maxSpansPerCommit, purgeChunk,
          purgeDutyCycle, version);
    }
  }

  private static double dutyCycle(ComponentConfig config) {
    String raw = config.getString("purge-duty-cycle", "0.5");
    double d;
    try {
      d = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (!(d > 0 && d <= 1)) {
      throw new IllegalArgumentException(config.fullKey("purge-duty-cycle")
          + " must be a number above 0 and at most 1, was '" + raw + "'");
    }
    return d;
  }

  private static int positive(ComponentConfig config, String key, int defaultValue) {
    int v = config.getInt(key, defaultValue);
    if (v < 1) {
      throw new IllegalArgumentException(config.fullKey(key) + " must be at least 1, was " + v);
    }
    return v;
  }

  /**
   * Opens the store, migrating its schema to {@code s.schemaVersion()}. With {@code guardThisProcess}
   * (always, outside tests) it first takes the file's {@link ProcessLock}, so a second store on the
   * file in this JVM is refused. Tests pass {@code false} to open a second instance in one JVM on
   * purpose ({@code SqliteBackend}): instances of one class loader share one copy of SQLite, whose
   * in-process lock table does keep them apart; two engines' copies would not.
   */
  static SqliteStore open(Settings s, boolean guardThisProcess) throws SQLException, java.io.IOException {
    if (s.path().getParent() != null) {
      Files.createDirectories(s.path().getParent());
    }
    ProcessLock lock = guardThisProcess ? ProcessLock.acquire(s.path()) : null;
    String url = "jdbc:sqlite:" + s.path();
    List<Connection> opened = new ArrayList<>();
    try {
      Connection writer = connection(url, s.synchronous(), s.busyTimeoutMillis(), false);
      opened.add(writer);
      int before = Schema.migrate(writer, s.schemaVersion());
      String version;
      try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery("SELECT sqlite_version()")) {
        rs.next();
        version = rs.getString(1);
      }
      List<Connection> readConnections = new ArrayList<>();
      for (int i = 0; i < s.readers(); i++) {
        Connection c = connection(url, s.synchronous(), s.busyTimeoutMillis(), true);
        opened.add(c);
        readConnections.add(c);
      }
      LOG.info("SQLite store at {} (sqlite {}, schema v{} -> v{}, synchronous={}, {} readers{})", s.path(), version,
          before, Schema.version(writer), s.synchronous(), s.readers(),
          lock == null ? ", NOT guarded against a second store in this process" : "");
      return new SqliteStore(s.path(), version, writer, readConnections, s.maxSpansPerCommit(), s.purgeChunk(),
          s.purgeDutyCycle(), lock);
    } catch (SQLException | RuntimeException e) {
      for (Connection c : opened) {
        closeQuietly(c, e);
      }
      if (lock != null) {
        try {
          lock.close();
        } catch (java.io.IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static Connection connection(String url, String synchronous, int busyTimeoutMillis, boolean readOnly)
      throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous));
    cfg.setBusyTimeout(busyTimeoutMillis);
    // no foreign keys: spans outlive a project deleted without cascade, by contract
    cfg.enforceForeignKeys(false);
    Connection c = cfg.createConnection(url);
    if (readOnly) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA query_only = true");
      }
    }
    return c;
  }

  private static void closeQuietly(Connection c, Exception cause) {
    try {
      c.close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
