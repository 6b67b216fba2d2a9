package io.guardops.engine.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pf4j.DefaultPluginManager;
import org.pf4j.DefaultPluginRepository;
import org.pf4j.PluginRepository;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs PF4J: loads the plugins directory (zips and unpacked directories) and the extensions on
 * the application class path, and records every plugin that could not be loaded or started, so
 * that a broken plugin shows in the log and in {@code /health} but never stops the host.
 * Not thread-safe (PF4J's manager is not): used on the start-up and shutdown thread only.
 * Internal: not API.
 */
public final class PluginHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

  /** One loaded or failed plugin, for health output. */
  public record PluginInfo(String id, String version, String state, String source, String error) {}

  private final Manager manager;
  private final Map<String, String> failures = Collections.synchronizedMap(new LinkedHashMap<>());
  private boolean closed;

  private PluginHost(Path pluginsDir) {
    this.manager = new Manager(pluginsDir);
  }

  /**
   * Loads and starts every plugin under {@code pluginsDir} (which may be missing: then only
   * class-path extensions are found).
   */
  public static PluginHost start(Path pluginsDir) {
    PluginHost host = new PluginHost(pluginsDir);
    host.manager.loadPlugins();
    host.manager.startPlugins();
    for (PluginWrapper p : host.manager.getPlugins()) {
      if (p.getPluginState() == PluginState.FAILED) {
        Throwable t = p.getFailedException();
        String reason = t == null ? "failed to start" : describe(t);
        host.failures.put(p.getPluginId(), reason);
        LOG.error("plugin {} failed to start and is disabled: {}", p.getPluginId(), reason, t);
      } else {
        LOG.info("plugin {} {} {}", p.getPluginId(), p.getDescriptor().getVersion(), p.getPluginState());
      }
    }
    return host;
  }

  /** Every extension of {@code type}: from started plugins and from the class path. */
  public <T> List<T> extensions(Class<T> type) {
    List<T> out = new ArrayList<>();
    try {
      out.addAll(manager.getExtensions(type));
    } catch (RuntimeException | LinkageError e) {
      LOG.error("could not instantiate {} extensions: {}", type.getSimpleName(), describe(e), e);
      failures.put(type.getSimpleName(), describe(e));
    }
    return out;
  }

  /** The plugin that provides {@code extension}, or "classpath". */
  public String sourceOf(Object extension) {
    PluginWrapper p = manager.whichPlugin(extension.getClass());
    return p == null ? "classpath" : p.getPluginId();
  }

  /** Loaded plugins and failures. */
  public List<PluginInfo> plugins() {
    List<PluginInfo> out = new ArrayList<>();
    for (PluginWrapper p : manager.getPlugins()) {
      String error = p.getPluginState() == PluginState.FAILED ? failures.get(p.getPluginId()) : null;
      out.add(new PluginInfo(p.getPluginId(), p.getDescriptor().getVersion(), p.getPluginState().toString(),
          p.getPluginPath().getFileName().toString(), error));
    }
    synchronized (failures) {
      failures.forEach((source, error) -> {
        if (manager.getPlugin(source) == null) {
          out.add(new PluginInfo(null, null, "FAILED", source, error));
        }
      });
    }
    return out;
  }

  /** Whether any plugin failed to load or start. */
  public boolean hasFailures() {
    return !failures.isEmpty();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // one by one: pf4j's bulk stopPlugins() is fragile (upstream issue 656 in 3.15)
    List<PluginWrapper> started = new ArrayList<>(manager.getStartedPlugins());
    Collections.reverse(started);
    for (PluginWrapper p : started) {
      try {
        manager.stopPlugin(p.getPluginId());
      } catch (RuntimeException e) {
        LOG.warn("plugin {} did not stop cleanly: {}", p.getPluginId(), describe(e));
      }
    }
    try {
      manager.unloadPlugins();
    } catch (RuntimeException e) {
      LOG.warn("plugins did not unload cleanly: {}", describe(e));
    }
  }

  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = t.getMessage();
    String rootMsg = root == t ? "" : " (" + root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg) + rootMsg;
  }

  /** Checks that a zip can be opened and has a plugin descriptor; returns the problem or null. */
  static String validateZip(Path zip) {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      ZipEntry props = z.getEntry("plugin.properties");
      if (props == null && z.getEntry("META-INF/MANIFEST.MF") == null) {
        return "not a plugin: no plugin.properties at the zip's root";
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "corrupt zip: " + describe(e);
    }
  }

  private final class Manager extends DefaultPluginManager {
    Manager(Path pluginsDir) {
      super(pluginsDir);
    }

    @Override
    protected PluginRepository createPluginRepository() {
      return new DefaultPluginRepository(getPluginsRoots()) {
        @Override
        public List<Path> getPluginPaths() {
          List<String> bad = new ArrayList<>();
          for (Path root : getPluginsRoots()) {
            if (!Files.isDirectory(root)) {
              continue;
            }
            try (DirectoryStream<Path> zips = Files.newDirectoryStream(root, "*.zip")) {
              for (Path zip : zips) {
                String problem = validateZip(zip);
                if (problem != null) {
                  String name = zip.getFileName().toString();
                  failures.put(name, problem);
                  bad.add(name.substring(0, name.length() - ".zip".length()));
                  LOG.error("plugin {} cannot be loaded and is skipped: {}", zip, problem);
                }
              }
            } catch (IOException e) {
              LOG.error("cannot list plugins directory {}: {}", root, describe(e));
            }
          }
          List<Path> paths = new ArrayList<>(super.getPluginPaths());
          paths.removeIf(p -> bad.contains(p.getFileName().toString()));
          return paths;
        }
      };
    }

    @Override
    protected PluginWrapper loadPluginFromPath(Path pluginPath) {
      try {
        return super.loadPluginFromPath(pluginPath);
      } catch (RuntimeException | LinkageError e) {
        failures.put(pluginPath.getFileName().toString(), describe(e));
        LOG.error("plugin {} cannot be loaded and is skipped: {}", pluginPath, describe(e), e);
        throw e instanceof PluginRuntimeException pre ? pre : new PluginRuntimeException(e, "cannot load {}", pluginPath);
      }
    }
  }
}
