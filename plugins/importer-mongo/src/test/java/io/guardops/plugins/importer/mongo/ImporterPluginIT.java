package io.guardops.plugins.importer.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.importer.DataImporter;
import io.guardops.api.importer.DataImporterProvider;
import io.guardops.api.importer.ImportProgress;
import io.guardops.api.importer.ImportReport;
import io.guardops.api.store.Store;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;

/**
 * The packaged zip loaded by PF4J as the host loads it, with its own MongoDB driver in {@code lib/},
 * importing into a store whose classes (and driver) come from elsewhere: only plugin-api types cross.
 */
class ImporterPluginIT {
  @RegisterExtension
  static final SourceAndTarget MONGO = new SourceAndTarget();

  @TempDir
  Path plugins;

  private static Path zip() throws IOException {
    try (DirectoryStream<Path> zips = Files.newDirectoryStream(Path.of("target"), "importer-mongo-*.zip")) {
      for (Path z : zips) {
        return z;
      }
    }
    throw new IllegalStateException("no importer-mongo zip in target/: run the package phase first");
  }

  @Test
  void theZipLoadsInPf4jAndImports() throws Exception {
    Files.copy(zip(), plugins.resolve("importer-mongo.zip"));
    PluginManager manager = new DefaultPluginManager(plugins);
    manager.loadPlugins();
    manager.startPlugins();
    String source = MONGO.databaseName("plugin_source");
    OriginalImportTest.writeOriginal(MONGO.database(source));
    try (Store target = MONGO.openStore(MONGO.databaseName("plugin_target"))) {
      assertThat(manager.getPlugin("importer-mongo").getPluginState()).isEqualTo(PluginState.STARTED);
      List<DataImporterProvider> providers = manager.getExtensions(DataImporterProvider.class, "importer-mongo");
      assertThat(providers).extracting(DataImporterProvider::name).containsExactly("mongo");
      assertThat(providers.get(0).getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
      DataImporter importer = providers.get(0).create(ComponentConfig.of("guardops.importer.mongo", Map.of(),
          Path.of(System.getProperty("java.io.tmpdir")), Clock.systemUTC()), SourceAndTarget.CONTEXT);
      ImportReport report = importer.run(Map.of("from", MONGO.uri(), "database", source), target, ImportProgress.none());
      assertThat(report.imported()).containsEntry("users", 2L).containsEntry("spans", 7L);
      assertThat(target.users().listIds()).containsExactly("github|1", "auth0|2");
    } finally {
      manager.stopPlugin("importer-mongo");
      manager.unloadPlugins();
    }
  }
}
