package io.guardops.plugins.auth.single;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.AuthResult;
import io.guardops.api.Authenticator;
import io.guardops.api.ComponentConfig;
import io.guardops.api.Credentials;
import io.guardops.api.Role;
import io.guardops.tck.AuthenticatorContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleUserAuthProviderTest extends AuthenticatorContract {
  @TempDir
  Path dir;

  @Override
  protected Authenticator newAuthenticator() {
    return new SingleUserAuthProvider().create(ComponentConfig.empty(dir));
  }

  @Override
  protected List<Accepted> accepted() {
    return List.of(new Accepted(new Credentials(null, null, null), "0"),
        new Accepted(new Credentials("whatever-token", "0", "127.0.0.1"), "0"),
        new Accepted(new Credentials(null, "", null), "0"));
  }

  @Override
  protected List<Credentials> rejected() {
    return List.of(new Credentials(null, "github|someone", null), new Credentials("a-token-value", "1", null));
  }

  @Test
  void everyCallActsAsUserZeroWithEveryRole() {
    Authenticator auth = new SingleUserAuthProvider().create(ComponentConfig.empty(dir));
    for (Credentials c : new Credentials[] {
        new Credentials(null, null, null), new Credentials("any-token", "0", "127.0.0.1"),
        new Credentials(null, "", null)}) {
      AuthResult r = auth.authenticate(c);
      assertThat(r.isAccepted()).isTrue();
      assertThat(r.principal().userId()).isEqualTo("0");
      assertThat(r.principal().has(Role.PROJECTS)).isTrue();
      assertThat(r.principal().has(Role.EVALUATION)).isTrue();
    }
    assertThat(auth.trustsClaimedUserId()).isTrue();
    assertThat(auth.check().healthy()).isTrue();
  }

  @Test
  void anotherUserIdIsRefusedWithAReason() {
    Authenticator auth = new SingleUserAuthProvider().create(ComponentConfig.empty(dir));
    AuthResult r = auth.authenticate(new Credentials(null, "github|someone", null));
    assertThat(r.isAccepted()).isFalse();
    assertThat(r.rejection()).contains("single-user mode").contains("'0'");
  }

  @Test
  void theUserIdCanBeConfigured() {
    Authenticator auth = new SingleUserAuthProvider().create(ComponentConfig.empty(dir).with("user-id", "me"));
    assertThat(auth.authenticate(new Credentials(null, null, null)).principal().userId()).isEqualTo("me");
    assertThat(new SingleUserAuthProvider().name()).isEqualTo("single-user");
  }
}
