package io.guardops.engine.internal;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.Health;
import io.guardops.api.RetentionPolicy;
import io.guardops.api.RetentionPolicyProvider;
import io.guardops.api.auth.AuthProvider;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreProvider;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Providers that ship inside engine-core and need no plugin. Internal: not API. */
public final class Builtins {
  private static final Logger LOG = LoggerFactory.getLogger(Builtins.class);

  private Builtins() {}

  /**
   * {@code guardops.store=memory}: the in-memory reference store (not durable). {@code
   * guardops.store.memory.max-spans} (default {@value #DEFAULT_MAX_SPANS}) bounds it: beyond it whole
   * traces are evicted, oldest start first. A span of an LLM trace takes 1-3 KB of heap: size the heap
   * with the bound.
   */
  public static final class MemoryStoreProvider implements StoreProvider {
    /** Default bound of the in-memory store, in spans. */
    public static final long DEFAULT_MAX_SPANS = 100_000;

    @Override
    public String name() {
      return "memory";
    }

    @Override
    public String pluginId() {
      return "engine-core";
    }

    @Override
    public Store create(ComponentConfig config, ComponentContext context) {
      long maxSpans = config.getLong("max-spans", DEFAULT_MAX_SPANS);
      if (maxSpans < 1) {
        throw new IllegalArgumentException(config.fullKey("max-spans") + " must be at least 1, was " + maxSpans);
      }
      LOG.warn("using the in-memory store: data is lost when the process stops; at most {} spans, oldest traces "
          + "evicted beyond that", maxSpans);
      return new InMemoryStore(new InMemoryStore.Backend(maxSpans));
    }
  }

  /**
   * {@code guardops.auth=unprotected}: trusts the {@code user_id} parameter, as the original
   * backend did behind its web app. Anyone who can reach the port can act as any user.
   */
  public static final class UnprotectedAuthProvider implements AuthProvider {
    @Override
    public String name() {
      return "unprotected";
    }

    @Override
    public String pluginId() {
      return "engine-core";
    }

    @Override
    public Authenticator create(ComponentConfig config, ComponentContext context) {
      LOG.warn("*** UNPROTECTED MODE: the API trusts the user_id parameter; anyone who can reach this "
          + "server can read and change every user's data. Never expose it beyond a trusted network. ***");
      return new UnprotectedAuthenticator();
    }
  }

  /** Trusts {@code user_id}; a request without one acts for nobody (listing users, as the original Action did). */
  static final class UnprotectedAuthenticator implements Authenticator {
    @Override
    public AuthResult authenticate(Credentials credentials) {
      String user = credentials.claimedUserId();
      if (user == null || user.isBlank()) {
        // every role, but no user: calls that act for a user answer 400 "user_id is required"
        return AuthResult.authenticated(Caller.anonymous(EnumSet.of(Role.FULL_ACCESS)));
      }
      if (user.length() > 256) {
        return AuthResult.unauthenticated("user_id must be at most 256 characters");
      }
      return AuthResult.authenticated(Caller.claimedUser(user));
    }

    @Override
    public Health check() {
      return Health.up("unprotected: user_id is trusted");
    }
  }

  /** {@code guardops.retention.policy=days}: a project's retention in days, 0 = keep forever. */
  public static final class RetentionDaysProvider implements RetentionPolicyProvider {
    @Override
    public String name() {
      return "days";
    }

    @Override
    public String pluginId() {
      return "engine-core";
    }

    @Override
    public RetentionPolicy create(ComponentConfig config, ComponentContext context) {
      return RetentionPolicy.retentionDays();
    }
  }
}
