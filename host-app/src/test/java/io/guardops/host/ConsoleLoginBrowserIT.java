package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.TokenRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in auth0 mode, logging in for real: mock-oauth2-server in-process as the OIDC issuer with
 * its interactive login page, the console's authorization code flow with PKCE from the browser
 * (discovery, authorize, token endpoint over CORS), silent renewal with the refresh token, sign-out
 * through the issuer's end-session endpoint. A user holding only Monitoring sees Traces and Monitoring
 * and none of the pages they may not use; tokens never reach the URL, local or session storage, or
 * cookies.
 */
class ConsoleLoginBrowserIT {
  static final String TENANT = "console";
  static final String CLIENT = "guardops-console";
  /** Short, so that the test sees the console renew its token (at three quarters of the lifetime). */
  static final long TOKEN_SECONDS = 4;

  static MockOAuth2Server issuer;
  static final Map<String, AtomicInteger> grants = new ConcurrentHashMap<>();
  @TempDir
  static Path dir;
  static TestHost host;
  static Browser browser;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeFalse(TestHost.onMongo(), "the browser tests run on the default store only");
    browser = Browser.start(ConsoleLoginBrowserIT.class);
    issuer = new MockOAuth2Server(new OAuth2Config(true, null, null, false, new OAuth2TokenProvider(),
        Set.of(new ConsoleTokens()), new NettyWrapper()));
    issuer.start();
    TestHost.pluginsDir(dir);
    host = new TestHost(dir, Map.of("guardops.auth", "auth0",
        "guardops.auth.auth0.issuer", issuer.issuerUrl(TENANT).toString(),
        "guardops.auth.auth0.audience", OidcIssuer.AUDIENCE,
        // no tolerance: a page that still used the first token after it expired would be refused
        "guardops.auth.auth0.clock-skew", "0s",
        "guardops.console.oidc.client-id", CLIENT));
    base = "http://127.0.0.1:" + host.server.port() + "/";
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (host != null) {
      host.close();
    }
    if (issuer != null) {
      issuer.shutdown();
    }
  }

  @AfterEach
  void noConsoleErrors() {
    // the issuer's own login page asks for a web font (mock-oauth2-server's page, not the console's)
    browser.assertNoConsoleErrors("fonts.googleapis.com");
  }

  /** Access tokens for the GuardOps API, short-lived; counts the grants the token endpoint served. */
  static final class ConsoleTokens implements OAuth2TokenCallback {
    @Override
    public String issuerId() {
      return TENANT;
    }

    @Override
    public String subject(TokenRequest request) {
      return "nobody"; // the login page's user name replaces it
    }

    @Override
    public String typeHeader(TokenRequest request) {
      return "JWT";
    }

    @Override
    public List<String> audience(TokenRequest request) {
      return List.of(OidcIssuer.AUDIENCE);
    }

    @Override
    public Map<String, Object> addClaims(TokenRequest request) {
      GrantType type = request.getAuthorizationGrant().getType();
      grants.computeIfAbsent(type.getValue(), t -> new AtomicInteger()).incrementAndGet();
      return Map.of("azp", CLIENT);
    }

    @Override
    public long tokenExpiry() {
      return TOKEN_SECONDS;
    }
  }

  static int grants(String type) {
    AtomicInteger n = grants.get(type);
    return n == null ? 0 : n.get();
  }

  /** Signs in through the issuer's login page as {@code user} with {@code permissions}. */
  static void signIn(String user, String permissions) {
    browser.open(base);
    browser.click("[data-testid=sign-in]");
    browser.type("input[name=username]", user);
    browser.type("textarea[name=claims]", "{\"permissions\": " + permissions + "}");
    browser.click("input[type=submit]");
    browser.await("[data-testid=user]");
  }

  @Test
  void aMonitoringOnlyUserLogsInSeesOnlyTheirPagesKeepsWorkingAcrossARenewalAndSignsOut() throws Exception {
    browser.open(base);
    browser.await("[data-testid=sign-in]");
    assertThat(browser.text()).contains("Sign in with");
    browser.screenshot("sign-in");

    int codes = grants("authorization_code");
    long signedIn = System.nanoTime();
    signIn("auth0|carol", "[\"Monitoring\"]");
    assertThat(grants("authorization_code")).as("the code was exchanged at the token endpoint").isGreaterThan(codes);
    assertThat(browser.await("[data-testid=user]").getText()).isEqualTo("auth0|carol");
    assertThat(browser.all("nav a").stream().map(a -> a.getText()).toList()).containsExactly("Traces", "Monitoring");
    browser.awaitText("No traces in this project yet");
    // no link leads to a page the user may not open
    for (String href : browser.all("a[href^='#/']").stream().map(a -> a.getAttribute("href")).toList()) {
      assertThat(href.substring(href.indexOf("#/") + 2).split("[/?]")[0]).as(href).isIn("", "traces", "monitoring", "trace");
    }
    // the code left the address bar; no token is kept where a script or the history could find it later
    assertThat(browser.driver.getCurrentUrl()).doesNotContain("code=").doesNotContain("state=");
    assertThat(browser.js("return localStorage.length")).isEqualTo(0L);
    assertThat((String) browser.js("return JSON.stringify(Object.entries(sessionStorage))")).doesNotContain("ey");
    assertThat(browser.js("return document.cookie")).isEqualTo("");
    browser.screenshot("monitoring-only");

    // a page the role does not cover is not offered, and not drawn when asked for by its address
    browser.open(base + "#/projects");
    browser.awaitText("Not available");

    // silent renewal with the refresh token before the access token expires; the pages keep working
    int refreshes = grants("refresh_token");
    new WebDriverWait(browser.driver, Duration.ofSeconds(3 * TOKEN_SECONDS))
        .until(d -> grants("refresh_token") > refreshes);
    // past the first token's lifetime (the API refuses it then), the console still calls with a live one
    long firstExpired = signedIn + (TOKEN_SECONDS + 1) * 1_000_000_000L;
    Thread.sleep(Math.max(0, (firstExpired - System.nanoTime()) / 1_000_000));
    browser.click("[data-testid=nav-monitoring]");
    browser.awaitText("No traces in this range");
    assertThat(browser.all("[data-testid=sign-in]")).isEmpty();

    browser.click("[data-testid=sign-out]");
    browser.await("[data-testid=sign-in]");
  }

  @Test
  void aFullAccessUserSeesEveryPage() throws Exception {
    signIn("auth0|dave", "[\"Full_Access\"]");
    assertThat(browser.all("nav a").stream().map(a -> a.getText()).toList())
        .contains("Projects", "API keys", "Traces", "Monitoring", "Datasets", "Evaluations", "Experiments");
    browser.click("[data-testid=nav-projects]");
    browser.await("[data-testid=project-row]");
    assertThat(browser.text()).contains("Default Project");
    browser.screenshot("full-access");
    browser.click("[data-testid=sign-out]");
    browser.await("[data-testid=sign-in]");
  }
}
