package io.guardops.plugins.tokencache.redis;

import io.guardops.api.ComponentContext;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** The engine's context as a token cache sees it: a clock, and nothing created before it but the store. */
record TestContext(Clock clock) implements ComponentContext {
  @Override
  public ScheduledExecutorService scheduler() {
    throw new UnsupportedOperationException("the redis token cache schedules nothing");
  }

  @Override
  public <T> Optional<T> find(Class<T> type) {
    return Optional.empty();
  }
}
