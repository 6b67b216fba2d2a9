package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in unprotected mode, where the server trusts the {@code user_id} a client names: the
 * console asks which user to act as, says what to do about one that does not exist, and then shows that
 * user's projects.
 */
class ConsoleUnprotectedBrowserIT {
  @TempDir
  static Path dir;
  static TestHost host;
  static Browser browser;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeFalse(TestHost.onMongo(), "the browser tests run on the default store only");
    browser = Browser.start(ConsoleUnprotectedBrowserIT.class);
    TestHost.pluginsDir(dir);
    host = new TestHost(dir, Map.of("guardops.auth", "unprotected"));
    base = "http://127.0.0.1:" + host.server.port() + "/";
    assertThat(host.send("POST", "/api/create_user?user_id=alice").status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (host != null) {
      host.close();
    }
  }

  @AfterEach
  void noConsoleErrors() {
    browser.assertNoConsoleErrors();
  }

  @Test
  void theConsoleAsksWhichUserToActAsAndShowsTheirProjects() throws Exception {
    browser.open(base);
    browser.type("[data-testid=user_id]", "nobody");
    browser.click("button[type=submit]");
    assertThat(browser.await("[data-testid=error]").getText()).contains("nobody").contains("create_user");

    browser.type("[data-testid=user_id]", "alice");
    browser.click("button[type=submit]");
    assertThat(browser.await("[data-testid=user]").getText()).isEqualTo("alice");
    browser.click("[data-testid=nav-projects]");
    assertThat(browser.await("[data-testid=project-row]").getText()).contains("Default Project");
    browser.screenshot("unprotected");
    browser.click("[data-testid=sign-out]");
    browser.await("[data-testid=user_id]");
  }
}
