package io.guardops.plugins.store.sqlite;

import io.guardops.api.ComponentConfig;
import io.guardops.api.store.Store;
import io.guardops.tck.StoreBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One SQLite file in a directory: every {@link #open} is another {@link SqliteStore} over the same
 * file (its own writer thread and connections), as another host process on a shared volume would
 * be. {@code synchronous=NORMAL} keeps the suites fast; durability is not what they test.
 *
 * <p>A store opened while another of this backend is still open (the second instance of {@code
 * MultiInstanceContract}) is opened without the same-process guard ({@link ProcessLock}), which
 * would refuse it: a deployment never runs two stores on one file in one JVM, but the tests need
 * two instances. Both are of this class loader and share one copy of SQLite, whose in-process lock
 * table serialises them as the file's locks serialise two processes; two processes for real are
 * {@code SqliteStoreInternalsTest.twoProcessesWritingTheSameTracesConverge}. Every other open goes
 * through the provider, guard included.
 */
final class SqliteBackend implements StoreBackend {
  private final Path dir;
  private final List<SqliteStore> opened = new ArrayList<>();

  SqliteBackend(Path dir) {
    this.dir = dir;
  }

  private ComponentConfig config() {
    return ComponentConfig.empty(dir).with("synchronous", "NORMAL");
  }

  @Override
  public synchronized Store open() throws Exception {
    opened.removeIf(s -> !s.isOpen());
    SqliteStore store = opened.isEmpty()
        ? (SqliteStore) new SqliteStoreProvider().create(config(), new TestContext())
        : SqliteStoreProvider.open(SqliteStoreProvider.Settings.of(config()), false);
    opened.add(store);
    return store;
  }

  @Override
  public void clear() throws IOException {
    Path db = dir.resolve(SqliteStoreProvider.DEFAULT_FILE_NAME);
    for (Path p : new Path[] {db, Path.of(db + "-wal"), Path.of(db + "-shm")}) {
      Files.deleteIfExists(p);
    }
  }
}
