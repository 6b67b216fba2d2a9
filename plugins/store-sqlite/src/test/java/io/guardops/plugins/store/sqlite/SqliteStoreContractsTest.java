package io.guardops.plugins.store.sqlite;

import io.guardops.tck.StoreBackend;
import io.guardops.tck.StoreContracts;
import java.nio.file.Path;

/** Every store part's conformance suite against SQLite files, each test over its own temp directory. */
class SqliteStoreContractsTest extends StoreContracts {
  @Override
  protected StoreBackend backend(Path dir) {
    return new SqliteBackend(dir);
  }
}
