package io.guardops.api;

import org.pf4j.ExtensionPoint;

/**
 * A named factory for one kind of component. Implementations are PF4J extensions (annotate them
 * with {@code @org.pf4j.Extension}) or are registered in code; the engine picks the one whose
 * {@link #name()} the configuration asks for. Providers must be cheap to instantiate and
 * stateless; all work happens in {@link #create}.
 *
 * @param <T> the component type; it must not expose PF4J, JSON, database or HTTP types
 */
public interface ComponentProvider<T> extends ExtensionPoint {
  /**
   * The name configuration uses to select this provider ({@code sqlite}, {@code caffeine}, ...):
   * lowercase, stable across versions, unique per extension point. Never {@code null}.
   */
  String name();

  /**
   * Creates a started component. Called once per engine, on the engine's start-up thread.
   *
   * @param config the keys of this component's scope, the data directory and the clock; never null
   * @param context the engine's clock and scheduler and the components created before this one
   *     (see {@link ComponentContext} for the order); never null
   * @return a ready component; never {@code null}
   * @throws Exception with a message a user can act on when the component cannot start (bad
   *     setting, unreachable server); the engine reports it and stops start-up
   */
  T create(ComponentConfig config, ComponentContext context) throws Exception;

  /** The Maven artifact / plugin id that ships this provider, for error messages. */
  default String pluginId() {
    return getClass().getSimpleName();
  }
}
