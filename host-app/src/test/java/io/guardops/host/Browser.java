package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through the system's chromedriver (Selenium never downloads a
 * browser or a driver here). One per test class: starting Chromium costs about a second. Tests skip,
 * saying what to install, where either binary is missing ({@code apt-get install chromium
 * chromium-driver}; {@code -Dguardops.test.chromium} and {@code -Dguardops.test.chromedriver} point
 * elsewhere).
 */
final class Browser implements AutoCloseable {
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(10);

  final ChromeDriver driver;
  private final String owner;

  private Browser(ChromeDriver driver, String owner) {
    this.driver = driver;
    this.owner = owner;
  }

  /** A headless Chromium at 1280 x 900; skips the calling test class when Chromium or chromedriver is missing. */
  static Browser start(Class<?> testClass) {
    Path chromium = Path.of(System.getProperty("guardops.test.chromium", "/usr/bin/chromium"));
    Path chromedriver = Path.of(System.getProperty("guardops.test.chromedriver", "/usr/bin/chromedriver"));
    assumeTrue(Files.isExecutable(chromium), "browser tests skipped: no Chromium at " + chromium
        + " (apt-get install chromium, or -Dguardops.test.chromium=PATH)");
    assumeTrue(Files.isExecutable(chromedriver), "browser tests skipped: no chromedriver at " + chromedriver
        + " (apt-get install chromium-driver, or -Dguardops.test.chromedriver=PATH)");
    // the system's driver: Selenium Manager is never asked (it would try to download one)
    System.setProperty("webdriver.chrome.driver", chromedriver.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,900", "--lang=en-US", "--no-first-run", "--disable-extensions",
        "--disable-background-networking", "--disable-component-update", "--disable-sync");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort().build();
    return new Browser(new ChromeDriver(service, options), testClass.getSimpleName());
  }

  void open(String url) {
    driver.get(url);
  }

  WebElement await(By by) {
    return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  WebElement await(String css) {
    return await(By.cssSelector(css));
  }

  /** Waits until the page's text contains {@code text}. */
  void awaitText(String text) {
    new WebDriverWait(driver, WAIT).until(d -> d.findElement(By.tagName("body")).getText().contains(text));
  }

  void awaitGone(String css) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(css)));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  void click(String css) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
  }

  /** Replaces a field's text. */
  void type(String css, String text) {
    WebElement e = await(css);
    e.clear();
    e.sendKeys(text);
  }

  String text() {
    return driver.findElement(By.tagName("body")).getText();
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  void size(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Saves the page under {@code target/screenshots/<TestClass>-<name>.png}. */
  Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(owner + "-" + name + ".png");
    Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    return file;
  }

  /**
   * The browser's console since the last call: fails on any error (a script error, a refused resource,
   * a Content-Security-Policy violation, a failed request), except those {@code expected} names.
   */
  void assertNoConsoleErrors(String... expected) {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()
          && java.util.Arrays.stream(expected).noneMatch(x -> e.getMessage().contains(x))) {
        errors.add(e.getMessage());
      }
    }
    assertThat(errors).as("errors in the browser's console").isEmpty();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
