package io.guardops.plugins.auth.single;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.Health;
import io.guardops.api.auth.AuthProvider;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * Single-user mode: no login, every call acts as user {@code "0"} with every role. A request that
 * names another {@code user_id} is refused (403), so a client pointed at the wrong server notices.
 * Safe only on a loopback address, which is why the host binds 127.0.0.1 by default.
 */
@Extension
public final class SingleUserAuthProvider implements AuthProvider {
  /** The one user of single-user mode. */
  public static final String USER_ID = "0";

  @Override
  public String name() {
    return "single-user";
  }

  @Override
  public String pluginId() {
    return "auth-single-user";
  }

  @Override
  public Authenticator create(ComponentConfig config, ComponentContext context) {
    String userId = config.getString("user-id", USER_ID);
    Caller caller = Caller.localUser(userId);
    return new Authenticator() {
      @Override
      public AuthResult authenticate(Credentials credentials) {
        String claimed = credentials.claimedUserId();
        if (claimed != null && !claimed.isEmpty() && !claimed.equals(userId)) {
          return AuthResult.forbidden("this server runs in single-user mode: user_id must be '" + userId
              + "' or left out");
        }
        return AuthResult.authenticated(caller);
      }

      @Override
      public Optional<Caller> implicitCaller() {
        return Optional.of(caller);
      }

      @Override
      public Health check() {
        return Health.up("single-user mode, user '" + userId + "'");
      }
    };
  }
}
