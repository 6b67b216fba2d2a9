package io.guardops.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallerTest {
  @Test
  void fullAccessImpliesEveryRole() {
    Caller c = Caller.localUser("0");
    for (Role r : Role.values()) {
      assertThat(c.has(r)).as(r.name()).isTrue();
    }
    assertThat(c.kind()).isEqualTo(Caller.Kind.LOCAL_USER);
    assertThat(c.userId()).isEqualTo("0");
  }

  @Test
  void aSingleRoleIsOnlyThatRole() {
    Caller c = Caller.userToken("auth0|1", EnumSet.of(Role.MONITORING));
    assertThat(c.has(Role.MONITORING)).isTrue();
    assertThat(c.has(Role.PROJECTS)).isFalse();
    assertThat(c.has(Role.FULL_ACCESS)).isFalse();
  }

  @Test
  void machineClientsActForAUser() {
    Caller c = Caller.machineClient("client-1", "github|7", Set.of(Role.DATASETS));
    assertThat(c.subject()).isEqualTo("client-1");
    assertThat(c.userId()).isEqualTo("github|7");
    assertThat(c.toString()).contains("client-1").contains("github|7");
  }

  @Test
  void onlyAnonymousCallersActForNobody() {
    assertThat(Caller.anonymous().actsForUser()).isFalse();
    assertThat(Caller.anonymous().roles()).isEmpty();
    assertThat(new Caller("client", Caller.Kind.MACHINE_CLIENT, null, Set.of()).actsForUser()).isFalse();
    assertThatThrownBy(() -> new Caller("x", Caller.Kind.USER_TOKEN, null, Set.of()))
        .hasMessageContaining("must act for a user");
    assertThatThrownBy(() -> new Caller(" ", Caller.Kind.ANONYMOUS, null, Set.of())).hasMessageContaining("subject");
  }

  @Test
  void apiKeysHoldNoRoles() {
    Caller c = Caller.apiKey("key-1", "u1");
    for (Role r : Role.values()) {
      assertThat(c.has(r)).isFalse();
    }
  }

  @Test
  void rolesParseFromClaimsLeniently() {
    assertThat(Role.fromClaim("Full_Access")).isEqualTo(Role.FULL_ACCESS);
    assertThat(Role.fromClaim("full-access")).isEqualTo(Role.FULL_ACCESS);
    assertThat(Role.fromClaim("  monitoring ")).isEqualTo(Role.MONITORING);
    assertThat(Role.fromClaim("admin")).isNull();
    assertThat(Role.fromClaim(null)).isNull();
  }

  @Test
  void authResultsAreOneOfThree() {
    AuthResult ok = AuthResult.authenticated(Caller.localUser("0"));
    assertThat(ok.isAuthenticated()).isTrue();
    assertThat(ok.reason()).isNull();
    AuthResult no = AuthResult.unauthenticated("a token is required");
    assertThat(no.status()).isEqualTo(AuthResult.Status.UNAUTHENTICATED);
    assertThatThrownBy(no::caller).isInstanceOf(IllegalStateException.class);
    AuthResult forbidden = AuthResult.forbidden("user_id names someone else");
    assertThat(forbidden.status()).isEqualTo(AuthResult.Status.FORBIDDEN);
    assertThat(forbidden.reason()).contains("someone else");
    assertThatThrownBy(() -> AuthResult.forbidden(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void credentialsNeverPrintTheToken() {
    assertThat(new Credentials("secret-token-value", "u", "1.2.3.4").toString()).doesNotContain("secret");
  }
}
