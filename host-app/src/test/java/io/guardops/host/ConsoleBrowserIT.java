package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.tck.OpenAiCompatibleServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web console in a real browser (headless Chromium) against the real host in single-user mode:
 * the first run (the Default Project, a key minted and copied, a trace sent with the OpenTelemetry Java
 * SDK's OTLP exporter appearing live, its detail, the monitoring charts), projects created, edited and
 * deleted, a dataset made from a trace and two experiments run on a local model server and compared,
 * prompts that hold markup rendered as text, and the narrow layout with keyboard navigation. Every test
 * checks the browser's console for errors and saves a screenshot under {@code target/screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
  @TempDir
  static Path dir;
  static OpenAiCompatibleServer model;
  static TestHost host;
  static Browser browser;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    // once, on the default execution: the browser sees the same pages whichever store the host runs on
    org.junit.jupiter.api.Assumptions.assumeFalse(TestHost.onMongo(), "the browser tests run on the default store only");
    browser = Browser.start(ConsoleBrowserIT.class);
    model = OpenAiCompatibleServer.start("test-key");
    model.answer(ModelServer.answers(r -> "Paris is the capital of France.", 0.9, "relevant"));
    TestHost.pluginsDir(dir);
    host = new TestHost(dir, ModelServer.settings(model));
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
    if (model != null) {
      model.close();
    }
  }

  /** Console errors a test causes on purpose (Chromium logs every 4xx answer to a fetch as an error). */
  final List<String> expectedErrors = new java.util.ArrayList<>();

  @AfterEach
  void noConsoleErrors() {
    browser.assertNoConsoleErrors(expectedErrors.toArray(String[]::new));
  }

  /** Sends one trace (a request span with a chat span inside) through the SDK's OTLP/HTTP exporter. */
  static String sendTrace(String key, String prompt, String output, boolean failed) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(base + "v1/traces").addHeader("x-guardops-api-key", key).build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "chat-app")))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    Tracer tracer = provider.get("console-it");
    Span root = tracer.spanBuilder("answer question").startSpan();
    String traceId = root.getSpanContext().getTraceId();
    try (Scope ignored = root.makeCurrent()) {
      Span chat = tracer.spanBuilder("chat gpt-4o-mini").setSpanKind(SpanKind.CLIENT)
          .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "openai")
          .setAttribute("gen_ai.request.model", "gpt-4o-mini").setAttribute("gen_ai.response.model", "gpt-4o-mini")
          .setAttribute("gen_ai.usage.input_tokens", 1200L).setAttribute("gen_ai.usage.output_tokens", 300L)
          .setAttribute("gen_ai.prompt", prompt).setAttribute("gen_ai.completion", output)
          .startSpan();
      if (failed) {
        chat.setStatus(StatusCode.ERROR, "the model timed out");
      }
      chat.end();
    }
    root.end();
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as("the exporter was acknowledged").isTrue();
    provider.shutdown().join(10, TimeUnit.SECONDS);
    return traceId;
  }

  static String mintKey() throws Exception {
    return host.send("POST", "/api/create_key").json().asText();
  }

  @Test
  @Order(1)
  void firstRunShowsTheDefaultProjectMintsAKeyAndShowsATraceSentWithTheOpenTelemetryExporter() throws Exception {
    browser.open(base);
    WebElement picker = browser.await("[data-testid=project-picker]");
    assertThat(picker.getText()).contains("Default Project");
    browser.awaitText("No traces in this project yet");

    browser.click("[data-testid=nav-keys]");
    browser.await("[data-testid=empty]");
    browser.click("[data-testid=mint-form] button[type=submit]");
    String key = browser.await("[data-testid=new-key-text]").getText().trim();
    assertThat(key).isNotBlank();
    assertThat(browser.await("[data-testid=new-key]").getText()).isEqualTo("Copy key");
    assertThat(browser.all("[data-testid=key-row]")).hasSize(1);
    // the setup snippets carry the new key and this server's address
    assertThat(browser.await("[data-testid=snippet-env-text]").getText()).contains(key).contains(base + "v1/traces");
    browser.screenshot("keys");

    // live mode: the trace appears without reloading the page
    browser.click("[data-testid=nav-traces]");
    browser.awaitText("No traces in this project yet");
    browser.click("[data-testid=live]");
    String traceId = sendTrace(key, "What is the capital of France?", "Paris is the capital of France.", false);
    WebElement row = browser.await("[data-testid=trace-row]");
    assertThat(row.getText()).contains("answer question").contains("gpt-4o-mini");
    browser.screenshot("traces");

    row.findElement(By.tagName("a")).click();
    browser.await("[data-testid=span-detail]");
    assertThat(browser.driver.getCurrentUrl()).contains(traceId);
    String chat = browser.await("[data-testid=chat]").getText();
    assertThat(chat).contains("What is the capital of France?").contains("Paris is the capital of France.");
    assertThat(browser.await("[data-testid=trace-summary]").getText()).contains("1,500").contains("gpt-4o-mini");
    assertThat(browser.all("[data-testid=span]")).hasSize(2);
    browser.screenshot("trace-detail");

    browser.click("[data-testid=nav-monitoring]");
    browser.await("[data-testid=chart-latency] canvas");
    browser.await("[data-testid=chart-cost] canvas");
    assertThat(browser.await("[data-testid=totals]").getText()).contains("Requests").contains("1");
    browser.screenshot("monitoring");
  }

  @Test
  @Order(2)
  void promptsAndAttributesHoldingMarkupAreShownAsText() throws Exception {
    String evil = "<script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\"> hi";
    String traceId = sendTrace(mintKey(), evil, "<b>bold?</b>", true);
    String project = host.send("GET", "/api/get_projects").json().at("/projects/0/project_id").asText();
    browser.open(base + "#/trace/" + project + "/0x" + traceId);
    String chat = browser.await("[data-testid=chat]").getText();
    assertThat(chat).contains(evil).contains("<b>bold?</b>");
    assertThat(browser.all("[data-testid=chat] script, [data-testid=chat] img, [data-testid=chat] b")).isEmpty();
    assertThat(browser.js("return window.__xss === undefined")).isEqualTo(true);
    assertThat(browser.text()).contains("the model timed out");
    browser.screenshot("markup-as-text");
  }

  @Test
  @Order(3)
  void aProjectIsCreatedEditedAndDeleted() throws Exception {
    browser.open(base + "#/projects");
    browser.await("[data-testid=projects]");
    browser.click("[data-testid=new-project]");
    browser.type("[data-testid=project_name]", "Checkout bot");
    browser.type("[data-testid=project_description]", "traces of the checkout assistant");
    browser.type("[data-testid=project_retention]", "30");
    browser.type("[data-testid=latency_warning_thresholds]", "2");
    browser.type("[data-testid=latency_critical_thresholds]", "5");
    browser.click("[data-testid=project-form] button[type=submit]");
    browser.awaitText("Checkout bot");
    WebElement row = projectRow("Checkout bot");
    assertThat(row.getText()).contains("30 days").contains("2 s / 5 s");
    // the new project is offered in the picker
    browser.awaitText("Checkout bot");
    assertThat(browser.await("[data-testid=project-picker]").getText()).contains("Checkout bot");

    row.findElement(By.cssSelector("[data-testid=edit]")).click();
    browser.type("[data-testid=project_name]", "Checkout assistant");
    browser.type("[data-testid=project_retention]", "7");
    browser.click("[data-testid=project-form] button[type=submit]");
    browser.awaitGone("dialog[open]");
    browser.awaitText("Checkout assistant");
    assertThat(projectRow("Checkout assistant").getText()).contains("7 days");
    browser.screenshot("projects");

    projectRow("Checkout assistant").findElement(By.cssSelector("[data-testid=delete]")).click();
    browser.click("[data-testid=cascade]");
    browser.click("[data-testid=delete-form] button[type=submit]");
    browser.awaitGone("dialog[open]");
    new org.openqa.selenium.support.ui.WebDriverWait(browser.driver, java.time.Duration.ofSeconds(10))
        .until(d -> !browser.text().contains("Checkout assistant"));
    assertThat(host.send("GET", "/api/get_projects").body()).doesNotContain("Checkout");

    // an API error is shown as the server's detail
    expectedErrors.add("api/import_project?share_code=gsp-not-a-real-code - Failed to load resource: the server"
        + " responded with a status of 404");
    browser.click("[data-testid=import-project]");
    browser.type("[data-testid=share_code]", "gsp-not-a-real-code");
    browser.click("[data-testid=import-form] button[type=submit]");
    String error = browser.await("[data-testid=import-form] [data-testid=error]").getText();
    String detail = host.send("POST", "/api/import_project?share_code=gsp-not-a-real-code").json().get("detail").asText();
    assertThat(error).contains(detail);
    browser.driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
    browser.awaitGone("dialog[open]");
  }

  private static WebElement projectRow(String name) {
    return browser.all("[data-testid=project-row]").stream().filter(r -> r.getText().contains(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no project row " + name + " in " + browser.text()));
  }

  @Test
  @Order(4)
  void aDatasetFromATraceRunsTwoExperimentsOnTheModelAndComparesThem() throws Exception {
    String traceId = sendTrace(mintKey(), "Capital of Italy?", "Rome.", false);
    String project = host.send("GET", "/api/get_projects").json().at("/projects/0/project_id").asText();
    browser.open(base + "#/datasets");
    browser.click("[data-testid=new-dataset]");
    browser.type("[data-testid=dataset_name]", "Capitals");
    browser.click("[data-testid=dataset-form] button[type=submit]");
    browser.await("[data-testid=dataset-row]");

    browser.open(base + "#/trace/" + project + "/0x" + traceId);
    browser.click("[data-testid=add-to-dataset] button[type=submit]");
    browser.awaitText("Added to");
    browser.click("[data-testid=add-to-dataset] .notice a");
    WebElement item = browser.await("[data-testid=item-row]");
    assertThat(item.getText()).contains("Capital of Italy?");
    browser.screenshot("dataset");

    for (String name : List.of("baseline", "second")) {
      browser.open(base + "#/experiments");
      browser.click("[data-testid=new-experiment]");
      browser.type("[data-testid=name]", name);
      browser.click("[data-testid=evaluator-answer_relevance]");
      browser.click("[data-testid=run-form] button[type=submit]");
      new org.openqa.selenium.support.ui.WebDriverWait(browser.driver, java.time.Duration.ofSeconds(20))
          .until(d -> browser.await("[data-testid=experiment-status]").getText().equals("succeeded"));
      assertThat(browser.await("[data-testid=progress]").getAttribute("value")).isEqualTo("1");
      assertThat(browser.await("[data-testid=results]").getText()).contains("Paris is the capital of France.");
      assertThat(browser.await("[data-testid=mean]").getText()).contains("answer_relevance").contains("0.9");
    }
    browser.screenshot("experiment");
    browser.open(base + "#/experiments");
    browser.await("[data-testid=experiment-row]");
    List<WebElement> rows = browser.all("[data-testid=experiment-row]");
    assertThat(rows).hasSize(2);
    rows.get(0).findElement(By.cssSelector("input[type=checkbox]")).click();
    rows.get(1).findElement(By.cssSelector("input[type=checkbox]")).click();
    browser.click("[data-testid=compare]");
    assertThat(browser.await("[data-testid=comparison]").getText()).contains("1 item in both runs")
        .contains("answer_relevance");
    browser.screenshot("compare");
  }

  @Test
  @Order(4)
  void anOnlineEvaluationRuleScoresIncomingCallsAndIsPausedAndDeleted() throws Exception {
    String project = host.send("GET", "/api/get_projects").json().at("/projects/0/project_id").asText();
    browser.open(base + "#/evaluations");
    browser.await("[data-testid=no-online-rules]");
    new org.openqa.selenium.support.ui.Select(browser.await("[data-testid=evaluator]")).selectByValue("json_valid");
    browser.type("[data-testid=sample_rate]", "1");
    browser.click("[data-testid=online-rule-form] button[type=submit]");
    WebElement rule = browser.await("[data-testid=online-rule]");
    assertThat(rule.getText()).contains("json_valid").contains("100%").contains("on");
    browser.screenshot("online-rule");

    String traceId = sendTrace(mintKey(), "Answer in JSON", "{\"ok\": true}", false);
    // scored in the background: the score shows on the trace's page once the rule has run
    new org.openqa.selenium.support.ui.WebDriverWait(browser.driver, java.time.Duration.ofSeconds(20)).until(d -> {
      browser.open(base + "#/trace/" + project + "/0x" + traceId);
      browser.await("[data-testid=chat]");
      return browser.text().contains("json_valid");
    });
    assertThat(browser.text()).contains("Scores");

    browser.open(base + "#/evaluations");
    browser.click("[data-testid=online-rule] button.secondary");
    browser.awaitText("Resume");
    assertThat(host.send("GET", "/api/get_online_rules?project_id=" + project).json().at("/rules/0/enabled")
        .asBoolean()).as("paused through the page").isFalse();
    browser.click("[data-testid=online-rule] button.danger");
    browser.await("[data-testid=no-online-rules]");
    assertThat(host.send("GET", "/api/get_online_rules?project_id=" + project).json().get("rules")).isEmpty();
  }

  @Test
  @Order(5)
  void theNarrowLayoutWorksAndTheKeyboardReachesEverything() throws Exception {
    browser.size(390, 844);
    try {
      browser.open(base + "#/traces");
      browser.await("[data-testid=trace-row]");
      assertThat(browser.driver.findElement(By.cssSelector("nav#nav")).isDisplayed()).isFalse();
      // the page is no wider than the screen
      assertThat(((Number) browser.js("return document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(390);
      browser.screenshot("traces-390px");
      browser.click("button.menu");
      browser.await("[data-testid=nav-projects]");
      browser.screenshot("menu-390px");
    } finally {
      browser.size(1280, 900);
    }
    // the theme follows the system's light or dark preference
    String light = browser.driver.findElement(By.tagName("body")).getCssValue("background-color");
    browser.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
        List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    try {
      browser.open(base + "#/traces");
      browser.await("[data-testid=trace-row]");
      String dark = browser.driver.findElement(By.tagName("body")).getCssValue("background-color");
      assertThat(dark).isNotEqualTo(light);
      browser.screenshot("traces-dark");
    } finally {
      browser.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
          List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
    }
    // the skip link comes first; it moves the focus into the page
    browser.open(base + "#/traces");
    browser.driver.navigate().refresh();
    browser.await("[data-testid=trace-row]");
    browser.driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
    WebElement focused = browser.driver.switchTo().activeElement();
    assertThat(focused.getText()).isEqualTo("Skip to content");
    assertThat(focused.getCssValue("outline-style")).isNotEqualTo("none");
    focused.sendKeys(Keys.ENTER);
    assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("main");
    // every field of the filters has a label
    for (WebElement input : browser.all("[data-testid=filters] input, [data-testid=filters] select")) {
      String id = input.getAttribute("id");
      assertThat(browser.all("label[for='" + id + "']")).as("a label for " + id).hasSize(1);
    }
    // a trace opens from the keyboard, and the span tree moves with the arrow keys
    WebElement link = browser.await("[data-testid=trace-row] a");
    link.sendKeys(Keys.ENTER);
    WebElement firstSpan = browser.await("[data-testid=span]");
    firstSpan.click();
    firstSpan.sendKeys(Keys.ARROW_DOWN);
    assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("span-1");
    assertThat(browser.driver.switchTo().activeElement().getAttribute("aria-pressed")).isEqualTo("true");
  }
}
