package io.guardops.host.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.engine.Engine;
import io.guardops.engine.Users;
import io.guardops.host.GuardOpsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Not a unit test (its name matches no test pattern, so {@code verify} never runs it): how long the
 * console's traces page takes to draw its first page for a project of 1M traces on the embedded SQLite
 * store, in headless Chromium, and how many bytes the first load transfers. Seeds the project through the
 * store's batch write ({@code SpanStore.write}) into {@code -Dbench.dir} (kept: a second run reuses it),
 * then loads the page {@code -Dbench.runs} times with an empty browser cache and as many times with a
 * warm one, reading the page's own {@code guardops:traces-rendered} mark (Performance API, milliseconds
 * since the navigation started). The command is in docs/console.md.
 */
class ConsoleFirstRenderBenchmark {
  @Test
  void theTracesPageOfAMillionTraceProjectDrawsItsFirstPageInUnderASecond() throws Exception {
    int traces = Integer.getInteger("bench.traces", 1_000_000);
    int runs = Integer.getInteger("bench.runs", 5);
    Path dir = Path.of(System.getProperty("bench.dir", "target/console-bench")).toAbsolutePath();
    assumeTrue(!"mongo".equals(System.getProperty("guardops.test.store")), "measured on the SQLite store, once");
    Path chromium = Path.of("/usr/bin/chromium");
    Path chromedriver = Path.of("/usr/bin/chromedriver");
    assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(chromedriver),
        "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    try (var zips = Files.newDirectoryStream(Path.of(System.getProperty("guardops.test.plugins",
        "target/test-plugins")), "*.zip")) {
      for (Path z : zips) {
        Files.copy(z, plugins.resolve(z.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    StringBuilder report = new StringBuilder();
    try (Engine engine = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .setting("guardops.plugins.dir", plugins.toString()).setting("guardops.store", "sqlite")
        .setting("guardops.receivers", "none").startScheduler(false).build()) {
      engine.users().provision("0");
      String project = Users.defaultProjectId("0");
      long have = engine.store().spans().countTraces(List.of(project)).getOrDefault(project, 0L);
      long t0 = System.nanoTime();
      seed(engine, project, have, traces);
      long seeded = engine.store().spans().countTraces(List.of(project)).get(project);
      report.append(String.format(Locale.ROOT, "traces in the project: %,d (seeded %,d in %.1f s)%n", seeded,
          seeded - have, (System.nanoTime() - t0) / 1e9));

      GuardOpsServer server = new GuardOpsServer(engine, "127.0.0.1", 0);
      server.start();
      System.setProperty("webdriver.chrome.driver", chromedriver.toString());
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1280,900", "--no-first-run", "--disable-extensions", "--disable-background-networking");
      java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(Level.WARNING);
      ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
          .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build(), options);
      try {
        String base = "http://127.0.0.1:" + server.port() + "/";
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        long firstLoadBytes = 0;
        for (int i = 0; i < runs * 2; i++) {
          boolean isCold = i < runs;
          if (isCold) {
            driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
          }
          // a new document each time (the query string differs), so nothing of the last load is reused
          driver.get(base + "?run=" + i + "#/traces");
          new WebDriverWait(driver, java.time.Duration.ofSeconds(30))
              .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=trace-row]")));
          JavascriptExecutor js = driver;
          new WebDriverWait(driver, java.time.Duration.ofSeconds(5)).until(d -> (Boolean) js.executeScript(
              "return performance.getEntriesByName('guardops:traces-rendered').length > 0"));
          double rendered = ((Number) js.executeScript(
              "return performance.getEntriesByName('guardops:traces-rendered')[0].startTime")).doubleValue();
          assertThat(driver.findElements(By.cssSelector("[data-testid=trace-row]"))).hasSize(50);
          (isCold ? cold : warm).add(rendered);
          if (i == 0) {
            firstLoadBytes = ((Number) js.executeScript("return performance.getEntriesByType('navigation')"
                + ".concat(performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)"))
                .longValue();
            report.append("first load, every request (transferred bytes, encoded body bytes, ms):\n");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> entries = (List<Map<String, Object>>) js.executeScript(
                "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                    + ".map(e => ({name: e.name.replace(location.origin, ''), transfer: e.transferSize,"
                    + " body: e.encodedBodySize, ms: e.responseEnd - e.startTime}))");
            for (Map<String, Object> e : entries) {
              report.append(String.format(Locale.ROOT, "  %-60s %8d %8d %7.1f%n", e.get("name"),
                  ((Number) e.get("transfer")).longValue(), ((Number) e.get("body")).longValue(),
                  ((Number) e.get("ms")).doubleValue()));
            }
          }
        }
        Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(Path.of("target", "screenshots", "ConsoleFirstRenderBenchmark-traces.png"),
            driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        report.append(String.format(Locale.ROOT, "first load transferred: %,d bytes%n", firstLoadBytes));
        report.append(String.format(Locale.ROOT, "first page drawn, empty cache: %s ms (median %.0f)%n", cold,
            median(cold)));
        report.append(String.format(Locale.ROOT, "first page drawn, warm cache:  %s ms (median %.0f)%n", warm,
            median(warm)));
        System.out.println(report);
        Files.writeString(Path.of("target", "console-bench.txt"), report.toString());
        assertThat(median(cold)).as("first render with an empty cache, ms").isLessThan(1000);
      } finally {
        driver.quit();
        server.close();
      }
    }
  }

  /** Adds traces (one LLM span each, a second apart, newest now) until the project has {@code target}. */
  private static void seed(Engine engine, String project, long have, int target) {
    long now = System.currentTimeMillis() * 1_000_000L;
    String[] models = {"gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet"};
    List<Span> batch = new ArrayList<>(10_000);
    for (long i = have; i < target; i++) {
      String traceId = String.format(Locale.ROOT, "%016x%016x", 0x6a0000L + i, i + 1);
      long start = now - i * 1_000_000_000L;
      long duration = (150 + i * 7919 % 11_000) * 1_000_000L; // 0.15 to 11 s: some slow, some critical
      String model = models[(int) (i % models.length)];
      batch.add(Span.builder().projectId(project).traceId(traceId).spanId(String.format(Locale.ROOT, "%016x", i + 1))
          .name("chat " + model).kind(SpanKind.CLIENT).startEpochNanos(start).endEpochNanos(start + duration)
          .status(i % 50 == 0 ? StatusCode.ERROR : StatusCode.OK)
          .attributes(Map.of("gen_ai.request.model", model, "app.request", "r-" + i))
          .llm(LlmFields.builder().operation("chat").provider("openai").requestModel(model).responseModel(model)
              .inputTokens(100 + i % 900).outputTokens(20 + i % 300).cost((100 + i % 900) * 1.5e-7)
              .prompt("Question number " + i + ": what is the capital of France?")
              .output("Paris is the capital of France.").build())
          .build());
      if (batch.size() == 10_000) {
        engine.store().spans().write(batch);
        batch.clear();
      }
    }
    engine.store().spans().write(batch);
  }

  private static double median(List<Double> values) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
  }
}
