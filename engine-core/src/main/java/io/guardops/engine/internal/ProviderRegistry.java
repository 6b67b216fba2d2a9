package io.guardops.engine.internal;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.ComponentProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the provider a setting names among those registered in code, built into engine-core and
 * found by PF4J (plugins directory and class path), in that order of precedence. Internal: not API.
 */
public final class ProviderRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  private final PluginHost plugins;
  private final List<ComponentProvider<?>> registered;
  private final java.nio.file.Path pluginsDirectory;

  public ProviderRegistry(PluginHost plugins, List<ComponentProvider<?>> registered, java.nio.file.Path pluginsDirectory) {
    this.plugins = plugins;
    this.registered = List.copyOf(registered);
    this.pluginsDirectory = pluginsDirectory;
  }

  /** Every provider of {@code type}, by name; the first registration of a name wins. */
  public <P extends ComponentProvider<?>> Map<String, P> providers(Class<P> type) {
    Map<String, P> byName = new LinkedHashMap<>();
    List<P> all = new ArrayList<>();
    for (ComponentProvider<?> p : registered) {
      if (type.isInstance(p)) {
        all.add(type.cast(p));
      }
    }
    if (plugins != null) {
      all.addAll(plugins.extensions(type));
    }
    for (P p : all) {
      String name;
      try {
        name = p.name();
      } catch (RuntimeException | LinkageError e) {
        LOG.error("provider {} cannot tell its name and is skipped: {}", p.getClass().getName(), e.toString());
        continue;
      }
      P previous = byName.putIfAbsent(name, p);
      if (previous != null && previous.getClass() != p.getClass()) {
        LOG.warn("two {} providers are named '{}': using {} from {}, ignoring {} from {}", type.getSimpleName(),
            name, previous.getClass().getName(), sourceOf(previous), p.getClass().getName(), sourceOf(p));
      }
    }
    return byName;
  }

  private String sourceOf(ComponentProvider<?> provider) {
    if (registered.contains(provider)) {
      return "engine-core".equals(provider.pluginId()) ? "built in" : "code";
    }
    return plugins == null ? "code" : plugins.sourceOf(provider);
  }

  /**
   * Creates one component per provider of {@code type}: of every installed one, or of those
   * {@code names} lists, in that order.
   *
   * @throws IllegalStateException naming the plugin to install when a listed name has no provider,
   *     or carrying a provider's own message when it cannot start
   */
  public <T, P extends ComponentProvider<T>> List<T> createAll(Class<P> type, String point,
      java.util.Optional<List<String>> names, Settings settings, ComponentContext context) {
    List<String> wanted = names.orElseGet(() -> new ArrayList<>(providers(type).keySet()));
    List<T> out = new ArrayList<>(wanted.size());
    for (String name : wanted) {
      out.add(create(type, point, name, settings, context));
    }
    return out;
  }

  /** The plugin that ships provider {@code name} of {@code point}, by the project's naming. */
  static String pluginName(String point, String name) {
    // plugins are named <kind>-<name>; the kind differs from the setting for model clients and receivers
    return switch (point) {
      case "model-client" -> "model-" + name;
      case "receivers" -> "ingest-" + name;
      default -> point + "-" + name;
    };
  }

  /**
   * Creates the component named {@code name}.
   *
   * @param point the extension point's key and plugin prefix ({@code store}, {@code auth}, ...)
   * @throws IllegalStateException naming the plugin to install when no provider has that name,
   *     or carrying the provider's own message when it cannot start
   */
  public <T, P extends ComponentProvider<T>> T create(Class<P> type, String point, String name, Settings settings,
      ComponentContext context) {
    Map<String, P> available = providers(type);
    P provider = available.get(name);
    if (provider == null) {
      String plugin = pluginName(point, name);
      throw new IllegalStateException("guardops." + point + " is '" + name + "', but no " + point
          + " provider of that name is installed. Install the plugin '" + plugin + "': put "
          + plugin + "-<version>.zip into " + pluginsDirectory
          + " or add io.guardops:" + plugin + " to the class path. Installed: "
          + (available.isEmpty() ? "none" : String.join(", ", new TreeSet<>(available.keySet()))) + ".");
    }
    ComponentConfig config = settings.scope(point, name);
    try {
      T component = provider.create(config, context);
      if (component == null) {
        throw new IllegalStateException(point + " provider '" + name + "' returned no component");
      }
      LOG.info("{}: {} (from {})", point, name, sourceOf(provider));
      return component;
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException("the " + point + " '" + name + "' could not start: "
          + PluginHost.describe(e), e);
    } catch (Exception e) {
      throw new IllegalStateException("the " + point + " '" + name + "' could not start: "
          + PluginHost.describe(e), e);
    }
  }
}
