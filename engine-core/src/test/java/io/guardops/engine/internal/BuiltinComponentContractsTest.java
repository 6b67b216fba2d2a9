package io.guardops.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.RetentionPolicy;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.tck.AuthenticatorContract;
import io.guardops.tck.RetentionPolicyContract;
import io.guardops.tck.TestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The components built into engine-core against their extension points' contracts. */
class BuiltinComponentContractsTest {
  @Nested
  class UnprotectedAuthenticator extends AuthenticatorContract {
    @Override
    protected Authenticator newAuthenticator() {
      return new Builtins.UnprotectedAuthProvider().create(ComponentConfig.empty(Path.of(".")), TestContext.empty());
    }

    @Override
    protected List<Accepted> accepted() {
      return List.of(
          new Accepted(new Credentials(null, "github|149702207", null), Caller.Kind.CLAIMED_USER, "github|149702207"),
          new Accepted(new Credentials("ignored-token", "alice", "10.0.0.1"), Caller.Kind.CLAIMED_USER, "alice"));
    }

    @Override
    protected List<Credentials> unauthenticated() {
      return List.of(new Credentials(null, "x".repeat(300), null));
    }

    @Override
    protected List<Credentials> forbidden() {
      return List.of();
    }

    @Test
    void withoutAUserIdTheCallerActsForNobodyWithEveryRole() {
      for (Credentials c : List.of(new Credentials(null, null, null), new Credentials("some-token-value", "", null),
          new Credentials(null, "   ", "127.0.0.1"))) {
        AuthResult r = auth.authenticate(c);
        assertThat(r.caller().kind()).isEqualTo(Caller.Kind.ANONYMOUS);
        assertThat(r.caller().userId()).isNull();
        assertThat(r.caller().has(Role.PROJECTS)).isTrue();
      }
    }
  }

  @Nested
  class RetentionDays extends RetentionPolicyContract {
    @Override
    protected RetentionPolicy newPolicy() {
      return new Builtins.RetentionDaysProvider().create(ComponentConfig.empty(Path.of(".")), TestContext.empty());
    }

    @Test
    void theCutoffIsNowMinusTheProjectsRetentionInDays() {
      assertThat(policy.cutoff(project(7), NOW)).contains(NOW.minus(Duration.ofDays(7)));
      assertThat(policy.cutoff(project(1), NOW)).contains(NOW.minus(Duration.ofDays(1)));
    }
  }
}
