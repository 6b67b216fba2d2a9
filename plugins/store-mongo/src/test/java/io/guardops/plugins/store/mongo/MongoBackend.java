package io.guardops.plugins.store.mongo;

import io.guardops.api.store.Store;
import io.guardops.tck.StoreBackend;

/** The contract suites' backend: a store per {@link #open()} over one shared {@link TestMongo}; clear drops the database. */
final class MongoBackend implements StoreBackend {
  private final TestMongo mongo;

  MongoBackend(TestMongo mongo) {
    this.mongo = mongo;
  }

  @Override
  public Store open() {
    return mongo.open();
  }

  @Override
  public void clear() {
    mongo.dropDatabase();
  }
}
