package io.guardops.plugins.importer.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.connection.ServerDescription;
import io.guardops.api.importer.DataImporter;
import io.guardops.api.importer.ImportProgress;
import io.guardops.api.importer.ImportReport;
import io.guardops.api.store.Store;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the options, connects to the original database, makes sure it looks like one, and runs an
 * {@link OriginalImport} into the target store. Failures say which option to fix:
 * {@link IllegalArgumentException} for a bad option or a database that is not an original GuardOps
 * one, {@link IOException} for a source that cannot be reached or read at the start,
 * {@link IllegalStateException} when reading it fails part-way. Holds nothing between runs.
 */
final class MongoImporter implements DataImporter {
  private static final Logger LOG = LoggerFactory.getLogger(MongoImporter.class);
  /** How long to wait for the source unless the setting or the URI says otherwise. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** The database the original deployment guide's scripts used, when the URI names none. */
  static final String DEFAULT_DATABASE = "Prod";
  private static final Set<String> OPTIONS = Set.of("from", "database", "keys");

  private final Duration serverSelectionTimeout;
  private final boolean timeoutConfigured;
  private final Clock clock;

  MongoImporter(Duration serverSelectionTimeout, boolean timeoutConfigured, Clock clock) {
    if (serverSelectionTimeout.isNegative() || serverSelectionTimeout.isZero()) {
      throw new IllegalArgumentException("guardops.importer.mongo.server-selection-timeout must be positive, was "
          + serverSelectionTimeout);
    }
    this.serverSelectionTimeout = serverSelectionTimeout;
    this.timeoutConfigured = timeoutConfigured;
    this.clock = clock;
  }

  /** The options, checked. {@code hosts} is the URI without credentials, for messages. */
  record Options(ConnectionString from, String hosts, String database, String databaseOrigin,
      OriginalImport.KeyPolicy keys) {

    static Options parse(Map<String, String> options) {
      for (String name : options.keySet()) {
        if (!OPTIONS.contains(name)) {
          throw new IllegalArgumentException("unknown option --" + name + " for import-mongo; it takes --from URI,"
              + " --database NAME and --keys hash|skip");
        }
      }
      String raw = options.get("from");
      if (raw == null || raw.isBlank()) {
        throw new IllegalArgumentException("--from is required: the original deployment's MONGO_URI, such as"
            + " mongodb+srv://user:password@cluster0.example.mongodb.net/ or mongodb://host:27017/Prod");
      }
      ConnectionString from;
      try {
        from = new ConnectionString(raw.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--from is not a MongoDB connection string: "
            + redact(e.getMessage(), raw) + " (it starts with mongodb:// or mongodb+srv://)");
      }
      String hosts = (from.isSrvProtocol() ? "mongodb+srv://" : "mongodb://") + String.join(",", from.getHosts());
      String database = options.get("database");
      String origin;
      if (database != null && !database.isBlank()) {
        database = database.strip();
        origin = "--database";
      } else if (from.getDatabase() != null && !from.getDatabase().isBlank()) {
        database = from.getDatabase();
        origin = "named by --from";
      } else {
        database = DEFAULT_DATABASE;
        origin = "the default: --from names no database, and the original deployment guide's scripts used "
            + DEFAULT_DATABASE + "; name another with --database";
      }
      if (database.length() > 63 || database.chars().anyMatch(c -> "/\\. \"$".indexOf(c) >= 0 || c == 0)) {
        throw new IllegalArgumentException("--database '" + database + "' is not a MongoDB database name");
      }
      String keys = options.getOrDefault("keys", "hash").strip().toLowerCase(Locale.ROOT);
      OriginalImport.KeyPolicy policy = switch (keys) {
        case "hash" -> OriginalImport.KeyPolicy.HASH;
        case "skip" -> OriginalImport.KeyPolicy.SKIP;
        default -> throw new IllegalArgumentException("--keys must be hash (keep the original API keys working,"
            + " stored as hashes) or skip (import no key; users create new ones), was '" + options.get("keys") + "'");
      };
      return new Options(from, hosts, database, origin, policy);
    }
  }

  /** The driver's message about a connection string, with the string's credentials blanked out. */
  static String redact(String message, String uri) {
    String out = String.valueOf(message).replace(uri, "(the --from URI)");
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme >= 0 && at > scheme) {
      String userInfo = uri.substring(scheme + 3, at);
      if (!userInfo.isEmpty()) {
        out = out.replace(userInfo, "***");
        int colon = userInfo.indexOf(':');
        if (colon >= 0 && colon < userInfo.length() - 1) {
          out = out.replace(userInfo.substring(colon + 1), "***");
        }
      }
    }
    return out;
  }

  @Override
  public ImportReport run(Map<String, String> options, Store target, ImportProgress progress) throws IOException {
    Options o = Options.parse(options);
    MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(o.from())
        .applicationName("guardops-import");
    if (timeoutConfigured || o.from().getServerSelectionTimeout() == null) {
      settings.applyToClusterSettings(c -> c.serverSelectionTimeout(serverSelectionTimeout.toMillis(),
          TimeUnit.MILLISECONDS));
    }
    if (o.from().getConnectTimeout() == null) {
      settings.applyToSocketSettings(s -> s.connectTimeout((int) Math.min(serverSelectionTimeout.toMillis(),
          Integer.MAX_VALUE), TimeUnit.MILLISECONDS));
    }
    try (MongoClient client = MongoClients.create(settings.build())) {
      MongoDatabase db = client.getDatabase(o.database());
      List<String> collections = connect(client, db, o);
      progress.note("reading database '" + o.database() + "' (" + o.databaseOrigin() + ") at " + o.hosts()
          + ": collections " + String.join(", ", new TreeSet<>(collections)));
      try {
        return new OriginalImport(db, target, clock, o.keys(), progress).run().toImportReport();
      } catch (MongoException e) {
        // the source failed part-way (not a usage error: the command exits 1, not 2); the target's own
        // failures are StoreExceptions and pass through
        throw new IllegalStateException("reading the original database at " + o.hosts() + " stopped: "
            + redact(e.getMessage(), o.from().getConnectionString()), e);
      }
    }
  }

  /** Pings the source and lists its collections; refuses a database that is not an original GuardOps one. */
  private List<String> connect(MongoClient client, MongoDatabase db, Options o) throws IOException {
    List<String> collections = new ArrayList<>();
    try {
      db.runCommand(new Document("ping", 1));
      db.listCollectionNames().into(collections);
    } catch (MongoTimeoutException e) {
      LOG.debug("source unreachable: {}", e.getMessage());
      throw new IOException("cannot reach the original MongoDB at " + o.hosts() + " within "
          + serverSelectionTimeout.toMillis() + " ms" + reason(client) + ". Check --from (the original deployment's"
          + " MONGO_URI), that the server runs and that this machine may connect to it.", e);
    } catch (MongoSecurityException e) {
      throw new IOException("the original MongoDB at " + o.hosts() + " refused the credentials in --from: "
          + redact(e.getMessage(), o.from().getConnectionString()), e);
    } catch (MongoException e) {
      throw new IOException("the original MongoDB at " + o.hosts() + " refused to list database '" + o.database()
          + "': " + redact(e.getMessage(), o.from().getConnectionString())
          + ". The user in --from needs read access to it.", e);
    }
    if (looksNew(db, collections)) {
      throw new IllegalArgumentException("database '" + o.database() + "' at " + o.hosts() + " is a database of the"
          + " new GuardOps MongoDB store, not an original one: there is nothing to import (point guardops.store.mongo.uri"
          + " at it to use it)");
    }
    if (!collections.contains("Users") && !collections.contains("Spans")) {
      throw new IllegalArgumentException("database '" + o.database() + "' at " + o.hosts() + " has no Users or Spans"
          + " collection, so it is not an original GuardOps database (" + o.databaseOrigin() + ")."
          + databases(client));
    }
    return collections;
  }

  /** The store-mongo plugin marks its databases with a {@code Schema} document {@code {_id: "guardops"}}. */
  private static boolean looksNew(MongoDatabase db, List<String> collections) {
    return collections.contains("Schema")
        && db.getCollection("Schema").find(new Document("_id", "guardops")).first() != null;
  }

  /** What the driver saw when it tried the servers ("Connection refused"), for the unreachable message. */
  private static String reason(MongoClient client) {
    Set<String> reasons = new TreeSet<>();
    for (ServerDescription s : client.getClusterDescription().getServerDescriptions()) {
      Throwable t = s.getException();
      while (t != null && t.getCause() != null) {
        t = t.getCause();
      }
      if (t != null) {
        reasons.add(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
      }
    }
    return reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")";
  }

  /** The databases on the server, to help pick {@code --database}; nothing when the user may not list them. */
  private static String databases(MongoClient client) {
    try {
      List<String> names = new ArrayList<>();
      client.listDatabaseNames().into(names);
      names.removeAll(List.of("admin", "local", "config"));
      return names.isEmpty() ? " The server has no other databases." : " Name one with --database; the server has: "
          + String.join(", ", new TreeSet<>(names)) + ".";
    } catch (MongoException e) {
      return " Name the right one with --database.";
    }
  }
}
