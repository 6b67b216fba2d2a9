package io.guardops.plugins.store.sqlite;

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

/** Every store part's conformance suite against SQLite files, each test over its own temp directory. */
class SqliteStoreContractsTest {
  @Nested
  class Lifecycle extends StoreLifecycleContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new SqliteBackend(dir);
    }
  }

  @Nested
  class Users extends UserStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new SqliteBackend(dir);
    }
  }

  @Nested
  class Projects extends ProjectStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new SqliteBackend(dir);
    }
  }

  @Nested
  class Sharing extends SharingStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new SqliteBackend(dir);
    }
  }

  @Nested
  class ApiKeys extends ApiKeyStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new SqliteBackend(dir);
    }
  }

  @Nested
  class Spans extends SpanStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new SqliteBackend(dir);
    }
  }

  @Nested
  class Retention extends RetentionStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new SqliteBackend(dir);
    }
  }

  @Nested
  class Meta extends MetaStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new SqliteBackend(dir);
    }
  }

  @Nested
  class MultiInstance extends MultiInstanceContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new SqliteBackend(dir);
    }
  }
}
