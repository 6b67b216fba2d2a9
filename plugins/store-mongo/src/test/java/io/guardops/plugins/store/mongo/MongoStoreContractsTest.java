package io.guardops.plugins.store.mongo;

import io.guardops.tck.StoreBackend;
import io.guardops.tck.StoreContracts;
import java.nio.file.Path;
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
class MongoStoreContractsTest extends StoreContracts {
  @RegisterExtension
  static final TestMongo.PerClass MONGO = new TestMongo.PerClass();

  @Override
  protected StoreBackend backend(Path dir) {
    return new MongoBackend(MONGO.get());
  }
}
