package io.guardops.engine.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads configuration into one flat map of canonical keys ({@code guardops.store.sqlite.path}),
 * from, highest precedence first: system properties, the environment, a {@code .env} file,
 * {@code conf/guardops.properties}. The original deployment's variable names are read as
 * aliases. Internal: not API.
 */
public final class ConfigSource {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigSource.class);

  /** The original backend's environment names and the keys they set. */
  static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("BASE_KEY", "guardops.keys.base-key"),
      Map.entry("MONGO_URI", "guardops.store.mongo.uri"),
      Map.entry("REDIS_URL", "guardops.tokencache.redis.url"),
      Map.entry("AUTH0_DOMAIN", "guardops.auth.auth0.domain"),
      Map.entry("AUTH0_API_AUDIENCE", "guardops.auth.auth0.audience"),
      Map.entry("AUTH0_ISSUER", "guardops.auth.auth0.issuer"),
      Map.entry("AUTH0_ALGORITHMS", "guardops.auth.auth0.algorithms"),
      // the original web app's and Actions' names for the management API client
      Map.entry("AUTH0_MANAGEMENT_CLIENT_ID", "guardops.auth.auth0.management.client-id"),
      Map.entry("AUTH0_MANAGEMENT_CLIENT_SECRET", "guardops.auth.auth0.management.client-secret"),
      Map.entry("MANAGEMENT_AUDIENCE", "guardops.auth.auth0.management.audience"),
      Map.entry("AUTH0_MANAGEMENT_API", "guardops.auth.auth0.management.token-endpoint"),
      // the original web app's single-page application (its login), now the console's
      Map.entry("AUTH0_CLIENT_ID", "guardops.console.oidc.client-id"),
      Map.entry("OPENAI_BASE_URL", "guardops.model-client.openai.base-url"),
      Map.entry("OPENAI_API_KEY", "guardops.model-client.openai.api-key"));

  private ConfigSource() {}

  /** Canonical key form: lowercase, {@code _} and {@code -} read as {@code .}. */
  public static String canonical(String key) {
    return key.trim().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
  }

  /**
   * Loads every source. {@code overrides} (from code or the CLI) beat everything.
   *
   * @param workingDir where {@code .env} and {@code conf/guardops.properties} are looked for
   */
  public static Map<String, String> load(Map<String, String> overrides, Map<String, String> systemProperties,
      Map<String, String> environment, Path workingDir) {
    List<Map<String, String>> lowestFirst = new ArrayList<>();
    Path conf = workingDir.resolve("conf").resolve("guardops.properties");
    String confOverride = firstNonNull(systemProperties.get("guardops.config"), environment.get("GUARDOPS_CONFIG"));
    if (confOverride != null) {
      conf = Path.of(confOverride);
      if (!Files.isRegularFile(conf)) {
        throw new IllegalArgumentException("configuration file " + conf + " (GUARDOPS_CONFIG) does not exist");
      }
    }
    lowestFirst.add(readProperties(conf));
    lowestFirst.add(readDotEnv(workingDir.resolve(".env")));
    lowestFirst.add(environment);
    lowestFirst.add(systemProperties);
    lowestFirst.add(overrides);

    Map<String, String> out = new LinkedHashMap<>();
    for (Map<String, String> source : lowestFirst) {
      // aliases first so that an explicit GUARDOPS_* name in the same source wins
      source.forEach((k, v) -> {
        String alias = ALIASES.get(k);
        if (alias != null && v != null) {
          out.put(canonical(alias), v);
        }
      });
      source.forEach((k, v) -> {
        if (v != null && canonical(k).startsWith("guardops.")) {
          out.put(canonical(k), v);
        }
      });
    }
    return out;
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  static Map<String, String> readProperties(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    LOG.debug("read {} settings from {}", out.size(), file);
    return out;
  }

  /** Reads {@code KEY=value} lines; {@code #} comments, optional {@code export}, optional quotes. */
  static Map<String, String> readDotEnv(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    for (String raw : lines) {
      String line = raw.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).trim();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = line.substring(0, eq).trim();
      String value = line.substring(eq + 1).trim();
      if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
          || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      } else {
        int hash = value.indexOf(" #");
        if (hash >= 0) {
          value = value.substring(0, hash).trim();
        }
      }
      out.put(key, value);
    }
    return out;
  }
}
