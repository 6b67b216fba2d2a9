package io.guardops.plugins.auth.single;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.tck.AuthenticatorContract;
import io.guardops.tck.TestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleUserAuthProviderTest extends AuthenticatorContract {
  @TempDir
  Path dir;

  @Override
  protected Authenticator newAuthenticator() {
    return new SingleUserAuthProvider().create(ComponentConfig.empty(dir), TestContext.empty());
  }

  @Override
  protected List<Accepted> accepted() {
    return List.of(new Accepted(new Credentials(null, null, null), Caller.Kind.LOCAL_USER, "0"),
        new Accepted(new Credentials("whatever-token", "0", "127.0.0.1"), Caller.Kind.LOCAL_USER, "0"),
        new Accepted(new Credentials(null, "", null), Caller.Kind.LOCAL_USER, "0"));
  }

  @Override
  protected List<Credentials> unauthenticated() {
    return List.of();
  }

  @Override
  protected List<Credentials> forbidden() {
    return List.of(new Credentials(null, "github|someone", null), new Credentials("a-token-value", "1", null));
  }

  @Test
  void everyCallActsAsUserZeroWithEveryRole() {
    Authenticator auth = new SingleUserAuthProvider().create(ComponentConfig.empty(dir), TestContext.empty());
    for (Credentials c : new Credentials[] {
        new Credentials(null, null, null), new Credentials("any-token", "0", "127.0.0.1"),
        new Credentials(null, "", null)}) {
      AuthResult r = auth.authenticate(c);
      assertThat(r.isAuthenticated()).isTrue();
      assertThat(r.caller().userId()).isEqualTo("0");
      assertThat(r.caller().kind()).isEqualTo(Caller.Kind.LOCAL_USER);
      assertThat(r.caller().has(Role.PROJECTS)).isTrue();
      assertThat(r.caller().has(Role.EVALUATION)).isTrue();
    }
    assertThat(auth.implicitCaller()).contains(Caller.localUser("0"));
    assertThat(auth.check().healthy()).isTrue();
  }

  @Test
  void anotherUserIdIsRefusedWithAReason() {
    Authenticator auth = new SingleUserAuthProvider().create(ComponentConfig.empty(dir), TestContext.empty());
    AuthResult r = auth.authenticate(new Credentials(null, "github|someone", null));
    assertThat(r.status()).isEqualTo(AuthResult.Status.FORBIDDEN);
    assertThat(r.reason()).contains("single-user mode").contains("'0'");
  }

  @Test
  void theUserIdCanBeConfigured() {
    Authenticator auth = new SingleUserAuthProvider().create(ComponentConfig.empty(dir).with("user-id", "me"), TestContext.empty());
    assertThat(auth.authenticate(new Credentials(null, null, null)).caller().userId()).isEqualTo("me");
    assertThat(new SingleUserAuthProvider().name()).isEqualTo("single-user");
  }
}
