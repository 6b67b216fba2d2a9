package io.guardops.plugins.auth.auth0;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The few HTTP calls made to the issuer (discovery, JWKS, token endpoint, management API), each
 * bounded by one timeout and a body size cap, never following redirects. Messages name the URL and
 * the status, never a credential.
 */
final class IssuerHttp {
  /** Larger answers are refused: a JWKS or a role list is a few kilobytes. */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** A status and the body as text. */
  record Response(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClient client;
  private final Duration timeout;

  IssuerHttp(Duration timeout) {
    this.timeout = timeout;
    this.client = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  Response get(URI uri, String bearer) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().header("Accept", "application/json");
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return send(b);
  }

  Response postForm(URI uri, Map<String, String> form) throws IOException {
    StringJoiner body = new StringJoiner("&");
    form.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  Response postJson(URI uri, String bearer, String json) throws IOException {
    return send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + bearer)
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private Response send(HttpRequest.Builder request) throws IOException {
    HttpRequest r = request.timeout(timeout).build();
    try {
      HttpResponse<InputStream> response = client.send(r, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
          throw new IOException(r.method() + " " + r.uri() + " answered more than " + MAX_BODY_BYTES + " bytes");
        }
        return new Response(response.statusCode(), new String(body, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(r.method() + " " + r.uri() + " was interrupted", e);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
          + e.getMessage();
      throw new IOException(r.method() + " " + r.uri() + " failed (" + why + ")", e);
    }
  }
}
