package io.guardops.plugins.store.mongo;

import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.guardops.api.Health;
import io.guardops.api.store.ApiKeyStore;
import io.guardops.api.store.DatasetStore;
import io.guardops.api.store.EvaluationStore;
import io.guardops.api.store.ExperimentStore;
import io.guardops.api.store.MetaStore;
import io.guardops.api.store.ProjectStore;
import io.guardops.api.store.RetentionStore;
import io.guardops.api.store.RecordStore;
import io.guardops.api.store.ScoreStore;
import io.guardops.api.store.SharingStore;
import io.guardops.api.store.SpanStore;
import io.guardops.api.store.Store;
import io.guardops.api.store.UserStore;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store over one MongoDB database. It keeps no state of its own beyond the driver's client, which
 * reconnects by itself: after an outage the next operation simply works again. Thread-safe.
 */
final class MongoStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(MongoStore.class);

  private final MongoClient client;
  private final MongoDatabase database;
  private final MongoSettings settings;
  private final String serverVersion;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final MongoUserStore users;
  private final MongoProjectStore projects;
  private final MongoSharingStore sharing;
  private final MongoApiKeyStore apiKeys;
  private final MongoSpanStore spans;
  private final MongoRetentionStore retention;
  private final Optional<RecordStore> records;
  private final MongoMetaStore meta;
  private final Optional<DatasetStore> datasets;
  private final Optional<EvaluationStore> evaluations;
  private final Optional<ExperimentStore> experiments;
  private final Optional<ScoreStore> scores;

  private MongoStore(MongoClient client, MongoSettings settings, String serverVersion, Runnable beforeSummaryWrite) {
    this.client = client;
    this.settings = settings;
    this.database = database(client, settings);
    this.serverVersion = serverVersion;
    this.users = new MongoUserStore(database.getCollection(Schema.USERS));
    this.projects = new MongoProjectStore(database.getCollection(Schema.PROJECTS));
    this.sharing = new MongoSharingStore(database.getCollection(Schema.SHARE_CODES), database.getCollection(Schema.GRANTS));
    this.apiKeys = new MongoApiKeyStore(database.getCollection(Schema.API_KEYS));
    this.spans = new MongoSpanStore(database.getCollection(Schema.SPANS), database.getCollection(Schema.TRACES),
        settings.purgeChunkTraces(), beforeSummaryWrite);
    this.retention = new MongoRetentionStore(database.getCollection(Schema.CLEANUP), database.getCollection(Schema.LEASES));
    this.meta = new MongoMetaStore(database.getCollection(Schema.META));
    this.datasets = Optional.of(new MongoDatasetStore(database.getCollection(Schema.DATASETS),
        database.getCollection(Schema.DATASET_ITEMS), database.getCollection(Schema.DATASET_VERSIONS)));
    this.evaluations = Optional.of(new MongoEvaluationStore(database.getCollection(Schema.EVALUATIONS),
        database.getCollection(Schema.EVALUATION_ENTRIES), database.getCollection(Schema.ONLINE_RULES)));
    this.experiments = Optional.of(new MongoExperimentStore(database.getCollection(Schema.EXPERIMENTS),
        database.getCollection(Schema.EXPERIMENT_RESULTS)));
    this.scores = Optional.of(new MongoScoreStore(database.getCollection(Schema.TRACE_SCORES)));
    this.records = Optional.of(new MongoRecordStore(database.getCollection(Schema.RECORDS)));
  }

  /** Connects, checks and prepares the database (indexes), and returns the started store. */
  static MongoStore open(MongoSettings settings) {
    return open(settings, () -> { });
  }

  /**
   * {@link #open(MongoSettings)} with a seam between reading span facts and writing summaries, for
   * tests that force interleavings of writers.
   */
  static MongoStore open(MongoSettings settings, Runnable beforeSummaryWrite) {
    String where = settings.describe();
    MongoClient client = MongoClients.create(settings.clientSettings());
    try {
      MongoDatabase db = database(client, settings);
      Document build = db.runCommand(new Document("buildInfo", 1));
      String version = String.valueOf(build.get("version"));
      Schema.prepare(db, where);
      MongoStore store = new MongoStore(client, settings, version, beforeSummaryWrite);
      LOG.info("MongoDB store on {} (MongoDB {}, {})", where, version, client.getClusterDescription().getType());
      return store;
    } catch (MongoTimeoutException e) {
      client.close();
      throw new IllegalStateException("cannot reach MongoDB at " + where + " within "
          + settings.serverSelectionTimeout().toMillis() + " ms: is it running, and are guardops.store.mongo.uri"
          + " (MONGO_URI) and the network right? " + e.getMessage(), e);
    } catch (MongoSecurityException e) {
      client.close();
      throw new IllegalStateException("MongoDB at " + where + " refused the credentials of guardops.store.mongo.uri: "
          + e.getMessage(), e);
    } catch (IllegalStateException e) {
      client.close();
      throw e;
    } catch (MongoException e) {
      client.close();
      throw new IllegalStateException("preparing the MongoDB database " + where + " failed (does the user of"
          + " guardops.store.mongo.uri have readWrite on it?): " + e.getMessage(), e);
    }
  }

  /**
   * The database, always read from the primary whatever the URI says: the summary protocol reads the
   * facts of spans this very call wrote, and lists must show what a write that returned stored; a
   * lagging secondary would miss both (README, "several instances").
   */
  private static MongoDatabase database(MongoClient client, MongoSettings settings) {
    return client.getDatabase(settings.database()).withReadPreference(ReadPreference.primary());
  }

  @Override
  public UserStore users() {
    return users;
  }

  @Override
  public ProjectStore projects() {
    return projects;
  }

  @Override
  public SharingStore sharing() {
    return sharing;
  }

  @Override
  public ApiKeyStore apiKeys() {
    return apiKeys;
  }

  @Override
  public SpanStore spans() {
    return spans;
  }

  @Override
  public RetentionStore retention() {
    return retention;
  }

  @Override
  public MetaStore meta() {
    return meta;
  }

  @Override
  public Optional<DatasetStore> datasets() {
    return datasets;
  }

  @Override
  public Optional<EvaluationStore> evaluations() {
    return evaluations;
  }

  @Override
  public Optional<ExperimentStore> experiments() {
    return experiments;
  }

  @Override
  public Optional<ScoreStore> scores() {
    return scores;
  }

  @Override
  public Optional<RecordStore> records() {
    return records;
  }

  /**
   * A ping bounded by {@code health-timeout} (which also bounds waiting for a server), so an outage
   * shows as down within that time; nothing is cached, so the next check after MongoDB is back is up.
   */
  @Override
  public Health check() {
    if (closed.get()) {
      return Health.down("the MongoDB store is closed");
    }
    try {
      database.withTimeout(settings.healthTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .runCommand(new Document("ping", 1));
      return Health.up("MongoDB " + serverVersion + " at " + settings.describe() + " ("
          + client.getClusterDescription().getType().name().toLowerCase(java.util.Locale.ROOT) + ")");
    } catch (MongoException | IllegalStateException e) {
      return Health.down("MongoDB at " + settings.describe() + " does not answer: " + e.getClass().getSimpleName()
          + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
    }
  }
}
