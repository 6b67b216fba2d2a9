package io.guardops.api;

import io.guardops.api.store.Store;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a provider may use besides its configuration: the engine's clock and scheduler and the
 * components created before its own. The engine creates components in this fixed order, so a
 * provider sees exactly those before it:
 *
 * <ol>
 *   <li>the store ({@code guardops.store});</li>
 *   <li>the token cache ({@code guardops.tokencache});</li>
 *   <li>the model client, when one is configured;</li>
 *   <li>the authenticator ({@code guardops.auth});</li>
 *   <li>the retention policy, the attribute mappers, then evaluators, dataset formats and any
 *       other extension.</li>
 * </ol>
 *
 * Asking for a component that does not exist yet fails with a message naming this order. The
 * context belongs to the engine: do not close what it hands out.
 */
public interface ComponentContext {
  /** The engine's clock: use it, not {@code System.currentTimeMillis()}, so tests control time. */
  Clock clock();

  /**
   * The engine's scheduler for periodic background work (refreshing keys, expiring entries). Shared:
   * keep tasks short, never block in them, and cancel what you scheduled in your component's
   * {@code close()}. The engine shuts it down when it stops.
   */
  ScheduledExecutorService scheduler();

  /**
   * A component created before this one, by its type ({@link Store}, {@link TokenCache}, the model
   * client...), or empty.
   */
  <T> Optional<T> find(Class<T> type);

  /** The store. Available to every provider but the store's own. */
  default Store store() {
    return require(Store.class);
  }

  /** The token cache. Available from the model client on. */
  default TokenCache tokenCache() {
    return require(TokenCache.class);
  }

  /** {@link #find}, or an {@link IllegalStateException} that names the creation order. */
  default <T> T require(Class<T> type) {
    return find(type).orElseThrow(() -> new IllegalStateException("no " + type.getSimpleName()
        + " exists yet: components are created in the order store, token cache, model client, authenticator,"
        + " retention policy, attribute mappers, then the rest"));
  }
}
