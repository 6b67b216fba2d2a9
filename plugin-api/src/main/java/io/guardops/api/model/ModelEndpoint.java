package io.guardops.api.model;

import java.util.Map;

/**
 * Where to send a request when it is not the client's configured default: a registered model's base
 * URL, its API key (decrypted by the engine for this call only; never logged), extra headers, and the
 * protocol flavour (Azure OpenAI addresses deployments and authenticates with an {@code api-key}
 * header and an {@code api-version} query parameter). Any field may be {@code null}: the client's
 * configuration fills it.
 *
 * @param azure {@code null}: the client's setting; {@code true}: Azure OpenAI's addressing
 * @param apiVersion Azure's {@code api-version}, or {@code null} for the client's
 */
public record ModelEndpoint(String baseUrl, String apiKey, Map<String, String> headers, Boolean azure,
    String apiVersion) {
  public ModelEndpoint {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** An OpenAI-style endpoint (the client's flavour). */
  public ModelEndpoint(String baseUrl, String apiKey, Map<String, String> headers) {
    this(baseUrl, apiKey, headers, null, null);
  }

  @Override
  public String toString() {
    return "ModelEndpoint{" + baseUrl + ", apiKey=" + (apiKey == null ? "default" : "set") + ", headers="
        + headers.keySet() + (Boolean.TRUE.equals(azure) ? ", azure " + apiVersion : "") + "}";
  }
}
