package io.guardops.plugins.importer.mongo;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.importer.DataImporter;
import io.guardops.api.importer.DataImporterProvider;
import org.pf4j.Extension;

/**
 * {@code guardops import-mongo}: copies an original GuardOps database (the FastAPI backend's MongoDB)
 * into the configured store, whichever it is (SQLite, MongoDB, ...), through the plugin API only.
 * Idempotent: running it again changes nothing. Options of {@link DataImporter#run}:
 * <ul>
 *   <li>{@code from} (required): the original deployment's {@code MONGO_URI}</li>
 *   <li>{@code database}: the database to read (default: the URI's, else {@code Prod}, the name the
 *       original deployment guide's scripts used)</li>
 *   <li>{@code keys}: {@code hash} (default: API keys keep working, stored as
 *       {@code sha256(sha256(key))}) or {@code skip} (users create new keys)</li>
 * </ul>
 * Settings ({@code guardops.importer.mongo.*}): {@code server-selection-timeout} (default 10s, or the
 * URI's {@code serverSelectionTimeoutMS}): how long to wait for the source before giving up. See the
 * module's README for what is read and how.
 */
@Extension
public final class MongoImporterProvider implements DataImporterProvider {
  @Override
  public String name() {
    return "mongo";
  }

  @Override
  public String pluginId() {
    return "importer-mongo";
  }

  @Override
  public DataImporter create(ComponentConfig config, ComponentContext context) {
    return new MongoImporter(config.getDuration("server-selection-timeout", MongoImporter.DEFAULT_TIMEOUT),
        config.get("server-selection-timeout").isPresent(), context.clock());
  }
}
