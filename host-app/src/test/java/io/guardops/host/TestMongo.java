package io.guardops.host;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;

/**
 * A MongoDB for the host's integration tests, reached through the real driver over TCP: an in-process
 * mongo-java-server, or the real MongoDB that {@code GUARDOPS_TEST_MONGO_URI} names (then every
 * database this JVM used is dropped on {@link #close()}; databases are named per run, so runs do not
 * meet).
 *
 * <p>{@link #stop()} and {@link #restart()} make an outage of the in-process server. mongo-java-server's
 * {@code MongoServer.shutdown()} calls {@code backend.close()}, which clears every database; its
 * {@code MemoryBackend} can be handed to a new {@code MongoServer}, though, so this one keeps a backend
 * whose {@code close()} keeps the data, and the server restarted on the same port serves what was stored
 * before, as a real MongoDB does after a restart.
 */
final class TestMongo implements AutoCloseable {
  static final String ENV = "GUARDOPS_TEST_MONGO_URI";
  private static TestMongo shared;

  private final KeepingBackend backend;
  private MongoServer server;
  private final int port;
  private final String uri;
  private final String run = "gh" + UUID.randomUUID().toString().substring(0, 8);
  private final MongoClient client;

  /** A memory backend that survives its server's shutdown; {@link #discard()} really clears it. */
  private static final class KeepingBackend extends MemoryBackend {
    @Override
    public void close() {
      // kept for the next server on the same port (see the class comment)
    }

    void discard() {
      super.close();
    }
  }

  private TestMongo(KeepingBackend backend, MongoServer server, int port, String uri) {
    this.backend = backend;
    this.server = server;
    this.port = port;
    this.uri = uri;
    this.client = MongoClients.create(uri);
  }

  /** An in-process server of its own on a free port, which the test may stop and restart. */
  static TestMongo inProcess() {
    KeepingBackend backend = new KeepingBackend();
    MongoServer server = new MongoServer(backend);
    server.bind("127.0.0.1", 0);
    int port = server.getLocalAddress().getPort();
    return new TestMongo(backend, server, port, "mongodb://127.0.0.1:" + port);
  }

  /** The real MongoDB of {@code GUARDOPS_TEST_MONGO_URI} when set, else {@link #inProcess()}. */
  static TestMongo start() {
    String real = System.getenv(ENV);
    if (real != null && !real.isBlank()) {
      return new TestMongo(null, null, -1, real.strip());
    }
    return inProcess();
  }

  /** One server for the whole test JVM (the ITs' second run on MongoDB), closed when the JVM exits. */
  static synchronized TestMongo shared() {
    if (shared == null) {
      TestMongo m = start();
      Runtime.getRuntime().addShutdownHook(new Thread(m::close, "test-mongo-shutdown"));
      shared = m;
    }
    return shared;
  }

  boolean isInProcess() {
    return backend != null;
  }

  String uri() {
    return uri;
  }

  int port() {
    return port;
  }

  /** A database name for a test's directory: one per test, the same one when a test restarts its host. */
  String databaseFor(Path dir) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(dir.toAbsolutePath().toString()
          .getBytes(StandardCharsets.UTF_8));
      return run + "_" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A database of this run named {@code suffix}. */
  String database(String suffix) {
    return run + "_" + suffix;
  }

  MongoDatabase db(String name) {
    return client.getDatabase(name);
  }

  /**
   * The settings that put an engine on this server's database {@code database}: short timeouts, so
   * that an outage shows within seconds.
   */
  Map<String, String> settings(String database) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("guardops.store", "mongo");
    m.put("guardops.store.mongo.uri", uri);
    m.put("guardops.store.mongo.database", database);
    m.put("guardops.store.mongo.server-selection-timeout", "2s");
    m.put("guardops.store.mongo.connect-timeout", "1s");
    m.put("guardops.store.mongo.health-timeout", "1s");
    return m;
  }

  /** Every document of a database as extended JSON, for checks that a secret is stored nowhere. */
  String dump(String database) {
    StringBuilder sb = new StringBuilder();
    MongoDatabase db = client.getDatabase(database);
    for (String name : db.listCollectionNames()) {
      for (Document d : db.getCollection(name).find()) {
        sb.append(name).append(' ').append(d.toJson()).append('\n');
      }
    }
    return sb.toString();
  }

  /** Stops the in-process server (an outage); what it stored stays for {@link #restart()}. */
  void stop() {
    requireInProcess();
    server.shutdownNow();
    server = null;
  }

  /** Starts the in-process server again on the same port, with the data it had. */
  void restart() {
    requireInProcess();
    MongoServer again = new MongoServer(backend);
    again.bind("127.0.0.1", port);
    server = again;
  }

  private void requireInProcess() {
    if (!isInProcess()) {
      throw new IllegalStateException("only the in-process test server can be stopped; a test never stops a real MongoDB");
    }
  }

  @Override
  public void close() {
    try {
      if (!isInProcess()) {
        for (String name : client.listDatabaseNames()) {
          if (name.startsWith(run)) {
            client.getDatabase(name).drop();
          }
        }
      }
    } finally {
      client.close();
      if (server != null) {
        server.shutdownNow();
      }
      if (backend != null) {
        backend.discard();
      }
    }
  }
}
