package io.guardops.host;

import io.guardops.engine.Engine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The web console: static files served at {@code /} before the route table (they are not API routes
 * and need no caller). Its own ES modules (under {@code io/guardops/host/console/}) and the libraries it
 * imports, taken from their WebJars on the class path (preact, htm, uPlot); no build step, nothing
 * fetched at run time.
 *
 * <p>Every asset's URL carries a hash of all the console's bytes ({@code /console/<hash>/app.mjs}), so
 * assets are cached for a year and an upgrade changes every URL; only the small index page is
 * revalidated. Text is sent gzipped when the browser accepts it. Each reply carries a strict
 * Content-Security-Policy: scripts and styles from this origin only (no inline script or style), API
 * calls to this origin and, in auth0 mode, to the issuer.
 */
final class WebConsole {
  private static final String DIR = "io/guardops/host/console/";
  private static final String PREFIX = "/console/";

  /** The console's own files, each served at {@code /console/<hash>/<name>}. */
  static final List<String> FILES = List.of("app.mjs", "lib.mjs", "auth.mjs", "ui.mjs", "charts.mjs",
      "page-projects.mjs", "page-keys.mjs", "page-traces.mjs", "page-trace.mjs", "page-monitoring.mjs",
      "page-datasets.mjs", "page-evaluations.mjs", "page-experiments.mjs", "page-playground.mjs",
      "console.css", "icon.svg");

  private record Asset(byte[] body, byte[] gzip, String type) {}

  private final Map<String, Asset> assets = new LinkedHashMap<>();
  private final String version;
  private final Asset index;
  private final String contentSecurityPolicy;

  WebConsole(Engine engine) {
    for (String f : FILES) {
      assets.put(f, asset(ClassPathFiles.read(DIR + f), type(f)));
    }
    String preact = "META-INF/resources/webjars/preact/" + ClassPathFiles.webJarVersion("org.webjars.npm", "preact")
        + "/";
    String uplot = "META-INF/resources/webjars/uplot/" + ClassPathFiles.webJarVersion("org.webjars.npm", "uplot")
        + "/dist/";
    String htm = "META-INF/resources/_static/htm/" + ClassPathFiles.webJarVersion("org.mvnpm", "htm") + "/dist/";
    assets.put("vendor/preact.mjs", asset(withoutSourceMap(text(preact + "dist/preact.module.js")), type(".mjs")));
    // the hooks import the bare specifier "preact"; an import map would be an inline script, which the CSP
    // forbids, so the specifier is pointed at our copy instead
    assets.put("vendor/hooks.mjs", asset(withoutSourceMap(text(preact + "hooks/dist/hooks.module.js"))
        .replace("from\"preact\"", "from\"./preact.mjs\""), type(".mjs")));
    assets.put("vendor/htm.mjs", asset(withoutSourceMap(text(htm + "htm.module.js")), type(".mjs")));
    // uPlot ships no minified ES module; its minified IIFE declares `var uPlot`, so exporting that makes one
    assets.put("vendor/uplot.mjs", asset(text(uplot + "uPlot.iife.min.js") + "\nexport default uPlot;\n",
        type(".mjs")));
    assets.put("vendor/uplot.css", asset(text(uplot + "uPlot.min.css"), type(".css")));
    this.version = hash(assets);
    this.index = asset(text(DIR + "index.html").replace("{{v}}", version), "text/html; charset=utf-8");
    this.contentSecurityPolicy = contentSecurityPolicy(ConsoleRoutes.issuer(engine));
  }

  /** Whether the console serves {@code path} (instead of the route table). */
  static boolean serves(String method, String path) {
    return "GET".equals(method) && (path.equals("/") || path.equals("/index.html") || path.startsWith(PREFIX));
  }

  /** The hash in every asset URL. */
  String version() {
    return version;
  }

  /** The policy on every console reply. */
  String contentSecurityPolicy() {
    return contentSecurityPolicy;
  }

  Reply serve(String path, String acceptEncoding) {
    boolean gzip = acceptEncoding != null && acceptEncoding.contains("gzip");
    if (!path.startsWith(PREFIX)) {
      return reply(index, gzip, "no-cache");
    }
    String rest = path.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    Asset a = slash < 0 ? null : assets.get(rest.substring(slash + 1));
    if (a == null) {
      return new Reply(404, "text/plain; charset=utf-8", ("no such console file: " + path).getBytes(
          StandardCharsets.UTF_8), headers("no-cache", null));
    }
    // an old page asking for an old hash gets today's file, not cached for long
    boolean current = rest.substring(0, slash).equals(version);
    return reply(a, gzip, current ? "public, max-age=31536000, immutable" : "no-cache");
  }

  private Reply reply(Asset a, boolean gzip, String cache) {
    boolean zipped = gzip && a.gzip() != null;
    return new Reply(200, a.type(), zipped ? a.gzip() : a.body(), headers(cache, zipped ? "gzip" : null));
  }

  private Map<String, String> headers(String cache, String encoding) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Security-Policy", contentSecurityPolicy);
    h.put("X-Content-Type-Options", "nosniff");
    h.put("Referrer-Policy", "no-referrer");
    h.put("Cross-Origin-Opener-Policy", "same-origin");
    h.put("Cache-Control", cache);
    h.put("Vary", "Accept-Encoding");
    if (encoding != null) {
      h.put("Content-Encoding", encoding);
    }
    return h;
  }

  /**
   * No inline script or style anywhere; API calls to this origin, plus the OIDC issuer's origin in
   * auth0 mode (discovery and the token endpoint are called from the browser); nothing may frame it.
   */
  static String contentSecurityPolicy(String issuer) {
    String connect = "'self'";
    if (issuer != null) {
      URI u = URI.create(issuer);
      connect += " " + u.getScheme() + "://" + u.getRawAuthority();
    }
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        + "connect-src " + connect + "; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'self'; "
        + "frame-ancestors 'none'";
  }

  private static Asset asset(byte[] body, String type) {
    return new Asset(body, body.length < 512 ? null : gzip(body), type);
  }

  private static Asset asset(String text, String type) {
    return asset(text.getBytes(StandardCharsets.UTF_8), type);
  }

  private static String text(String resource) {
    return new String(ClassPathFiles.read(resource), StandardCharsets.UTF_8);
  }

  /** The browser would ask for the map, which is not served. */
  private static String withoutSourceMap(String js) {
    return js.replaceAll("(?m)^//# sourceMappingURL=.*$", "");
  }

  private static String type(String name) {
    if (name.endsWith(".mjs") || name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (name.endsWith(".svg")) {
      return "image/svg+xml";
    }
    throw new IllegalArgumentException("no content type for " + name);
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 3);
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String hash(Map<String, Asset> assets) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      assets.forEach((name, a) -> {
        d.update(name.getBytes(StandardCharsets.UTF_8));
        d.update(a.body());
      });
      return HexFormat.of().formatHex(d.digest(), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
