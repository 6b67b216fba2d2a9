package io.guardops.plugins.auth.auth0;

import io.guardops.api.ComponentContext;
import io.guardops.api.TokenCache;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** The engine's context as the authenticator sees it: a clock and the token cache created before it. */
record TestContext(Clock clock, TokenCache cache) implements ComponentContext {
  @Override
  public ScheduledExecutorService scheduler() {
    throw new UnsupportedOperationException("the auth0 authenticator schedules nothing on the engine's scheduler");
  }

  @Override
  public <T> Optional<T> find(Class<T> type) {
    return type == TokenCache.class && cache != null ? Optional.of(type.cast(cache)) : Optional.empty();
  }
}
