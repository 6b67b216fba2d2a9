package io.guardops.api.model;

import java.util.Map;

/**
 * Where to send a request when it is not the client's configured default: a registered model's base
 * URL, its API key (decrypted by the engine for this call only; never logged) and extra headers
 * (Azure's {@code api-key}, an organisation header). Any field may be {@code null}: the client's
 * configuration fills it.
 */
public record ModelEndpoint(String baseUrl, String apiKey, Map<String, String> headers) {
  public ModelEndpoint {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  @Override
  public String toString() {
    return "ModelEndpoint{" + baseUrl + ", apiKey=" + (apiKey == null ? "default" : "set") + ", headers="
        + headers.keySet() + "}";
  }
}
