package io.guardops.engine.pricing;

import io.guardops.api.Json;
import io.guardops.api.LlmFields;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Model prices and the cost rule. Internal: not API. Immutable and thread-safe (lookups are cached).
 *
 * <p>The bundled table ({@code prices.json} next to this class, dated by its {@code version}) can be
 * extended or overridden with the same format: {@code {"version"?: "...", "models": {"<name>":
 * {"provider", "input", "output", "cached_input"?, "reasoning"?, "aliases"?: [..]}}}}, prices in USD
 * per 1M tokens. An override entry replaces the whole entry of the same name.
 *
 * <p>Model lookup (case-insensitive): exact name or alias; then the same after dropping a host path
 * ({@code openai/gpt-4o}, {@code models/gemini-1.5-pro}) and vendor prefixes
 * ({@code us.anthropic.claude-...}); then the longest name or alias that is a prefix followed by
 * {@code - : @ _ /} or {@code .}+non-digit, so {@code gpt-4o-2024-08-06} is {@code gpt-4o} and
 * {@code gpt-4o-mini-2024-07-18} is {@code gpt-4o-mini}, but {@code gpt-4o} is never {@code gpt-4}.
 *
 * <p>Cost rule ({@link #cost}): OpenAI / GenAI semantics, where input tokens include cached tokens
 * and output tokens include reasoning tokens: {@code (input - cached) * input_price + cached *
 * cached_price + (output - reasoning) * output_price + reasoning * reasoning_price}. When cached
 * exceeds input (a client reporting them separately, as Anthropic's API does) the two are billed
 * separately instead; likewise for reasoning. An unknown model or no token counts gives
 * {@code null}, never 0.
 */
public final class PriceTable {
  private static final String BUNDLED = "prices.json";
  private static final int CACHE_LIMIT = 4096;
  private static final Optional<ModelPrice> UNKNOWN = Optional.empty();

  private final String version;
  private final Map<String, ModelPrice> models;
  private final Map<String, ModelPrice> byName;
  /** Names and aliases, longest first, for prefix matching. */
  private final List<Map.Entry<String, ModelPrice>> prefixes;
  private final Map<String, Optional<ModelPrice>> cache = new ConcurrentHashMap<>();

  private PriceTable(String version, Map<String, ModelPrice> models) {
    this.version = version;
    Map<String, ModelPrice> names = new LinkedHashMap<>();
    for (ModelPrice p : models.values()) {
      names.put(p.model(), p);
    }
    // aliases never shadow a real model name
    for (ModelPrice p : models.values()) {
      for (String a : p.aliases()) {
        names.putIfAbsent(a, p);
      }
    }
    this.byName = Collections.unmodifiableMap(names);
    List<Map.Entry<String, ModelPrice>> list = new ArrayList<>(names.entrySet());
    list.sort(Comparator.comparingInt((Map.Entry<String, ModelPrice> e) -> e.getKey().length()).reversed());
    this.prefixes = List.copyOf(list);
    this.models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
  }

  /** The table bundled with the engine. */
  public static PriceTable bundled() {
    try (InputStream in = PriceTable.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("bundled price table " + BUNDLED + " is missing from the classpath");
      }
      return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + BUNDLED);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled price table", e);
    }
  }

  /** A table from JSON text in the format above; {@code source} names it in error messages. */
  public static PriceTable fromJson(String json, String source) {
    Map<String, Object> root;
    try {
      root = Json.readObject(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("price table " + source + " is not valid JSON: " + e.getMessage(), e);
    }
    return fromMap(root, source);
  }

  /** A table from an already parsed map in the format above. */
  public static PriceTable fromMap(Map<String, ?> root, String source) {
    Object v = root.get("version");
    return new PriceTable(v == null ? "unversioned" : v.toString(), parseModels(root, source));
  }

  /** This table with the models of {@code jsonFile} added or replacing entries of the same name. */
  public PriceTable withOverrides(Path jsonFile) throws IOException {
    return withOverrides(Json.readObject(Files.readString(jsonFile, StandardCharsets.UTF_8)), jsonFile.toString());
  }

  /** This table with the models of {@code overrides} (same format) added or replacing entries. */
  public PriceTable withOverrides(Map<String, ?> overrides) {
    return withOverrides(overrides, "overrides");
  }

  private PriceTable withOverrides(Map<String, ?> overrides, String source) {
    Map<String, ModelPrice> merged = new LinkedHashMap<>(models);
    merged.putAll(parseModels(overrides, source));
    Object v = overrides.get("version");
    return new PriceTable(version + "+" + (v == null ? "overrides" : v), merged);
  }

  /** The table's version, such as {@code 2026-11-01} (with {@code +...} once overridden). */
  public String version() {
    return version;
  }

  /** All models by canonical name. */
  public Map<String, ModelPrice> models() {
    return models;
  }

  /** The price of {@code model}, or {@code null} when no entry matches. */
  public ModelPrice find(String model) {
    if (model == null || model.isBlank()) {
      return null;
    }
    Optional<ModelPrice> hit = cache.get(model);
    if (hit == null) {
      hit = Optional.ofNullable(lookup(model));
      if (cache.size() >= CACHE_LIMIT) {
        // model names are few in practice; a flood of odd names just resets the cache
        cache.clear();
      }
      cache.put(model, hit);
    }
    return hit.orElse(null);
  }

  /**
   * The cost in USD of the usage in {@code llm} (see the class comment for the rule), or
   * {@code null} when the model is unknown or no token counts are known. The served model is tried
   * first, then the requested one.
   */
  public Double cost(LlmFields llm) {
    if (llm == null || (llm.inputTokens() == null && llm.outputTokens() == null
        && llm.cachedInputTokens() == null && llm.reasoningTokens() == null)) {
      return null;
    }
    ModelPrice price = find(llm.responseModel());
    if (price == null) {
      price = find(llm.requestModel());
    }
    return price == null ? null : cost(price, llm.inputTokens(), llm.cachedInputTokens(), llm.outputTokens(),
        llm.reasoningTokens());
  }

  /** The cost of the given counts at {@code price}; nulls count as zero. */
  static double cost(ModelPrice price, Long input, Long cached, Long output, Long reasoning) {
    long in = input == null ? 0 : input;
    long c = cached == null ? 0 : cached;
    long out = output == null ? 0 : output;
    long r = reasoning == null ? 0 : reasoning;
    long uncachedInput = c <= in ? in - c : in;
    long plainOutput = r <= out ? out - r : out;
    double micro = uncachedInput * price.input() + c * price.effectiveCachedInput()
        + plainOutput * price.output() + r * price.effectiveReasoning();
    return micro / 1_000_000d;
  }

  private ModelPrice lookup(String model) {
    String m = model.trim().toLowerCase(Locale.ROOT);
    ModelPrice p = exactOrPrefix(m);
    if (p != null) {
      return p;
    }
    String stripped = stripHostAndVendor(m);
    return stripped.equals(m) ? null : exactOrPrefix(stripped);
  }

  private ModelPrice exactOrPrefix(String m) {
    ModelPrice p = byName.get(m);
    if (p != null) {
      return p;
    }
    for (Map.Entry<String, ModelPrice> e : prefixes) {
      String k = e.getKey();
      if (k.length() < m.length() && m.startsWith(k) && isBoundary(m, k.length())) {
        return e.getValue();
      }
    }
    return null;
  }

  /** A prefix ends where a version, date or variant suffix begins, not inside a name. */
  private static boolean isBoundary(String m, int at) {
    char c = m.charAt(at);
    if (c == '-' || c == ':' || c == '@' || c == '_' || c == '/') {
      return true;
    }
    // "gemini-2.5-pro.latest" style, but never "gpt-4" + ".1"
    return c == '.' && at + 1 < m.length() && !Character.isDigit(m.charAt(at + 1));
  }

  /** {@code openai/gpt-4o} -> {@code gpt-4o}; {@code us.anthropic.claude-x} -> {@code claude-x}. */
  static String stripHostAndVendor(String m) {
    String s = m;
    int slash = s.lastIndexOf('/');
    if (slash >= 0 && slash < s.length() - 1) {
      s = s.substring(slash + 1);
    }
    while (true) {
      int dot = s.indexOf('.');
      if (dot <= 0 || !lettersOnly(s, dot)) {
        return s;
      }
      s = s.substring(dot + 1);
    }
  }

  private static boolean lettersOnly(String s, int end) {
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (c < 'a' || c > 'z') {
        return false;
      }
    }
    return true;
  }

  private static Map<String, ModelPrice> parseModels(Map<String, ?> root, String source) {
    Object models = root.get("models");
    if (!(models instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("price table " + source + " needs a \"models\" object");
    }
    Map<String, ModelPrice> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey()).trim().toLowerCase(Locale.ROOT);
      if (!(e.getValue() instanceof Map<?, ?> entry)) {
        throw new IllegalArgumentException("price table " + source + ": model " + name + " must be an object");
      }
      try {
        out.put(name, new ModelPrice(name, entry.get("provider") == null ? null : entry.get("provider").toString(),
            required(entry, "input"), required(entry, "output"), optional(entry, "cached_input"),
            optional(entry, "reasoning"), aliases(entry.get("aliases"))));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("price table " + source + ": model " + name + ": " + ex.getMessage(), ex);
      }
    }
    return out;
  }

  private static double required(Map<?, ?> entry, String key) {
    Double d = optional(entry, key);
    if (d == null) {
      throw new IllegalArgumentException("price '" + key + "' is required");
    }
    return d;
  }

  private static Double optional(Map<?, ?> entry, String key) {
    Object v = entry.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("price '" + key + "' must be a number, was " + v);
  }

  private static List<String> aliases(Object v) {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException("aliases must be an array of strings");
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object o : list) {
      out.add(String.valueOf(o).trim().toLowerCase(Locale.ROOT));
    }
    return out;
  }

  @Override
  public String toString() {
    return "PriceTable{version=" + version + ", models=" + models.size() + "}";
  }
}
