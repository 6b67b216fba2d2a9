package io.guardops.plugins.store.mongo;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreProvider;
import org.pf4j.Extension;

/**
 * The MongoDB store ({@code guardops.store=mongo}): every part of the {@link Store} on one MongoDB
 * database, correct with any number of GuardOps instances on one deployment (replica set, sharded
 * cluster, Atlas). Settings ({@code guardops.store.mongo.*}; the engine maps {@code MONGO_URI} to
 * {@code uri}):
 * <ul>
 *   <li>{@code uri} (required): any connection string the MongoDB Java driver accepts
 *       ({@code mongodb://} or {@code mongodb+srv://}, replica sets, TLS, credentials)</li>
 *   <li>{@code database}: the database (default: the URI's, else {@code guardops})</li>
 *   <li>{@code server-selection-timeout} (5s), {@code connect-timeout} (3s), {@code socket-timeout}
 *       (30s): how soon an outage fails an operation with a store error instead of hanging; an option
 *       in the URI is used when the setting is absent</li>
 *   <li>{@code health-timeout} (2s): the bound of {@code check()}'s ping</li>
 *   <li>{@code write-concern} ({@code majority}, or a number of members)</li>
 *   <li>{@code max-pool-size} (100): connections per server</li>
 *   <li>{@code purge-chunk-traces} (1000): traces deleted per purge round</li>
 * </ul>
 * See the module's README (document shapes, indexes, deployment) and RATIONALE (the write protocol).
 */
@Extension
public final class MongoStoreProvider implements StoreProvider {
  @Override
  public String name() {
    return "mongo";
  }

  @Override
  public String pluginId() {
    return "store-mongo";
  }

  /** Connects and prepares the database; fails with a message naming the setting when it cannot. */
  @Override
  public Store create(ComponentConfig config, ComponentContext context) {
    return MongoStore.open(MongoSettings.from(config));
  }
}
