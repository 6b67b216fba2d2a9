package io.guardops.plugins.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreProvider;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin's one public class: its names, its extension index, and a store made from a config scope. */
class SqliteStoreProviderTest {
  @TempDir
  Path dir;

  @Test
  void providerIsNamed() {
    assertThat(new SqliteStoreProvider().name()).isEqualTo("sqlite");
    assertThat(new SqliteStoreProvider().pluginId()).isEqualTo("store-sqlite");
    assertThat(new SqliteStoreProvider()).isInstanceOf(StoreProvider.class);
  }

  @Test
  void extensionIndexListsTheProvider() throws Exception {
    // written by pf4j's annotation processor; without it PF4J would find no store in this plugin. The
    // main classes' index is the one packaged (test classes get an empty one of their own).
    URL classes = SqliteStoreProvider.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader main = new URLClassLoader(new URL[] {classes}, null);
        InputStream in = main.getResourceAsStream("META-INF/extensions.idx")) {
      assertThat(in).as("META-INF/extensions.idx in %s", classes).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains(SqliteStoreProvider.class.getName());
    }
  }

  @Test
  void createsAReadyStoreFromItsConfigScope() throws Exception {
    ComponentConfig config = ComponentConfig.of("guardops.store.sqlite",
        Map.of("path", "stores/main.db", "synchronous", "normal", "read-connections", "2"), dir,
        java.time.Clock.systemUTC());
    try (Store store = new SqliteStoreProvider().create(config, new TestContext())) {
      assertThat(store.check().healthy()).isTrue();
      assertThat(store.check().detail()).contains("main.db").contains("schema v" + Schema.LATEST);
      store.meta().put("k", "v");
      assertThat(store.meta().get("k")).contains("v");
    }
    assertThat(Files.exists(dir.resolve("stores/main.db"))).isTrue();
  }
}
