package io.guardops.plugins.auth.auth0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.guardops.api.auth.Role;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Auth0SettingsTest {
  private static Auth0Settings settings(Map<String, String> values) {
    return Auth0Settings.from(Fixtures.config(values, Clock.systemUTC()));
  }

  private static Map<String, String> minimal() {
    return new HashMap<>(Map.of("domain", "tenant.eu.auth0.com", "audience", "https://api.guardops.io"));
  }

  @Test
  void theOriginalAuth0VariablesAreEnough() {
    Auth0Settings s = settings(minimal());
    assertThat(s.issuer()).isEqualTo("https://tenant.eu.auth0.com/");
    assertThat(s.audience()).isEqualTo("https://api.guardops.io");
    assertThat(s.algorithms()).containsExactly(JWSAlgorithm.RS256);
    assertThat(s.clockSkew()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.jwksUri()).as("found through discovery").isNull();
    assertThat(s.jwksRefreshMinInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.jwksMaxAge()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.httpTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.rolesClaims()).containsExactly("permissions");
    assertThat(s.machineClients()).isEmpty();
    assertThat(s.machineRoles()).isEmpty();
    assertThat(s.management()).isNull();
    assertThat(s.rolesCacheTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.defaultRoleId()).isNull();
  }

  @Test
  void managementDefaultsComeFromTheTenantDomainEvenWithACustomIssuerDomain() {
    Map<String, String> v = minimal();
    v.put("issuer", "https://login.guardops.io/");
    v.put("management.client-id", "id");
    v.put("management.client-secret", "very-secret");
    v.put("machine-clients", "a, b");
    v.put("default-role-id", "rol_123");
    v.put("machine-roles", "monitoring");
    Auth0Settings s = settings(v);
    assertThat(s.issuer()).isEqualTo("https://login.guardops.io/");
    assertThat(s.management().tokenEndpoint()).isEqualTo(URI.create("https://tenant.eu.auth0.com/oauth/token"));
    assertThat(s.management().audience()).isEqualTo("https://tenant.eu.auth0.com/api/v2/");
    assertThat(s.management().apiBase()).isEqualTo(URI.create("https://tenant.eu.auth0.com/api/v2/"));
    assertThat(s.management().toString()).doesNotContain("very-secret");
    assertThat(s.machineClients()).containsExactlyInAnyOrder("a", "b");
    assertThat(s.machineRoles()).containsExactly(Role.MONITORING);

    v.remove("domain");
    assertThat(settings(v).management().tokenEndpoint())
        .as("without a domain: the issuer's").isEqualTo(URI.create("https://login.guardops.io/oauth/token"));
  }

  @Test
  void domainsAndAlgorithmListsArePastedInManyWays() {
    Map<String, String> v = minimal();
    v.put("domain", "https://Tenant.auth0.com/");
    v.put("algorithms", "[\"RS256\", 'ES256']");
    Auth0Settings s = settings(v);
    assertThat(s.issuer()).isEqualTo("https://tenant.auth0.com/");
    assertThat(s.algorithms()).containsExactlyInAnyOrder(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
  }

  @Test
  void noneAndHmacAreRefusedAtStartUp() {
    for (String alg : new String[] {"none", "RS256,none", "HS256", "RS256 HS512", "hs384"}) {
      Map<String, String> v = minimal();
      v.put("algorithms", alg);
      assertThatThrownBy(() -> settings(v)).as(alg).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("guardops.auth.auth0.algorithms").hasMessageContaining("AUTH0_ALGORITHMS")
          .hasMessageContaining("RS256");
    }
    Map<String, String> v = minimal();
    v.put("algorithms", "EdDSA");
    assertThatThrownBy(() -> settings(v)).hasMessageContaining("does not verify");
  }

  @Test
  void missingOrUnsafeSettingsFailWithTheKeyAndTheEnvironmentName() {
    assertThatThrownBy(() -> settings(Map.of("audience", "x"))).hasMessageContaining("guardops.auth.auth0.issuer")
        .hasMessageContaining("AUTH0_ISSUER").hasMessageContaining("AUTH0_DOMAIN");
    assertThatThrownBy(() -> settings(Map.of("domain", "t.auth0.com"))).hasMessageContaining("AUTH0_API_AUDIENCE");
    assertThatThrownBy(() -> settings(Map.of("issuer", "http://issuer.example/", "audience", "x")))
        .hasMessageContaining("plain http").hasMessageContaining("allow-http");
    assertThat(settings(Map.of("issuer", "http://issuer.example/", "audience", "x", "allow-http", "true")).issuer())
        .isEqualTo("http://issuer.example/");
    assertThat(settings(Map.of("issuer", "http://127.0.0.1:8080/realms/x", "audience", "x")).issuer())
        .as("loopback http is fine").isEqualTo("http://127.0.0.1:8080/realms/x");
    assertThat(settings(Map.of("issuer", "http://[::1]:8080/", "audience", "x")).issuer()).isNotNull();
    assertThatThrownBy(() -> settings(Map.of("issuer", "ftp://x/", "audience", "x"))).hasMessageContaining("https URL");
    assertThatThrownBy(() -> settings(Map.of("domain", "t.auth0.com/path", "audience", "x")))
        .hasMessageContaining("host name");

    Map<String, String> v = minimal();
    v.put("machine-clients", "webapp");
    assertThatThrownBy(() -> settings(v)).hasMessageContaining("management.client-id");
    v.remove("machine-clients");
    v.put("default-role-id", "rol_1");
    assertThatThrownBy(() -> settings(v)).hasMessageContaining("management API");
    v.remove("default-role-id");
    v.put("management.client-id", "id");
    assertThatThrownBy(() -> settings(v)).hasMessageContaining("both");
    v.remove("management.client-id");
    v.put("machine-roles", "Admins");
    assertThatThrownBy(() -> settings(v)).hasMessageContaining("unknown role 'Admins'");
    v.remove("machine-roles");
    v.put("clock-skew", "1h");
    assertThatThrownBy(() -> settings(v)).hasMessageContaining("clock-skew");
    v.put("clock-skew", "0s");
    assertThat(settings(v).clockSkew()).isZero();
    v.put("jwks-uri", "http://keys.example/jwks.json");
    assertThatThrownBy(() -> settings(v)).hasMessageContaining("jwks-uri");
    v.remove("jwks-uri");
    v.put("http-timeout", "0s");
    assertThatThrownBy(() -> settings(v)).hasMessageContaining("http-timeout");
  }

  @Test
  void loopbackMeansLiteralLoopbackAddressesAndLocalhostOnly() {
    assertThat(Auth0Settings.isLoopback("localhost")).isTrue();
    assertThat(Auth0Settings.isLoopback("127.0.0.1")).isTrue();
    assertThat(Auth0Settings.isLoopback("127.1.2.3")).isTrue();
    assertThat(Auth0Settings.isLoopback("[::1]")).isTrue();
    assertThat(Auth0Settings.isLoopback("10.0.0.1")).isFalse();
    assertThat(Auth0Settings.isLoopback("cafe")).as("never resolved").isFalse();
    assertThat(Auth0Settings.isLoopback("localhost.evil.example")).isFalse();
  }

  @Test
  void providerIsNamed() {
    assertThat(new Auth0AuthProvider().name()).isEqualTo("auth0");
    assertThat(new Auth0AuthProvider().pluginId()).isEqualTo("auth-auth0");
  }
}
