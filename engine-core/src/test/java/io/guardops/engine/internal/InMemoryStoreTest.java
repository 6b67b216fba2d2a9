package io.guardops.engine.internal;

import io.guardops.api.Store;
import io.guardops.tck.StoreContract;
import java.nio.file.Path;

/** The reference store runs the whole storage contract. */
class InMemoryStoreTest extends StoreContract {
  @Override
  protected Store newStore(Path dir) {
    return new InMemoryStore();
  }

  @Override
  protected boolean persistent() {
    return false; // by design: nothing survives the process
  }
}
