package io.guardops.engine.internal;

import io.guardops.api.AuthProvider;
import io.guardops.api.AuthResult;
import io.guardops.api.Authenticator;
import io.guardops.api.ComponentConfig;
import io.guardops.api.Health;
import io.guardops.api.Principal;
import io.guardops.api.RetentionPolicy;
import io.guardops.api.RetentionPolicyProvider;
import io.guardops.api.Store;
import io.guardops.api.StoreProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Providers that ship inside engine-core and need no plugin. Internal: not API. */
public final class Builtins {
  private static final Logger LOG = LoggerFactory.getLogger(Builtins.class);

  private Builtins() {}

  /** {@code guardops.store=memory}: the in-memory reference store (not durable). */
  public static final class MemoryStoreProvider implements StoreProvider {
    @Override
    public String name() {
      return "memory";
    }

    @Override
    public String pluginId() {
      return "engine-core";
    }

    @Override
    public Store create(ComponentConfig config) {
      LOG.warn("using the in-memory store: data is lost when the process stops");
      return new InMemoryStore();
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
    public Authenticator create(ComponentConfig config) {
      LOG.warn("*** UNPROTECTED MODE: the API trusts the user_id parameter; anyone who can reach this "
          + "server can read and change every user's data. Never expose it beyond a trusted network. ***");
      return new Authenticator() {
        @Override
        public AuthResult authenticate(io.guardops.api.Credentials credentials) {
          String user = credentials.claimedUserId();
          if (user == null || user.isBlank()) {
            return AuthResult.rejected("user_id is required");
          }
          return AuthResult.accepted(Principal.fullAccess(user));
        }

        @Override
        public boolean trustsClaimedUserId() {
          return true;
        }

        @Override
        public Health check() {
          return Health.up("unprotected: user_id is trusted");
        }
      };
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
    public RetentionPolicy create(ComponentConfig config) {
      return RetentionPolicy.retentionDays();
    }
  }
}
