package io.guardops.plugins.store.sqlite;

import io.guardops.api.ComponentConfig;
import io.guardops.api.User;
import io.guardops.api.store.Store;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Why the same-process guard ({@link ProcessLock}) exists: opens two stores on one file in this JVM
 * with the guard skipped, first both from one copy of the plugin (one SQLite library), then from two
 * copies (as two embedded engines load it), races the creation of the same users through them and
 * counts the races in which both creations returned true (exactly one must). A {@code main}, not a
 * test: the failure it shows is a race. With the classpath of the README's benchmark command:
 * {@code java -cp plugins/store-sqlite/target/test-classes:plugins/store-sqlite/target/classes:$(cat
 * /tmp/sqlite-cp.txt) io.guardops.plugins.store.sqlite.TwoSqliteCopiesDemo [races]}; RATIONALE.md has its output.
 */
public final class TwoSqliteCopiesDemo {
  private TwoSqliteCopiesDemo() {}

  /** A store from the plugin copy of {@code loader}, opened without the guard (reflection: another copy's package). */
  private static Store openUnguarded(ClassLoader loader, ComponentConfig config) throws Exception {
    Class<?> provider = loader.loadClass(SqliteStoreProvider.class.getName());
    Class<?> settings = loader.loadClass(SqliteStoreProvider.Settings.class.getName());
    Method of = settings.getDeclaredMethod("of", ComponentConfig.class);
    Method open = provider.getDeclaredMethod("open", settings, boolean.class);
    of.setAccessible(true);
    open.setAccessible(true);
    return (Store) open.invoke(null, of.invoke(null, config), false);
  }

  public static void main(String[] args) throws Exception {
    int races = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    ClassLoader parent = TwoSqliteCopiesDemo.class.getClassLoader();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (PluginFirstClassLoader first = new PluginFirstClassLoader(parent);
        PluginFirstClassLoader second = new PluginFirstClassLoader(parent)) {
      for (boolean twoCopies : new boolean[] {false, true}) {
        Path dir = Files.createTempDirectory("guardops-two-copies");
        ComponentConfig config = ComponentConfig.empty(dir).with("synchronous", "NORMAL");
        try (Store a = openUnguarded(first, config); Store b = openUnguarded(twoCopies ? second : first, config)) {
          int bothWon = 0;
          for (int i = 0; i < races; i++) {
            User user = new User("u" + i, Instant.EPOCH);
            CountDownLatch go = new CountDownLatch(1);
            Future<Boolean> viaA = pool.submit(() -> {
              go.await();
              return a.users().create(user);
            });
            Future<Boolean> viaB = pool.submit(() -> {
              go.await();
              return b.users().create(user);
            });
            go.countDown();
            if (viaA.get() && viaB.get()) {
              bothWon++;
            }
          }
          System.out.printf("%s: both creations returned true in %d of %d races%n",
              twoCopies ? "two copies of SQLite" : "one copy of SQLite", bothWon, races);
        }
        try (var files = Files.walk(dir)) {
          for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
