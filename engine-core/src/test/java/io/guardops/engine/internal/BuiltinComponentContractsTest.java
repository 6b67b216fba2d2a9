package io.guardops.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.Authenticator;
import io.guardops.api.ComponentConfig;
import io.guardops.api.Credentials;
import io.guardops.api.RetentionPolicy;
import io.guardops.tck.AuthenticatorContract;
import io.guardops.tck.RetentionPolicyContract;
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
      return new Builtins.UnprotectedAuthProvider().create(ComponentConfig.empty(Path.of(".")));
    }

    @Override
    protected List<Accepted> accepted() {
      return List.of(new Accepted(new Credentials(null, "github|149702207", null), "github|149702207"),
          new Accepted(new Credentials("ignored-token", "alice", "10.0.0.1"), "alice"));
    }

    @Override
    protected List<Credentials> rejected() {
      return List.of(new Credentials(null, null, null), new Credentials("some-token-value", "", null),
          new Credentials(null, "   ", "127.0.0.1"));
    }
  }

  @Nested
  class RetentionDays extends RetentionPolicyContract {
    @Override
    protected RetentionPolicy newPolicy() {
      return new Builtins.RetentionDaysProvider().create(ComponentConfig.empty(Path.of(".")));
    }

    @Test
    void theCutoffIsNowMinusTheProjectsRetentionInDays() {
      assertThat(policy.cutoff(project(7), NOW)).contains(NOW.minus(Duration.ofDays(7)));
      assertThat(policy.cutoff(project(1), NOW)).contains(NOW.minus(Duration.ofDays(1)));
    }
  }
}
