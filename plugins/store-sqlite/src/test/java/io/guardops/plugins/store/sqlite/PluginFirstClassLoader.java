package io.guardops.plugins.store.sqlite;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * Loads this plugin's classes and sqlite-jdbc (with its native SQLite) first from their own jars, and
 * the rest (plugin API, SLF4J, the JDK) from the parent, as PF4J's plugin class loader does: a
 * second engine's copy of the plugin in one JVM.
 */
final class PluginFirstClassLoader extends URLClassLoader {
  PluginFirstClassLoader(ClassLoader parent) {
    super(new URL[] {jarOf(SqliteStoreProvider.class), jarOf(org.sqlite.JDBC.class)}, parent);
  }

  private static URL jarOf(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.startsWith("io.guardops.plugins.store.sqlite.") && !name.startsWith("org.sqlite.")) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        c = findClass(name);
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }
}
