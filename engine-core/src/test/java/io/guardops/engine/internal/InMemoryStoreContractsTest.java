package io.guardops.engine.internal;

import io.guardops.api.store.Store;
import io.guardops.tck.StoreBackend;
import io.guardops.tck.StoreContracts;
import java.nio.file.Path;

/** The reference store runs every storage contract first. */
class InMemoryStoreContractsTest extends StoreContracts {
  /** One shared in-memory backend per test; instances over it behave like host instances on one database. */
  @Override
  protected StoreBackend backend(Path dir) {
    InMemoryStore.Backend data = new InMemoryStore.Backend();
    return new StoreBackend() {
      @Override
      public Store open() {
        return new InMemoryStore(data);
      }

      @Override
      public void clear() {
        data.clear();
      }

      @Override
      public boolean persistent() {
        // instances over one backend share data, as a reopened durable store would
        return true;
      }
    };
  }
}
