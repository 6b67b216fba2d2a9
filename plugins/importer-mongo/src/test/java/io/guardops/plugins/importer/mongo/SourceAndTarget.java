package io.guardops.plugins.importer.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.store.Store;
import io.guardops.plugins.store.mongo.MongoStoreProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One MongoDB for a test class, through the real driver over TCP: an in-process mongo-java-server, or
 * the real MongoDB of {@code GUARDOPS_TEST_MONGO_URI} (databases unique to the run, dropped after). It
 * holds the original-shaped source databases and, through store-mongo's public provider, the target
 * store. Register with {@code @RegisterExtension static final SourceAndTarget MONGO = new SourceAndTarget();}.
 */
final class SourceAndTarget implements BeforeAllCallback, AfterAllCallback {
  static final String ENV = "GUARDOPS_TEST_MONGO_URI";
  private final String run = "gi_" + UUID.randomUUID().toString().substring(0, 8);
  private final boolean inProcessOnly;
  private MongoServer server;
  private String uri;
  private MongoClient client;

  /** The real MongoDB of {@code GUARDOPS_TEST_MONGO_URI} when set, else an in-process server. */
  SourceAndTarget() {
    this(false);
  }

  /**
   * @param inProcessOnly always the in-process server: for tests that write databases with fixed names
   *     ({@code Prod}, the importer's default), which a test must never touch on a real server
   */
  SourceAndTarget(boolean inProcessOnly) {
    this.inProcessOnly = inProcessOnly;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    String real = inProcessOnly ? null : System.getenv(ENV);
    if (real != null && !real.isBlank()) {
      uri = real.strip();
    } else {
      server = new MongoServer(new MemoryBackend());
      server.bind("127.0.0.1", 0);
      uri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }
    client = MongoClients.create(uri);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      for (String name : client.listDatabaseNames()) {
        if (name.startsWith(run)) {
          client.getDatabase(name).drop();
        }
      }
    } finally {
      client.close();
      if (server != null) {
        server.shutdownNow();
      }
    }
  }

  /** The server's address without a database. */
  String uri() {
    return uri;
  }

  /** A database of this run ({@code suffix} keeps tests apart). */
  String databaseName(String suffix) {
    return run + "_" + suffix;
  }

  MongoDatabase database(String name) {
    return client.getDatabase(name);
  }

  /** A MongoDB store in {@code database}, opened as the engine opens one. */
  Store openStore(String database) {
    ComponentConfig config = ComponentConfig.of("guardops.store.mongo", Map.of("uri", uri, "database", database,
        "server-selection-timeout", "2s"), Path.of(System.getProperty("java.io.tmpdir")), Clock.systemUTC());
    return new MongoStoreProvider().create(config, CONTEXT);
  }

  /** The context a store gets: it comes first, so it sees no other component. */
  static final ComponentContext CONTEXT = new ComponentContext() {
    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public ScheduledExecutorService scheduler() {
      throw new UnsupportedOperationException("not expected to use the engine's scheduler");
    }

    @Override
    public <T> Optional<T> find(Class<T> type) {
      return Optional.empty();
    }
  };
}
