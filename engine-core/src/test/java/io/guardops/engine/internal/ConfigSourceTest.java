package io.guardops.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {
  @TempDir Path dir;

  @Test
  void precedenceIsOverridesThenSystemPropertiesThenEnvironmentThenDotEnvThenFile() throws Exception {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/guardops.properties"),
        "guardops.port=1\nguardops.host=file\nguardops.store=file\nguardops.auth=file\nguardops.data.dir=file\n");
    Files.writeString(dir.resolve(".env"), "GUARDOPS_PORT=2\nexport GUARDOPS_HOST=\"dotenv\"\n"
        + "GUARDOPS_STORE=dotenv # a comment\nGUARDOPS_AUTH=dotenv\n");

    Map<String, String> out = ConfigSource.load(Map.of("guardops.port", "5"),
        Map.of("guardops.port", "4", "guardops.host", "sysprop"),
        Map.of("GUARDOPS_PORT", "3", "GUARDOPS_HOST", "env", "GUARDOPS_STORE", "env", "PATH", "/bin"), dir);

    assertThat(out).containsEntry("guardops.port", "5").containsEntry("guardops.host", "sysprop")
        .containsEntry("guardops.store", "env").containsEntry("guardops.auth", "dotenv")
        .containsEntry("guardops.data.dir", "file").doesNotContainKey("path");
  }

  @Test
  void originalDeploymentNamesAreAliasesAndAnExplicitKeyInTheSameSourceWins() {
    Map<String, String> out = ConfigSource.load(Map.of(), Map.of(), Map.of(
        "MONGO_URI", "mongodb://db:27017", "AUTH0_CLIENT_ID", "spa-client", "BASE_KEY", "old-",
        "GUARDOPS_KEYS_BASE_KEY", "new-", "OPENAI_API_KEY", "sk-test"), dir);

    assertThat(out).containsEntry("guardops.store.mongo.uri", "mongodb://db:27017")
        .containsEntry("guardops.console.oidc.client.id", "spa-client")
        .containsEntry("guardops.keys.base.key", "new-")
        .containsEntry("guardops.model.client.openai.api.key", "sk-test");
  }

  @Test
  void aMissingExplicitConfigurationFileIsAnError() {
    assertThatThrownBy(() -> ConfigSource.load(Map.of(), Map.of(), Map.of("GUARDOPS_CONFIG",
        dir.resolve("nope.properties").toString()), dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.properties");
  }
}
