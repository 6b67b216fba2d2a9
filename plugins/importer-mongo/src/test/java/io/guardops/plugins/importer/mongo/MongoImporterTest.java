package io.guardops.plugins.importer.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.guardops.api.ComponentConfig;
import io.guardops.api.importer.DataImporter;
import io.guardops.api.importer.ImportProgress;
import io.guardops.api.importer.ImportReport;
import io.guardops.api.store.Store;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The importer as the engine creates it (through its provider) with the command line's options: which
 * database it reads, how keys are treated, and the messages for bad options and bad sources. Always on
 * the in-process server: the default database is {@code Prod}, which no test may write on a real one.
 */
class MongoImporterTest {
  @RegisterExtension
  static final SourceAndTarget MONGO = new SourceAndTarget(true);

  private Store target;
  private final List<String> notes = new ArrayList<>();
  private final List<String> progress = new ArrayList<>();
  private final ImportProgress listener = new ImportProgress() {
    @Override
    public void progress(String what, long done, long total) {
      progress.add(what + " " + done + "/" + total);
    }

    @Override
    public void note(String message) {
      notes.add(message);
    }
  };

  @BeforeEach
  void setUp() {
    for (String name : List.of("Prod", "custom", "target", "empty", "other")) {
      MONGO.database(name).drop();
    }
    target = MONGO.openStore("target");
  }

  @AfterEach
  void tearDown() {
    target.close();
  }

  private static DataImporter importer(Map<String, String> settings) {
    return new MongoImporterProvider().create(ComponentConfig.of("guardops.importer.mongo", settings,
        Path.of(System.getProperty("java.io.tmpdir")), Clock.systemUTC()), SourceAndTarget.CONTEXT);
  }

  private ImportReport run(Map<String, String> options) throws Exception {
    return importer(Map.of()).run(options, target, listener);
  }

  private static Map<String, String> from(String uri, String... more) {
    Map<String, String> m = new HashMap<>();
    m.put("from", uri);
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return m;
  }

  @Test
  void withoutADatabaseInTheUriItReadsProdAndSaysWhy() throws Exception {
    OriginalImportTest.writeOriginal(MONGO.database("Prod"));
    ImportReport report = run(from(MONGO.uri()));
    assertThat(report.imported()).containsEntry("users", 2L).containsEntry("spans", 7L).containsEntry("api keys", 3L);
    assertThat(notes).singleElement().asString().contains("database 'Prod'").contains("the default")
        .contains("--database").contains(MONGO.uri()).contains("Users", "Spans", "Traces", "Cleanup");
    assertThat(progress).contains("users 3/3", "spans 11/11", "cleanup 2/2");
    assertThat(new MongoImporterProvider().name()).isEqualTo("mongo");
    assertThat(new MongoImporterProvider().pluginId()).isEqualTo("importer-mongo");

    // again: nothing new, and the report says what was already there
    ImportReport again = run(from(MONGO.uri()));
    assertThat(again.imported()).containsEntry("users", 0L).containsEntry("projects", 0L).containsEntry("api keys", 0L);
    assertThat(again.skipped()).containsEntry("users already in the store", 2L)
        .containsEntry("API keys already in the store", 3L);
  }

  @Test
  void theUrisDatabaseAndThenTheDatabaseOptionWin() throws Exception {
    OriginalImportTest.writeOriginal(MONGO.database("custom"));
    OriginalImportTest.writeOriginal(MONGO.database("other"));
    MONGO.database("other").getCollection("Users").deleteMany(new Document());
    run(from(MONGO.uri() + "/custom"));
    assertThat(notes.get(0)).contains("database 'custom' (named by --from)");
    assertThat(target.users().listIds()).hasSize(2);

    notes.clear();
    ImportReport r = run(from(MONGO.uri() + "/custom", "database", "other", "keys", "SKIP"));
    assertThat(notes.get(0)).contains("database 'other' (--database)");
    assertThat(r.imported()).containsEntry("users", 0L).containsEntry("api keys", 0L);
    assertThat(r.notes()).anyMatch(n -> n.contains("users must create new keys"));
  }

  @Test
  void badOptionsAreRefusedNamingTheOption() {
    String uri = MONGO.uri();
    Object[][] cases = {
        {Map.of(), "--from is required"},
        {from(uri, "frm", "x"), "unknown option --frm"},
        {from(uri, "keys", "maybe"), "--keys must be hash"},
        {from(uri, "database", "a.b"), "not a MongoDB database name"},
        {from("postgres://user:pa55word@db/x"), "--from is not a MongoDB connection string"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Map<String, String> options = (Map<String, String>) c[0];
      assertThatThrownBy(() -> run(options)).as(options.toString()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining((String) c[1]).hasMessageNotContaining("pa55word");
    }
    assertThatThrownBy(() -> importer(Map.of("server-selection-timeout", "0s")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server-selection-timeout");
  }

  @Test
  void anUnreachableSourceFailsFastSayingWhatToCheckWithoutTheCredentials() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    long t = System.nanoTime();
    assertThatThrownBy(() -> importer(Map.of("server-selection-timeout", "500ms")).run(
        from("mongodb://guardops:s3cret-pw@127.0.0.1:" + port + "/Prod"), target, listener))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot reach the original MongoDB at mongodb://127.0.0.1:" + port + " within 500 ms")
        .hasMessageContaining("Connection refused")
        .hasMessageContaining("--from")
        .hasMessageNotContaining("s3cret-pw");
    assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(8));
    assertThat(target.users().listIds()).isEmpty();
  }

  @Test
  void aSourceThatGoesAwayPartWayStopsTheImportSayingSoAndWhatWasImportedStays() throws Exception {
    MongoServer own = new MongoServer(new MemoryBackend());
    own.bind("127.0.0.1", 0);
    String uri = "mongodb://127.0.0.1:" + own.getLocalAddress().getPort();
    try (MongoClient client = MongoClients.create(uri)) {
      OriginalImportTest.writeOriginal(client.getDatabase("Prod"));
    }
    ImportProgress stopAfterUsers = new ImportProgress() {
      @Override
      public void progress(String what, long done, long total) {
        if (what.equals("users") && done == total) {
          own.shutdownNow();
        }
      }

      @Override
      public void note(String message) {}
    };
    assertThatThrownBy(() -> importer(Map.of("server-selection-timeout", "500ms")).run(from(uri), target, stopAfterUsers))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reading the original database at " + uri + " stopped");
    assertThat(target.users().listIds()).as("the users read before the source went away").hasSize(2);
  }

  @Test
  void aDatabaseThatIsNotAnOriginalOneIsRefusedListingTheOthers() {
    OriginalImportTest.writeOriginal(MONGO.database("custom"));
    MongoDatabase empty = MONGO.database("empty");
    empty.getCollection("Something").insertOne(new Document("x", 1));
    assertThatThrownBy(() -> run(from(MONGO.uri() + "/empty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database 'empty'").hasMessageContaining("no Users or Spans collection")
        .hasMessageContaining("custom");
    // the new store's own database (target) is no source either
    assertThatThrownBy(() -> run(from(MONGO.uri() + "/target")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("new GuardOps MongoDB store");
  }

  @Test
  void credentialsNeverAppearInMessages() {
    assertThat(MongoImporter.redact("bad uri mongodb://bob:hunter2@h/x", "mongodb://bob:hunter2@h/x"))
        .doesNotContain("hunter2").contains("(the --from URI)");
    assertThat(MongoImporter.redact("password hunter2 has a colon", "mongodb://bob:hunter2@h/x"))
        .doesNotContain("hunter2");
  }
}
