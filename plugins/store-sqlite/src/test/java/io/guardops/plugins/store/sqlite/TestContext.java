package io.guardops.plugins.store.sqlite;

import io.guardops.api.ComponentContext;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** The context a store is created with: it comes first, so it sees no other component. */
final class TestContext implements ComponentContext {
  private final Clock clock;

  TestContext(Clock clock) {
    this.clock = clock;
  }

  TestContext() {
    this(Clock.systemUTC());
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public ScheduledExecutorService scheduler() {
    // the store schedules nothing (its writer is its own thread); fail loudly should that change
    throw new UnsupportedOperationException("the SQLite store is not expected to use the engine's scheduler");
  }

  @Override
  public <T> Optional<T> find(Class<T> type) {
    return Optional.empty();
  }
}
