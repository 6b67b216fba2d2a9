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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * Every store part's conformance suite against MongoDB through the real driver: one in-process
 * mongo-java-server for the whole class (the database is dropped before each test), or the real
 * MongoDB that {@code GUARDOPS_TEST_MONGO_URI} names, in a database unique to this run.
 */
class MongoStoreContractsTest {
  private static TestMongo mongo;

  @BeforeAll
  static void startMongo() {
    mongo = TestMongo.start();
  }

  @AfterAll
  static void stopMongo() {
    mongo.close();
  }

  @Nested
  class Lifecycle extends StoreLifecycleContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(mongo);
    }
  }

  @Nested
  class Users extends UserStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(mongo);
    }
  }

  @Nested
  class Projects extends ProjectStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(mongo);
    }
  }

  @Nested
  class Sharing extends SharingStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(mongo);
    }
  }

  @Nested
  class ApiKeys extends ApiKeyStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(mongo);
    }
  }

  @Nested
  class Spans extends SpanStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(mongo);
    }
  }

  @Nested
  class Retention extends RetentionStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(mongo);
    }
  }

  @Nested
  class Meta extends MetaStoreContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(mongo);
    }
  }

  @Nested
  class TwoInstances extends MultiInstanceContract {
    @Override
    protected StoreBackend backend(Path dir) {
      return new MongoBackend(mongo);
    }
  }
}
