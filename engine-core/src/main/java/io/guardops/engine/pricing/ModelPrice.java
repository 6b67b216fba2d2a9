package io.guardops.engine.pricing;

import java.util.List;

/**
 * Prices of one model in USD per one million tokens. Internal: not API.
 *
 * @param model the canonical model name (lowercase); never {@code null}
 * @param provider the provider, such as {@code openai}; may be {@code null}
 * @param input price of uncached input tokens
 * @param output price of output tokens that are not reasoning tokens
 * @param cachedInput price of input tokens read from a prompt cache; {@code null} = the input price
 * @param reasoning price of reasoning tokens; {@code null} = the output price
 * @param aliases other names and name prefixes that mean this model (lowercase); never {@code null}
 */
public record ModelPrice(String model, String provider, double input, double output, Double cachedInput,
    Double reasoning, List<String> aliases) {
  public ModelPrice {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    check(input, model, "input");
    check(output, model, "output");
    if (cachedInput != null) {
      check(cachedInput, model, "cached_input");
    }
    if (reasoning != null) {
      check(reasoning, model, "reasoning");
    }
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
  }

  /** The price of cached input tokens, falling back to the input price. */
  public double effectiveCachedInput() {
    return cachedInput != null ? cachedInput : input;
  }

  /** The price of reasoning tokens, falling back to the output price. */
  public double effectiveReasoning() {
    return reasoning != null ? reasoning : output;
  }

  private static void check(double price, String model, String field) {
    if (Double.isNaN(price) || Double.isInfinite(price) || price < 0) {
      throw new IllegalArgumentException("price '" + field + "' of model " + model
          + " must be a non-negative number, was " + price);
    }
  }
}
