package io.guardops.plugins.store.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The MongoDB the tests talk to through the real driver: an in-process mongo-java-server listening on
 * a TCP port, or, when {@code GUARDOPS_TEST_MONGO_URI} is set, that real MongoDB with a database name
 * unique to this run, dropped on {@link #close()}.
 */
final class TestMongo implements AutoCloseable {
  static final String ENV = "GUARDOPS_TEST_MONGO_URI";

  private MongoServer server;
  private final MemoryBackend memory;
  private final String uri;
  private final String database;
  private final MongoClient admin;

  private TestMongo(MongoServer server, MemoryBackend memory, String uri, String database) {
    this.server = server;
    this.memory = memory;
    this.uri = uri;
    this.database = database;
    this.admin = MongoClients.create(uri);
  }

  /** A test server on a free port, or the real MongoDB of {@code GUARDOPS_TEST_MONGO_URI}. */
  static TestMongo start() {
    String real = System.getenv(ENV);
    String database = "guardops_test_" + UUID.randomUUID().toString().substring(0, 8);
    if (real != null && !real.isBlank()) {
      return new TestMongo(null, null, real, database);
    }
    MemoryBackend memory = new MemoryBackend();
    MongoServer server = new MongoServer(memory);
    server.bind("127.0.0.1", 0);
    InetSocketAddress address = server.getLocalAddress();
    return new TestMongo(server, memory, "mongodb://127.0.0.1:" + address.getPort(), database);
  }

  /** Whether the tests run against the in-process test server (not a real MongoDB). */
  boolean isTestServer() {
    return server != null || memory != null;
  }

  String uri() {
    return uri;
  }

  String databaseName() {
    return database;
  }

  MongoDatabase database() {
    return admin.getDatabase(database);
  }

  /** Another database on the same server (for import sources). */
  MongoDatabase database(String name) {
    return admin.getDatabase(name);
  }

  /** The settings the tests use: this server, short timeouts so an outage shows within seconds. */
  Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("uri", uri);
    m.put("database", database);
    m.put("server-selection-timeout", "2s");
    m.put("connect-timeout", "1s");
    m.put("health-timeout", "1s");
    return m;
  }

  ComponentConfig config() {
    return config(settings());
  }

  static ComponentConfig config(Map<String, String> settings) {
    return ComponentConfig.of("guardops.store.mongo", settings, Path.of(System.getProperty("java.io.tmpdir")),
        Clock.systemUTC());
  }

  /** A store over this server, opened as the engine would (through the provider). */
  MongoStore open() {
    return open(Map.of());
  }

  /** A store over this server with some settings changed. */
  MongoStore open(Map<String, String> overrides) {
    Map<String, String> s = settings();
    s.putAll(overrides);
    return (MongoStore) new MongoStoreProvider().create(config(s), CONTEXT);
  }

  void dropDatabase() {
    admin.getDatabase(database).drop();
  }

  /** Stops the in-process server (an outage); its data stays in memory for {@link #restart()}. */
  void stop() {
    server.stopListening();
    server.shutdownNow();
    server = null;
  }

  /** Starts a test server again on the same port over a fresh backend, as a restarted MongoDB. */
  void restart(int port) {
    MongoServer again = new MongoServer(new MemoryBackend());
    again.bind("127.0.0.1", port);
    server = again;
  }

  int port() {
    return server.getLocalAddress().getPort();
  }

  @Override
  public void close() {
    try {
      if (!isTestServer()) {
        admin.getDatabase(database).drop();
      }
    } finally {
      admin.close();
      if (server != null) {
        server.shutdownNow();
      }
    }
  }

  /**
   * One server for a whole test class (nested classes included):
   * {@code @RegisterExtension static final TestMongo.PerClass MONGO = new TestMongo.PerClass();}
   */
  static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private TestMongo mongo;

    @Override
    public void beforeAll(ExtensionContext context) {
      mongo = start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
      mongo.close();
    }

    TestMongo get() {
      return mongo;
    }
  }

  /** Every field name in a stored document, at any depth. */
  static void fieldNames(Object value, java.util.Set<String> out) {
    if (value instanceof org.bson.Document d) {
      for (Map.Entry<String, Object> e : d.entrySet()) {
        out.add(e.getKey());
        fieldNames(e.getValue(), out);
      }
    } else if (value instanceof java.util.List<?> l) {
      for (Object o : l) {
        fieldNames(o, out);
      }
    }
  }

  /** The context a store is created with: it comes first, so it sees no other component. */
  static final ComponentContext CONTEXT = new ComponentContext() {
    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public ScheduledExecutorService scheduler() {
      throw new UnsupportedOperationException("the MongoDB store is not expected to use the engine's scheduler");
    }

    @Override
    public <T> Optional<T> find(Class<T> type) {
      return Optional.empty();
    }
  };
}
