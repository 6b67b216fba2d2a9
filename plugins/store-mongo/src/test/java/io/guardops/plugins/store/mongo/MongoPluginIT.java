package io.guardops.plugins.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreProvider;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;

/**
 * The packaged plugin zip loaded by PF4J as the host loads it: its own copy of the MongoDB driver in
 * {@code lib/}, plugin-api from the host. Class-loader mistakes (a driver type crossing the extension
 * interface, a missing extension index) only show up this way.
 */
class MongoPluginIT {
  @TempDir
  Path plugins;

  private static Path zip() throws IOException {
    try (DirectoryStream<Path> zips = Files.newDirectoryStream(Path.of("target"), "store-mongo-*.zip")) {
      for (Path z : zips) {
        return z;
      }
    }
    throw new IllegalStateException("no store-mongo zip in target/: run the package phase first");
  }

  @Test
  void theZipLoadsInPf4jAndItsStoreWorks() throws Exception {
    Files.copy(zip(), plugins.resolve("store-mongo.zip"));
    PluginManager manager = new DefaultPluginManager(plugins);
    manager.loadPlugins();
    manager.startPlugins();
    try (TestMongo mongo = TestMongo.start()) {
      assertThat(manager.getPlugin("store-mongo").getPluginState()).isEqualTo(PluginState.STARTED);
      List<StoreProvider> providers = manager.getExtensions(StoreProvider.class, "store-mongo");
      assertThat(providers).extracting(StoreProvider::name).containsExactly("mongo");
      StoreProvider provider = providers.get(0);
      // the plugin's own class loader, not the test's class path
      assertThat(provider.getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
      try (Store store = provider.create(TestMongo.config(mongo.settings()), TestMongo.CONTEXT)) {
        assertThat(store.check().healthy()).as(store.check().detail()).isTrue();
        Span s = Span.builder().projectId("p1").traceId(String.format("a%031x", 1)).spanId(String.format("b%015x", 1))
            .name("through the plugin").kind(SpanKind.CLIENT).startEpochNanos(1_700_000_000_000_000_000L)
            .endEpochNanos(1_700_000_000_001_000_000L).attributes(Map.of("gen_ai.system", "openai")).build();
        store.spans().write(List.of(s));
        assertThat(store.spans().findSpans("p1", List.of(s.traceId()))).containsExactly(s);
      }
    } finally {
      manager.stopPlugin("store-mongo");
      manager.unloadPlugins();
    }
  }
}
