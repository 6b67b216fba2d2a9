package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's files over HTTP: the index at {@code /} (and under the {@code /tracing} root path), assets
 * under a content hash with long caching and gzip, the Content-Security-Policy on every reply, and
 * {@code /api/console_config} in single-user and unprotected mode (auth0 mode: ConsoleLoginBrowserIT).
 */
class WebConsoleIT {
  @TempDir
  Path dir;

  private TestHost host(Map<String, String> settings) throws Exception {
    TestHost.pluginsDir(dir);
    return new TestHost(dir, settings);
  }

  private static HttpResponse<byte[]> get(TestHost host, String path, String acceptEncoding) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(host.uri(path)).GET();
    if (acceptEncoding != null) {
      b.header("Accept-Encoding", acceptEncoding);
    }
    return host.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void theIndexAndItsAssetsAreServedWithAStrictPolicyLongCachingAndGzip() throws Exception {
    try (TestHost host = host(Map.of())) {
      HttpResponse<byte[]> index = get(host, "/", null);
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
      String csp = index.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(csp).contains("default-src 'self'", "script-src 'self';", "style-src 'self';", "connect-src 'self';",
          "frame-ancestors 'none'", "object-src 'none'").doesNotContain("unsafe");
      assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      String html = new String(index.body(), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("src=\"console/([0-9a-f]{12})/app\\.mjs\"").matcher(html);
      assertThat(m.find()).as(html).isTrue();
      String hash = m.group(1);
      assertThat(html).doesNotContain("<script>").doesNotContain("style=");

      // every file the index and the modules name is there
      List<String> assets = new ArrayList<>(List.of("app.mjs", "console.css", "icon.svg"));
      assets.addAll(WebConsole.FILES);
      assets.addAll(List.of("vendor/preact.mjs", "vendor/hooks.mjs", "vendor/htm.mjs", "vendor/uplot.mjs",
          "vendor/uplot.css"));
      for (String a : assets) {
        HttpResponse<byte[]> plain = get(host, "/console/" + hash + "/" + a, null);
        assertThat(plain.statusCode()).as(a).isEqualTo(200);
        assertThat(plain.headers().firstValue("Cache-Control")).as(a).hasValue("public, max-age=31536000, immutable");
        assertThat(plain.headers().firstValue("Content-Security-Policy")).hasValue(csp);
        HttpResponse<byte[]> zipped = get(host, "/console/" + hash + "/" + a, "gzip, deflate, br");
        if (zipped.headers().firstValue("Content-Encoding").isPresent()) {
          assertThat(zipped.body().length).as(a).isLessThan(plain.body().length);
          assertThat(new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes()).isEqualTo(plain.body());
        }
      }
      String hooks = new String(get(host, "/console/" + hash + "/vendor/hooks.mjs", null).body(), StandardCharsets.UTF_8);
      assertThat(hooks).contains("from\"./preact.mjs\"").doesNotContain("from\"preact\"");
      assertThat(new String(get(host, "/console/" + hash + "/vendor/uplot.mjs", null).body(), StandardCharsets.UTF_8))
          .endsWith("export default uPlot;\n");
      assertThat(get(host, "/console/" + hash + "/app.mjs", "gzip").headers().firstValue("Content-Encoding"))
          .hasValue("gzip");

      // an old page's hash still gets the file, without long caching; unknown files are 404
      HttpResponse<byte[]> stale = get(host, "/console/000000000000/app.mjs", null);
      assertThat(stale.statusCode()).isEqualTo(200);
      assertThat(stale.headers().firstValue("Cache-Control")).hasValue("no-cache");
      assertThat(get(host, "/console/" + hash + "/../../Main.class", null).statusCode()).isEqualTo(404);
      assertThat(get(host, "/console/" + hash + "/nope.mjs", null).statusCode()).isEqualTo(404);
      assertThat(get(host, "/console/app.mjs", null).statusCode()).isEqualTo(404);

      // behind the original proxy's root path, and the API beside it unchanged
      assertThat(new String(get(host, "/tracing/", null).body(), StandardCharsets.UTF_8)).isEqualTo(html);
      assertThat(host.send("GET", "/api/get_projects").status()).isEqualTo(200);
      assertThat(host.send("POST", "/").status()).isEqualTo(404);
    }
  }

  @Test
  void theConsoleConfigTellsTheModeTheCallerAndTheRoutes() throws Exception {
    try (TestHost host = host(Map.of())) {
      JsonNode c = host.send("GET", "/api/console_config").json();
      assertThat(c.get("mode").asText()).isEqualTo("single-user");
      assertThat(c.get("login").isNull()).isTrue();
      assertThat(c.at("/caller/user_id").asText()).isEqualTo("0");
      assertThat(c.at("/caller/roles/0").asText()).isEqualTo("Full_Access");
      assertThat(c.at("/caller/default_project_id").asText())
          .isEqualTo(host.send("GET", "/api/get_projects").json().at("/projects/0/project_id").asText());
      List<String> routes = new ArrayList<>();
      c.get("routes").forEach(r -> routes.add(r.get("method").asText() + " " + r.get("path").asText() + " "
          + r.get("role").asText()));
      assertThat(routes).contains("GET /api/get_projects Projects", "GET /api/search_traces Monitoring",
          "POST /v1/traces null", "GET /api/console_config null");
      assertThat(routes).hasSize(host.server.routeTable().routes().size());
    }
  }

  @Test
  void inUnprotectedModeTheConsoleNamesItsUser() throws Exception {
    try (TestHost host = host(Map.of("guardops.auth", "unprotected"))) {
      JsonNode anonymous = host.send("GET", "/api/console_config").json();
      assertThat(anonymous.get("mode").asText()).isEqualTo("unprotected");
      assertThat(anonymous.get("caller").isNull()).isTrue();
      assertThat(anonymous.get("caller_error").asText()).isNotBlank();
      JsonNode unknown = host.send("GET", "/api/console_config?user_id=alice").json();
      assertThat(unknown.get("caller_error").asText()).contains("alice").contains("create_user");
      host.send("POST", "/api/create_user?user_id=alice");
      JsonNode alice = host.send("GET", "/api/console_config?user_id=alice").json();
      assertThat(alice.at("/caller/user_id").asText()).isEqualTo("alice");
    }
  }

  @Test
  void theConsoleCanBeTurnedOff() throws Exception {
    try (TestHost host = host(Map.of("guardops.console.enabled", "false"))) {
      assertThat(host.send("GET", "/").status()).isEqualTo(404);
      assertThat(host.send("GET", "/api/get_projects").status()).isEqualTo(200);
    }
  }
}
