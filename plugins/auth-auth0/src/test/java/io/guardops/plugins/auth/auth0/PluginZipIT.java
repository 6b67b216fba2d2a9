package io.guardops.plugins.auth.auth0;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.auth.AuthProvider;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.tck.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;

/**
 * The packaged plugin zip, loaded by PF4J as the host loads it: nimbus-jose-jwt from its own
 * {@code lib/}, plugin-api and SLF4J from the host; only JDK and plugin-api types cross over.
 */
class PluginZipIT {
  @TempDir
  Path dir;

  @Test
  void theZipLoadsInPf4jAndAuthenticates() throws Exception {
    Path zip = Path.of("target", "auth-auth0-0.1.0-SNAPSHOT.zip");
    assertThat(zip).as("built by the package phase").exists();
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    PluginManager pm = new DefaultPluginManager(plugins);
    pm.loadPlugins();
    pm.startPlugins();
    MutableClock clock = new MutableClock(Instant.now());
    try (FakeIssuer issuer = new FakeIssuer(clock)) {
      PluginWrapper plugin = pm.getPlugin("auth-auth0");
      assertThat(plugin).isNotNull();
      List<AuthProvider> providers = pm.getExtensions(AuthProvider.class, "auth-auth0");
      assertThat(providers).hasSize(1);
      AuthProvider provider = providers.get(0);
      assertThat(provider.name()).isEqualTo("auth0");
      assertThat(provider.getClass().getClassLoader()).isSameAs(plugin.getPluginClassLoader());
      Map<String, String> settings = Fixtures.auth0(issuer);
      issuer.addUser("github|1", "Datasets");
      MapTokenCache cache = new MapTokenCache(clock);
      try (Authenticator auth = provider.create(Fixtures.config(settings, clock), new TestContext(clock, cache))) {
        AuthResult user = auth.authenticate(new Credentials(issuer.userToken("github|1", "Projects"), null, null));
        assertThat(user.caller()).isEqualTo(Caller.userToken("github|1", Set.of(Role.PROJECTS)));
        AuthResult machine = auth.authenticate(new Credentials(issuer.machineToken(Fixtures.WEB_APP_CLIENT),
            "github|1", null));
        assertThat(machine.caller().roles()).containsExactly(Role.DATASETS);
        assertThat(auth.check().healthy()).isTrue();
      }
    } finally {
      pm.stopPlugin("auth-auth0");
      pm.unloadPlugins();
    }
  }
}
