package io.guardops.engine.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.guardops.api.LlmFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {
  private final PriceTable table = PriceTable.bundled();

  static LlmFields usage(String model, Long in, Long out, Long cached, Long reasoning) {
    return LlmFields.builder().responseModel(model).inputTokens(in).outputTokens(out)
        .cachedInputTokens(cached).reasoningTokens(reasoning).build();
  }

  @Test
  void bundledTableIsVersionedAndCoversTheMainProviders() {
    assertThat(table.version()).isEqualTo("2026-11-01");
    assertThat(table.models().values()).extracting(ModelPrice::provider)
        .contains("openai", "anthropic", "google", "mistral", "meta", "deepseek");
  }

  @Test
  void resolvesDatedHostedAndVendorPrefixedIds() {
    assertThat(table.find("gpt-4o-2024-08-06").model()).isEqualTo("gpt-4o");
    assertThat(table.find("gpt-4o-mini-2024-07-18").model()).isEqualTo("gpt-4o-mini");
    assertThat(table.find("GPT-4o").model()).isEqualTo("gpt-4o");
    assertThat(table.find("gpt-4-0613").model()).isEqualTo("gpt-4");
    assertThat(table.find("gpt-4-turbo-2024-04-09").model()).isEqualTo("gpt-4-turbo");
    assertThat(table.find("gpt-4.1-nano-2025-04-14").model()).isEqualTo("gpt-4.1-nano");
    assertThat(table.find("o3-mini-2025-01-31").model()).isEqualTo("o3-mini");
    assertThat(table.find("o1-2024-12-17").model()).isEqualTo("o1");
    assertThat(table.find("claude-3-5-sonnet-20241022").model()).isEqualTo("claude-3-5-sonnet");
    assertThat(table.find("claude-opus-4-1-20250805").model()).isEqualTo("claude-opus-4-1");
    assertThat(table.find("claude-sonnet-4-20250514").model()).isEqualTo("claude-sonnet-4");
    assertThat(table.find("us.anthropic.claude-3-7-sonnet-20250219-v1:0").model()).isEqualTo("claude-3-7-sonnet");
    assertThat(table.find("claude-3-5-sonnet@20240620").model()).isEqualTo("claude-3-5-sonnet");
    assertThat(table.find("anthropic/claude-3.5-sonnet").model()).isEqualTo("claude-3-5-sonnet");
    assertThat(table.find("models/gemini-1.5-pro-002").model()).isEqualTo("gemini-1.5-pro");
    assertThat(table.find("gemini-2.5-flash-preview-05-20").model()).isEqualTo("gemini-2.5-flash");
    assertThat(table.find("gemini-2.5-flash-lite").model()).isEqualTo("gemini-2.5-flash-lite");
    assertThat(table.find("mistral-large-latest").model()).isEqualTo("mistral-large");
    assertThat(table.find("meta-llama/Llama-3.3-70B-Instruct-Turbo").model()).isEqualTo("llama-3.3-70b-instruct");
    assertThat(table.find("meta.llama3-1-70b-instruct-v1:0").model()).isEqualTo("llama-3.1-70b-instruct");
    assertThat(table.find("accounts/fireworks/models/llama-v3p1-8b-instruct").model()).isEqualTo("llama-3.1-8b-instruct");
    assertThat(table.find("deepseek-chat").model()).isEqualTo("deepseek-chat");
  }

  @Test
  void unknownModelsHaveNoPriceAndNoCost() {
    assertThat(table.find("my-finetune")).isNull();
    assertThat(table.find("gpt-4x")).isNull();
    assertThat(table.find("gpt-40")).isNull();
    assertThat(table.find(null)).isNull();
    assertThat(table.find(" ")).isNull();
    assertThat(table.cost(usage("my-finetune", 100L, 100L, null, null))).isNull();
    assertThat(table.cost(LlmFields.EMPTY)).isNull();
    // a known model but no usage: unknown cost, not zero
    assertThat(table.cost(usage("gpt-4o", null, null, null, null))).isNull();
  }

  @Test
  void plainInputAndOutput() {
    // gpt-4o: 2.50 in, 10.00 out per 1M
    assertThat(table.cost(usage("gpt-4o", 1_000_000L, 1_000_000L, null, null))).isCloseTo(12.50, within(1e-9));
    assertThat(table.cost(usage("gpt-4o", 1000L, null, null, null))).isCloseTo(0.0025, within(1e-12));
  }

  @Test
  void cachedInputIsBilledOnceAtTheCachedRate() {
    // 1M input of which 800k cached: 200k * 2.50 + 800k * 1.25
    assertThat(table.cost(usage("gpt-4o", 1_000_000L, 0L, 800_000L, null))).isCloseTo(0.5 + 1.0, within(1e-9));
  }

  @Test
  void cachedAboveInputMeansReportedSeparately() {
    // Anthropic-style: 100 fresh input + 1000 cache reads; claude-3-5-sonnet 3.00 / 0.30
    assertThat(table.cost(usage("claude-3-5-sonnet-20241022", 100L, 0L, 1000L, null)))
        .isCloseTo((100 * 3.00 + 1000 * 0.30) / 1e6, within(1e-12));
  }

  @Test
  void reasoningTokensAreNotDoubleCounted() {
    // o4-mini: 1.10 in, 0.275 cached, 4.40 out, reasoning defaults to output
    double expected = (200 * 1.10 + 1000 * 0.275 + 800 * 4.40) / 1e6;
    assertThat(table.cost(usage("o4-mini-2025-04-16", 1200L, 800L, 1000L, 600L))).isCloseTo(expected, within(1e-12));
  }

  @Test
  void reasoningHasItsOwnRateWhenGiven() {
    PriceTable t = table.withOverrides(Map.of("models", Map.of("thinker",
        Map.of("provider", "x", "input", 1.0, "output", 2.0, "reasoning", 10.0))));
    // 1M output of which 400k reasoning: 600k * 2 + 400k * 10
    assertThat(t.cost(usage("thinker", 0L, 1_000_000L, null, 400_000L))).isCloseTo(1.2 + 4.0, within(1e-9));
    // no cached rate: cached input billed at the input rate
    assertThat(t.cost(usage("thinker", 1_000_000L, 0L, 500_000L, null))).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void requestModelIsTheFallback() {
    LlmFields f = LlmFields.builder().requestModel("gpt-4o-mini").responseModel("some-deployment-name")
        .inputTokens(1_000_000L).build();
    assertThat(table.cost(f)).isCloseTo(0.15, within(1e-9));
  }

  @Test
  void overridesFromAFileReplaceAndAdd(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, """
        {"version": "acme-1", "models": {
          "gpt-4o": {"provider": "openai", "input": 1.0, "output": 2.0},
          "acme-llm": {"provider": "acme", "input": 0.5, "output": 0.5, "aliases": ["acme-latest"]}
        }}
        """);
    PriceTable t = table.withOverrides(file);
    assertThat(t.version()).isEqualTo("2026-11-01+acme-1");
    assertThat(t.cost(usage("gpt-4o-2024-08-06", 1_000_000L, 1_000_000L, null, null))).isCloseTo(3.0, within(1e-9));
    assertThat(t.find("gpt-4o").cachedInput()).isNull();
    assertThat(t.cost(usage("acme-latest", 2_000_000L, 0L, null, null))).isCloseTo(1.0, within(1e-9));
    // the original table is unchanged
    assertThat(table.find("acme-llm")).isNull();
    assertThat(table.find("gpt-4o").input()).isEqualTo(2.50);
  }

  @Test
  void badTablesFailWithTheModelAndField() {
    assertThatThrownBy(() -> table.withOverrides(Map.of("models", Map.of("m", Map.of("input", 1.0)))))
        .hasMessageContaining("model m").hasMessageContaining("output");
    assertThatThrownBy(() -> table.withOverrides(Map.of("models", Map.of("m", Map.of("input", -1.0, "output", 1.0)))))
        .hasMessageContaining("non-negative");
    assertThatThrownBy(() -> table.withOverrides(Map.of("models", Map.of("m", Map.of("input", "cheap", "output", 1.0)))))
        .hasMessageContaining("input");
    assertThatThrownBy(() -> table.withOverrides(Map.of("prices", List.of())))
        .hasMessageContaining("\"models\"");
    assertThatThrownBy(() -> PriceTable.fromJson("{", "test")).hasMessageContaining("test");
  }

  @Test
  void vendorStripping() {
    assertThat(PriceTable.stripHostAndVendor("us.anthropic.claude-x")).isEqualTo("claude-x");
    assertThat(PriceTable.stripHostAndVendor("gpt-4.1")).isEqualTo("gpt-4.1");
    assertThat(PriceTable.stripHostAndVendor("openai/gpt-4o")).isEqualTo("gpt-4o");
  }
}
