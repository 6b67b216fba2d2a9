package io.guardops.plugins.store.sqlite;

import io.guardops.api.ComponentConfig;
import io.guardops.api.Store;
import io.guardops.tck.StoreContract;
import java.nio.file.Path;

/** The SQLite store against the shared conformance suite. */
class SqliteStoreTest extends StoreContract {
  @Override
  protected Store newStore(Path dir) throws Exception {
    return new SqliteStoreProvider().create(ComponentConfig.empty(dir).with("synchronous", "NORMAL"));
  }
}
