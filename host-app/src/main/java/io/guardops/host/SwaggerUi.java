package io.guardops.host;

import io.guardops.engine.EngineException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Swagger UI's static files, from the {@code org.webjars:swagger-ui} jar on the class path (nothing is
 * fetched at run time), and our own {@code swagger-initializer.js} that points it at
 * {@code /openapi.json}: a separate file, because the Content-Security-Policy allows no inline script.
 */
final class SwaggerUi {
  /** Every file {@code /docs/} serves besides its index. */
  static final List<String> ASSETS = List.of("swagger-ui.css", "index.css", "swagger-ui-bundle.js",
      "swagger-ui-standalone-preset.js", "swagger-initializer.js", "favicon-32x32.png", "favicon-16x16.png");

  /**
   * Scripts and styles from this origin only; images also as data: URIs (Swagger UI's CSS icons); the
   * page calls only this origin (the OpenAPI document, "try it out"), and nothing may frame it. The one
   * hash is the one {@code <style>} element Swagger UI 5.34.1's bundle inserts (found with headless
   * Chromium, which reports the blocked style with its hash; after a Swagger UI upgrade, load
   * {@code /docs/} in a browser and check its console: a stale hash only costs that one style).
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; "
      + "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; "
      + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final String root;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  SwaggerUi() {
    this.root = "META-INF/resources/webjars/swagger-ui/" + ClassPathFiles.webJarVersion("org.webjars", "swagger-ui")
        + "/";
  }

  /** {@code /docs/}; {@code /docs} is sent there, so that the index's relative links resolve. */
  Reply index(String path) {
    if (!path.endsWith("/")) {
      // relative, so that it also works behind the /tracing root path
      return new Reply(302, "text/plain", new byte[0], Map.of("Location", "docs/"));
    }
    return file(root + "index.html", "text/html; charset=utf-8");
  }

  Reply asset(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (!ASSETS.contains(name)) {
      throw EngineException.notFound("no such file: " + path);
    }
    String type = name.endsWith(".js") ? "text/javascript; charset=utf-8"
        : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/png";
    return file(name.equals("swagger-initializer.js") ? "io/guardops/host/docs/swagger-initializer.js" : root + name,
        type);
  }

  private Reply file(String resource, String type) {
    byte[] body = cache.computeIfAbsent(resource, ClassPathFiles::read);
    return new Reply(200, type, body, Map.of("Content-Security-Policy", CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer", "Cache-Control", "public, max-age=3600"));
  }
}
