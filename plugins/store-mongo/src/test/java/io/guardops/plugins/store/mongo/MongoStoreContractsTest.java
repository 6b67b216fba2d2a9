package io.guardops.plugins.store.mongo;

import io.guardops.tck.ApiKeyStoreContract;
import io.guardops.tck.MetaStoreContract;
import io.guardops.tck.MultiInstanceContract;
import io.guardops.tck.ProjectStoreContract;
import io.guardops.tck.RetentionStoreContract;
import io.guardops.tck.SharingStoreContract;
import io.guardops.tck.SpanStoreContract;
import io.guardops.tck.StoreLifecycleContract;
import io.guardops.tck.UserStoreContract;
import io.guardops.tck.StoreBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every store part's conformance suite against MongoDB through the real driver: one in-process
 * mongo-java-server for the whole class (the database is dropped before each test), or the real
 * MongoDB that {@code GUARDOPS_TEST_MONGO_URI} names, in a database unique to this run.
 *
 * <p>What the test server cannot cover: it accepts non-unique indexes and ignores them, so these suites
 * check results, not that queries use the indexes the README lists; it serialises operations, so the
 * concurrency cases exercise the store's retry paths rather than a real server's internal upsert
 * retries. Both need a real MongoDB ({@code GUARDOPS_TEST_MONGO_URI}); none is available on this machine.
 */
class MongoStoreContractsTest {
  @RegisterExtension
  static final TestMongo.PerClass MONGO = new TestMongo.PerClass();


  @Nested
  class Lifecycle extends StoreLifecycleContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(MONGO.get());
    }
  }

  @Nested
  class Users extends UserStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(MONGO.get());
    }
  }

  @Nested
  class Projects extends ProjectStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(MONGO.get());
    }
  }

  @Nested
  class Sharing extends SharingStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(MONGO.get());
    }
  }

  @Nested
  class ApiKeys extends ApiKeyStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(MONGO.get());
    }
  }

  @Nested
  class Spans extends SpanStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(MONGO.get());
    }
  }

  @Nested
  class Retention extends RetentionStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(MONGO.get());
    }
  }

  @Nested
  class Meta extends MetaStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(MONGO.get());
    }
  }

  @Nested
  class TwoInstances extends MultiInstanceContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(MONGO.get());
    }
  }
}
