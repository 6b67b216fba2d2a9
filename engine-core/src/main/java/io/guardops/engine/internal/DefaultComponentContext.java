package io.guardops.engine.internal;

import io.guardops.api.ComponentContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The context the engine hands each provider: its clock and scheduler and the components created so
 * far, in creation order. Each provider gets a snapshot, so it never sees a component created after
 * it. Internal: not API.
 */
public final class DefaultComponentContext implements ComponentContext {
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final List<Object> components;

  public DefaultComponentContext(Clock clock, ScheduledExecutorService scheduler, List<?> components) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.components = List.copyOf(components);
  }

  /** A context that also holds {@code component}. */
  public DefaultComponentContext with(Object component) {
    List<Object> more = new ArrayList<>(components);
    more.add(Objects.requireNonNull(component, "component"));
    return new DefaultComponentContext(clock, scheduler, more);
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  @Override
  public <T> Optional<T> find(Class<T> type) {
    for (Object c : components) {
      if (type.isInstance(c)) {
        return Optional.of(type.cast(c));
      }
    }
    return Optional.empty();
  }
}
