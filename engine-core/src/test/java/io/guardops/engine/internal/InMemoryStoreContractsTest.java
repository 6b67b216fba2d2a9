package io.guardops.engine.internal;

import io.guardops.api.store.Store;
import io.guardops.tck.ApiKeyStoreContract;
import io.guardops.tck.MetaStoreContract;
import io.guardops.tck.MultiInstanceContract;
import io.guardops.tck.ProjectStoreContract;
import io.guardops.tck.RetentionStoreContract;
import io.guardops.tck.SharingStoreContract;
import io.guardops.tck.SpanStoreContract;
import io.guardops.tck.StoreBackend;
import io.guardops.tck.StoreLifecycleContract;
import io.guardops.tck.UserStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The reference store runs every storage contract first. */
class InMemoryStoreContractsTest {
  /** One shared in-memory backend per test; instances over it behave like host instances on one database. */
  static StoreBackend backend() {
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

  @Nested
  class Lifecycle extends StoreLifecycleContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return InMemoryStoreContractsTest.backend();
    }
  }

  @Nested
  class Users extends UserStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return InMemoryStoreContractsTest.backend();
    }
  }

  @Nested
  class Projects extends ProjectStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return InMemoryStoreContractsTest.backend();
    }
  }

  @Nested
  class Sharing extends SharingStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return InMemoryStoreContractsTest.backend();
    }
  }

  @Nested
  class ApiKeys extends ApiKeyStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return InMemoryStoreContractsTest.backend();
    }
  }

  @Nested
  class Spans extends SpanStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return InMemoryStoreContractsTest.backend();
    }
  }

  @Nested
  class Retention extends RetentionStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return InMemoryStoreContractsTest.backend();
    }
  }

  @Nested
  class Meta extends MetaStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return InMemoryStoreContractsTest.backend();
    }
  }

  @Nested
  class TwoInstances extends MultiInstanceContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return InMemoryStoreContractsTest.backend();
    }
  }
}
