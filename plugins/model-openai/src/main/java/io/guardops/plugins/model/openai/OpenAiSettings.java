package io.guardops.plugins.model.openai;

import io.guardops.api.ComponentConfig;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The client's settings, read once from {@code guardops.model-client.openai.*} and validated eagerly
 * so that a bad value stops start-up with the full key in the message.
 */
record OpenAiSettings(URI baseUrl, String apiKey, String organization, String project, Duration connectTimeout,
    Duration requestTimeout, int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter,
    boolean azure, String apiVersion, Map<String, String> headers, String maxTokensField, boolean streamUsage) {

  static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";

  OpenAiSettings {
    headers = Map.copyOf(headers);
  }

  static OpenAiSettings from(ComponentConfig c) {
    URI base = baseUrl(c.getString("base-url", DEFAULT_BASE_URL), c.fullKey("base-url"));
    Duration connect = positive(c, "connect-timeout", Duration.ofSeconds(10));
    Duration request = positive(c, "request-timeout", Duration.ofSeconds(60));
    int retries = c.getInt("max-retries", 3);
    if (retries < 0 || retries > 10) {
      throw new IllegalArgumentException(c.fullKey("max-retries") + " must be between 0 and 10, was " + retries);
    }
    Duration initial = positive(c, "initial-backoff", Duration.ofMillis(500));
    Duration max = positive(c, "max-backoff", Duration.ofSeconds(30));
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(c.fullKey("max-backoff") + " (" + max + ") must not be shorter than "
          + c.fullKey("initial-backoff") + " (" + initial + ")");
    }
    Duration maxRetryAfter = positive(c, "max-retry-after", Duration.ofSeconds(60));
    String field = c.getString("max-tokens-field", "max_tokens");
    if (!field.equals("max_tokens") && !field.equals("max_completion_tokens")) {
      throw new IllegalArgumentException(c.fullKey("max-tokens-field")
          + " must be max_tokens or max_completion_tokens, was '" + field + "'");
    }
    return new OpenAiSettings(base, c.get("api-key").orElse(null), c.get("organization").orElse(null),
        c.get("project").orElse(null), connect, request, retries, initial, max, maxRetryAfter,
        c.getBoolean("azure", false), c.getString("api-version", DEFAULT_AZURE_API_VERSION),
        headers(c.getString("headers", ""), c.fullKey("headers")), field, c.getBoolean("stream-include-usage", true));
  }

  /** An http(s) base URL without a trailing slash. */
  static URI baseUrl(String text, String name) {
    String t = text.trim();
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " is not a valid URL: '" + text + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException(name + " must be an http or https URL such as " + DEFAULT_BASE_URL
          + ", was '" + text + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(name + " must not have a query or fragment, was '" + text + "'");
    }
    return uri;
  }

  /**
   * Extra headers written {@code Name: value; Other: value} (a {@code ;} or a newline between
   * headers), because configuration keys cannot carry header names (they are lowercased).
   */
  static Map<String, String> headers(String text, String name) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : text.split("[;\\n]")) {
      if (part.isBlank()) {
        continue;
      }
      int colon = part.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(name + " must be 'Name: value' pairs separated by ';', got '"
            + part.trim() + "'");
      }
      String header = part.substring(0, colon).trim();
      if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
        throw new IllegalArgumentException(name + ": '" + header + "' is not a valid header name");
      }
      out.put(header, part.substring(colon + 1).trim());
    }
    return out;
  }

  private static Duration positive(ComponentConfig c, String key, Duration def) {
    Duration d = c.getDuration(key, def);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(c.fullKey(key) + " must be positive, was " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    // never the key itself
    return "OpenAiSettings{" + baseUrl + (azure ? ", azure api-version " + apiVersion : "") + ", api key "
        + (apiKey == null ? "not set" : "set") + ", headers " + headers.keySet() + "}";
  }
}
