package io.guardops.tck;

import io.guardops.api.ComponentContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link ComponentContext} for a plugin's tests: a clock, a scheduler of its own and the components
 * the provider may ask for. Close it to stop the scheduler.
 */
public final class TestContext implements ComponentContext, AutoCloseable {
  private final Clock clock;
  private final List<Object> components;
  private ScheduledExecutorService scheduler;

  private TestContext(Clock clock, List<Object> components) {
    this.clock = clock;
    this.components = components;
  }

  /** A context with {@code clock} and the given earlier components (a store, a token cache, ...). */
  public static TestContext of(Clock clock, Object... components) {
    return new TestContext(clock, List.of(components));
  }

  /** A context with the system clock and no components. */
  public static TestContext empty() {
    return of(Clock.systemUTC());
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public synchronized ScheduledExecutorService scheduler() {
    if (scheduler == null) {
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-context-scheduler");
        t.setDaemon(true);
        return t;
      });
    }
    return scheduler;
  }

  @Override
  public <T> Optional<T> find(Class<T> type) {
    return components.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
