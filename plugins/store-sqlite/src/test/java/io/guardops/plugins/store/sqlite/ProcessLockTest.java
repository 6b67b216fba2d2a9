package io.guardops.plugins.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.ComponentConfig;
import io.guardops.api.User;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same-process guard: a second store on one database file in this JVM is refused, also when
 * it comes from another plugin class loader (two embedded engines, each with its own copy of the
 * plugin and of SQLite), and the file opens again once the first store is closed. That another
 * process is not refused is {@code SqliteStoreInternalsTest.twoProcessesWritingTheSameTracesConverge}.
 */
class ProcessLockTest {
  private static final String REFUSAL = "this database is already open in this process by another GuardOps engine";

  @TempDir
  Path dir;

  private ComponentConfig config() {
    return ComponentConfig.empty(dir).with("synchronous", "NORMAL");
  }

  @Test
  void aSecondStoreOnTheFileInThisProcessIsRefusedUntilTheFirstCloses() throws Exception {
    Path db = dir.resolve(SqliteStoreProvider.DEFAULT_FILE_NAME);
    try (Store first = new SqliteStoreProvider().create(config(), new TestContext())) {
      assertThatThrownBy(() -> new SqliteStoreProvider().create(config(), new TestContext()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining(REFUSAL).hasMessageContaining(db.toString())
          .hasMessageContaining("guardops.store.sqlite.path");
      // the refusal left the first store and its guard as they were
      assertThat(first.users().create(new User("u1", Instant.EPOCH))).isTrue();
      assertThatThrownBy(() -> new SqliteStoreProvider().create(config(), new TestContext()))
          .hasMessageContaining(REFUSAL);
      // another file in the same directory is another database
      try (Store other = new SqliteStoreProvider().create(config().with("path", "other.db"), new TestContext())) {
        assertThat(other.check().healthy()).isTrue();
      }
    }
    try (Store again = new SqliteStoreProvider().create(config(), new TestContext())) {
      assertThat(again.users().find("u1")).isPresent();
    }
    assertThat(Files.exists(ProcessLock.fileOf(db))).as("the lock file stays").isTrue();
  }

  @Test
  void twoNamesOfOneFileShareOneLock() throws Exception {
    Path db = dir.resolve("real.db");
    try (Store first = new SqliteStoreProvider().create(config().with("path", "real.db"), new TestContext())) {
      Files.createSymbolicLink(dir.resolve("alias.db"), db);
      assertThat(ProcessLock.fileOf(dir.resolve("alias.db"))).isEqualTo(ProcessLock.fileOf(db));
      assertThatThrownBy(() -> new SqliteStoreProvider().create(config().with("path", "alias.db"), new TestContext()))
          .hasMessageContaining(REFUSAL);
    }
  }

  @Test
  void theGuardHoldsAcrossPluginClassLoaders() throws Exception {
    Path db = dir.resolve(SqliteStoreProvider.DEFAULT_FILE_NAME);
    Store first = new SqliteStoreProvider().create(config(), new TestContext());
    try (PluginFirstClassLoader plugin = new PluginFirstClassLoader(getClass().getClassLoader())) {
      StoreProvider second = (StoreProvider) plugin.loadClass(SqliteStoreProvider.class.getName())
          .getConstructor().newInstance();
      assertThat(second.getClass()).as("a copy of the plugin").isNotSameAs(SqliteStoreProvider.class);
      assertThat(plugin.loadClass("org.sqlite.JDBC")).as("with its own SQLite").isNotSameAs(org.sqlite.JDBC.class);
      // without the guard this opened: two copies of SQLite writing one file, unaware of each other
      assertThatThrownBy(() -> second.create(config(), new TestContext())).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(REFUSAL).hasMessageContaining(db.toString());
      first.users().create(new User("u1", Instant.EPOCH));
      first.close();
      // the file is free again: the other copy of the plugin (and of SQLite) opens it and sees the data
      try (Store reopened = second.create(config(), new TestContext())) {
        assertThat(reopened.getClass().getClassLoader()).isSameAs(plugin);
        assertThat(reopened.users().listIds()).isEqualTo(List.of("u1"));
        assertThat(reopened.users().create(new User("u1", Instant.EPOCH))).isFalse();
        assertThatThrownBy(() -> new SqliteStoreProvider().create(config(), new TestContext()))
            .hasMessageContaining(REFUSAL);
      }
    } finally {
      first.close();
    }
  }
}
