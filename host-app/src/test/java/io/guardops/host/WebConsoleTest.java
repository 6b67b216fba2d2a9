package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The console's sources, read as files: every file is served (and nothing else is), every module it
 * imports exists, nothing renders markup from strings, and the policy names the issuer in auth0 mode.
 */
class WebConsoleTest {
  static final Path DIR = Path.of("src/main/resources/io/guardops/host/console");
  static final List<String> VENDOR = List.of("vendor/preact.mjs", "vendor/hooks.mjs", "vendor/htm.mjs",
      "vendor/uplot.mjs", "vendor/uplot.css");

  @Test
  void everyFileOfTheConsoleIsServedAndEveryImportResolves() throws IOException {
    List<String> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(DIR)) {
      s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("index.html")).forEach(files::add);
    }
    assertThat(WebConsole.FILES).containsExactlyInAnyOrderElementsOf(files);
    Pattern imports = Pattern.compile("(?:from\\s*|import\\(\\s*|new URL\\(\\s*)'\\./([^']+)'");
    for (String f : files) {
      String text = Files.readString(DIR.resolve(f));
      Matcher m = imports.matcher(text);
      while (m.find()) {
        assertThat(m.group(1)).as("%s imports ./%s", f, m.group(1)).isIn(concat(WebConsole.FILES, VENDOR));
      }
      // text is rendered as text: no page writes markup from strings
      assertThat(text).as(f).doesNotContain("dangerouslySetInnerHTML").doesNotContain("innerHTML")
          .doesNotContain("insertAdjacentHTML").doesNotContain("document.write").doesNotContain("eval(")
          .doesNotContain("localStorage.setItem");
    }
    String index = Files.readString(DIR.resolve("index.html"));
    Matcher m = Pattern.compile("console/\\{\\{v}}/([^\"]+)\"").matcher(index);
    while (m.find()) {
      assertThat(m.group(1)).isIn(concat(WebConsole.FILES, VENDOR));
    }
  }

  @Test
  void thePolicyAllowsCallsToTheIssuerOnlyInAuth0Mode() {
    assertThat(WebConsole.contentSecurityPolicy(null)).contains("connect-src 'self';");
    assertThat(WebConsole.contentSecurityPolicy("https://tenant.eu.auth0.com/"))
        .contains("connect-src 'self' https://tenant.eu.auth0.com;");
    assertThat(WebConsole.contentSecurityPolicy("http://127.0.0.1:8080/realms/x"))
        .contains("connect-src 'self' http://127.0.0.1:8080;");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
