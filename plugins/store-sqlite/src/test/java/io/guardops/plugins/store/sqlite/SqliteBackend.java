package io.guardops.plugins.store.sqlite;

import io.guardops.api.ComponentConfig;
import io.guardops.api.store.Store;
import io.guardops.tck.StoreBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One SQLite file in a directory: every {@link #open} is another {@link SqliteStore} over the same
 * file (its own writer thread and connections), as another host process on a shared volume would
 * be. {@code synchronous=NORMAL} keeps the suites fast; durability is not what they test.
 */
final class SqliteBackend implements StoreBackend {
  private final Path dir;

  SqliteBackend(Path dir) {
    this.dir = dir;
  }

  @Override
  public Store open() throws Exception {
    return new SqliteStoreProvider().create(ComponentConfig.empty(dir).with("synchronous", "NORMAL"),
        new TestContext());
  }

  @Override
  public void clear() throws IOException {
    Path db = dir.resolve(SqliteStoreProvider.DEFAULT_FILE_NAME);
    for (Path p : new Path[] {db, Path.of(db + "-wal"), Path.of(db + "-shm")}) {
      Files.deleteIfExists(p);
    }
  }
}
