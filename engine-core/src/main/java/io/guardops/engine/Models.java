package io.guardops.engine;

import io.guardops.api.Json;
import io.guardops.api.StoredRecord;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelEndpoint;
import io.guardops.api.model.ModelException;
import io.guardops.api.store.RecordStore;
import io.guardops.engine.internal.EvalComponents;
import io.guardops.engine.internal.IdGenerator;
import io.guardops.engine.secrets.SecretBox;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The model registry: models a user can call from the playground and the arena, each with a provider,
 * the name the endpoint knows it by, where it is served (base URL, Azure flavour and {@code api-version},
 * extra headers; none: the configured model client's endpoint) and its prices per million tokens. The
 * prices also price the user's traces at ingestion (see {@link UserPricing}).
 *
 * <p><b>Who sees and changes what.</b> A user's models are theirs alone (anyone else gets 404). Global
 * models belong to user {@value #GLOBAL_OWNER} and are visible to everyone; they are added
 * ({@code global=true}), changed and deleted by callers holding {@code Full_Access} (administrators) or
 * acting as user "0" itself (single-user mode, where every model is global). A user's model shadows a
 * global one of the same name.
 *
 * <p><b>Secrets.</b> A provider API key and header values (which may carry credentials) are sealed with
 * AES-256-GCM under {@code guardops.secrets.key} before they are stored, and never returned: replies say
 * whether a key is set and show its last four characters. Without a secrets key, models without keys and
 * headers can still be registered; one with them is refused with 501 saying how to configure the key.
 * Thread-safe. Obtain from {@link Engine#models()}.
 */
@Singleton
public final class Models {
  static final String KIND = "model";
  /** The owner of global models. */
  public static final String GLOBAL_OWNER = "0";
  private static final int MAX_HEADERS = 20;

  /** A registered model as callers see it (never its secrets). */
  public record Model(String modelId, String ownerId, String provider, String name, String baseUrl, Boolean azure,
      String apiVersion, List<String> headerNames, boolean apiKeySet, String apiKeyHint, Double inputPrice,
      Double outputPrice, Instant createdAt, Instant updatedAt) {
    public boolean global() {
      return GLOBAL_OWNER.equals(ownerId);
    }
  }

  /**
   * A model to register. {@code baseUrl} null: the configured model client's endpoint (and key).
   * {@code azure} null: {@code true} for provider {@code azure}, else the client's setting. Prices in USD
   * per million tokens, both or neither.
   */
  public record Draft(String provider, String name, String baseUrl, Boolean azure, String apiVersion, String apiKey,
      Map<String, String> headers, Double inputPrice, Double outputPrice, boolean global) {}

  /**
   * Changes to a model; null fields stay as they are. {@code clearApiKey}, {@code clearHeaders},
   * {@code clearPrices} and {@code clearBaseUrl} remove what they name.
   */
  public record Patch(String provider, String name, String baseUrl, Boolean azure, String apiVersion, String apiKey,
      Map<String, String> headers, Double inputPrice, Double outputPrice, boolean clearApiKey, boolean clearHeaders,
      boolean clearPrices, boolean clearBaseUrl) {}

  /** A model ready to call: the registry entry and the endpoint with its secrets opened. */
  record Resolved(Model model, ModelEndpoint endpoint) {}

  private final Records records;
  private final Access access;
  private final FeatureSettings settings;
  private final UserPricing pricing;
  private final EvalComponents eval;
  private final IdGenerator ids;

  @Inject
  Models(Records records, Access access, FeatureSettings settings, UserPricing pricing, EvalComponents eval,
      IdGenerator ids) {
    this.records = records;
    this.access = access;
    this.settings = settings;
    this.pricing = pricing;
    this.eval = eval;
    this.ids = ids;
  }

  private RecordStore store() {
    return records.store("the model registry");
  }

  /** The caller's models, then the global ones (each by id). */
  public List<Model> list(Caller caller) {
    return visibleModels(access.userOf(caller));
  }

  /**
   * One model the caller may see.
   *
   * @throws EngineException NOT_FOUND for another user's model or an unknown id
   */
  public Model get(Caller caller, String modelId) {
    return view(visible(access.userOf(caller), modelId));
  }

  /**
   * Registers a model.
   *
   * @throws EngineException BAD_REQUEST for invalid fields, FORBIDDEN for a global model without
   *     Full_Access, CONFLICT for a name the owner already uses, NOT_IMPLEMENTED for a key or headers
   *     without {@code guardops.secrets.key}
   */
  public Model add(Caller caller, Draft d) {
    String user = access.userOf(caller);
    String owner = user;
    if (d.global() && !user.equals(GLOBAL_OWNER)) {
      requireAdmin(caller);
      owner = GLOBAL_OWNER;
    }
    String name = name(d.name());
    RecordStore store = store();
    if (!store.findByKey(KIND, owner, key(name)).isEmpty()) {
      throw EngineException.conflict("a model named '" + name + "' is registered already" + (owner.equals(GLOBAL_OWNER)
          && !user.equals(GLOBAL_OWNER) ? " globally" : "") + ": update it, or pick another name");
    }
    String id = ids.newId();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("provider", provider(d.provider()));
    json.put("name", name);
    Boolean azure = d.azure() != null ? d.azure() : "azure".equals(json.get("provider")) ? Boolean.TRUE : null;
    put(json, "base_url", baseUrl(d.baseUrl()));
    put(json, "azure", azure);
    put(json, "api_version", apiVersion(d.apiVersion()));
    prices(json, d.inputPrice(), d.outputPrice());
    if (d.apiKey() != null && !d.apiKey().isEmpty()) {
      sealKey(json, id, d.apiKey());
    }
    if (d.headers() != null && !d.headers().isEmpty()) {
      sealHeaders(json, id, d.headers());
    }
    StoredRecord r = StoredRecord.create(KIND, id, owner, key(name), Json.write(json), records.clock().instant());
    if (!store.create(r)) {
      throw EngineException.conflict("model id " + id + " exists already; retry");
    }
    pricing.invalidate(owner);
    return view(r);
  }

  /**
   * Changes a model.
   *
   * @throws EngineException NOT_FOUND for another user's model, FORBIDDEN for a global one without
   *     Full_Access, BAD_REQUEST / CONFLICT / NOT_IMPLEMENTED as {@link #add}
   */
  public Model update(Caller caller, String modelId, Patch p) {
    String user = access.userOf(caller);
    StoredRecord current = visible(user, modelId);
    manageable(caller, user, current);
    RecordStore store = store();
    if (p.name() != null) {
      String name = name(p.name());
      for (StoredRecord other : store.findByKey(KIND, current.ownerId(), key(name))) {
        if (!other.id().equals(current.id())) {
          throw EngineException.conflict("a model named '" + name + "' is registered already: pick another name");
        }
      }
    }
    StoredRecord updated = records.update(store, KIND, current.id(), r -> {
      Map<String, Object> json = new LinkedHashMap<>(Records.json(r));
      if (p.provider() != null) {
        json.put("provider", provider(p.provider()));
      }
      if (p.name() != null) {
        json.put("name", name(p.name()));
      }
      if (p.clearBaseUrl()) {
        json.remove("base_url");
      }
      if (p.baseUrl() != null) {
        put(json, "base_url", baseUrl(p.baseUrl()));
      }
      if (p.azure() != null) {
        json.put("azure", p.azure());
      }
      if (p.apiVersion() != null) {
        put(json, "api_version", apiVersion(p.apiVersion()));
      }
      if (p.clearPrices()) {
        json.remove("input_price");
        json.remove("output_price");
      }
      if (p.inputPrice() != null || p.outputPrice() != null) {
        prices(json, p.inputPrice() != null ? p.inputPrice() : Records.dbl(json, "input_price"),
            p.outputPrice() != null ? p.outputPrice() : Records.dbl(json, "output_price"));
      }
      if (p.clearApiKey()) {
        json.remove("api_key");
        json.remove("api_key_hint");
      }
      if (p.apiKey() != null && !p.apiKey().isEmpty()) {
        sealKey(json, r.id(), p.apiKey());
      }
      if (p.clearHeaders()) {
        json.remove("headers");
        json.remove("header_names");
      }
      if (p.headers() != null && !p.headers().isEmpty()) {
        sealHeaders(json, r.id(), p.headers());
      }
      return new Records.Update(key(Records.str(json, "name")), Json.write(json));
    }).orElseThrow(() -> notFound(modelId));
    pricing.invalidate(current.ownerId());
    return view(updated);
  }

  /**
   * Deletes a model (its arena ratings stay on the leaderboard under its name).
   *
   * @throws EngineException NOT_FOUND for another user's model, FORBIDDEN for a global one without Full_Access
   */
  public void delete(Caller caller, String modelId) {
    String user = access.userOf(caller);
    StoredRecord current = visible(user, modelId);
    manageable(caller, user, current);
    if (!store().delete(KIND, current.id())) {
      throw notFound(modelId);
    }
    pricing.invalidate(current.ownerId());
  }

  /**
   * The model ids an endpoint offers: the endpoint of the caller's registered model {@code modelId}, or
   * the configured model client's when it is null.
   *
   * @throws EngineException NOT_IMPLEMENTED without a model client (or one that cannot list models),
   *     BAD_GATEWAY / UNAVAILABLE / GATEWAY_TIMEOUT when the endpoint fails
   */
  public List<String> providerModels(Caller caller, String modelId) {
    String user = access.userOf(caller);
    ModelEndpoint endpoint = null;
    if (modelId != null && !modelId.isBlank()) {
      endpoint = endpoint(visible(user, modelId));
    }
    ModelClient client = client();
    try {
      return client.models(endpoint);
    } catch (UnsupportedOperationException e) {
      throw EngineException.notImplemented("the configured model client (" + eval.modelClientName()
          + ") cannot list models");
    } catch (ModelException e) {
      throw Evaluators.modelFailure("listing models", e);
    }
  }

  /** The model client, or 501 saying how to get one. */
  ModelClient client() {
    return eval.model().orElseThrow(() -> EngineException.notImplemented("no model client is configured: install the"
        + " model-openai plugin (guardops.model-client=openai)"));
  }

  /**
   * The model {@code ref} names for {@code userId}: a visible model's id, else the name of one of the
   * user's models, else the name of a global one.
   *
   * @throws EngineException NOT_FOUND when none is registered under that id or name
   */
  Resolved resolve(String userId, String ref) {
    if (ref == null || ref.isBlank()) {
      throw EngineException.badRequest("name a model (a model_id or name from get_models)");
    }
    String r = ref.trim();
    RecordStore store = store();
    Optional<StoredRecord> byId = store.find(KIND, r)
        .filter(m -> m.ownerId().equals(userId) || m.ownerId().equals(GLOBAL_OWNER));
    StoredRecord found = byId.orElse(null);
    if (found == null) {
      List<StoredRecord> own = store.findByKey(KIND, userId, key(r));
      if (!own.isEmpty()) {
        found = own.get(0);
      } else if (!userId.equals(GLOBAL_OWNER)) {
        List<StoredRecord> global = store.findByKey(KIND, GLOBAL_OWNER, key(r));
        found = global.isEmpty() ? null : global.get(0);
      }
    }
    if (found == null) {
      throw EngineException.notFound("model '" + r + "' is not registered: add it with add_model (get_models lists"
          + " yours and the global ones)");
    }
    return new Resolved(view(found), endpoint(found));
  }

  /** Every model visible to {@code userId} (own first), for the arena's random pairs. */
  List<Model> visibleModels(String userId) {
    List<Model> out = new ArrayList<>();
    for (StoredRecord r : Records.all(store(), KIND, userId)) {
      out.add(view(r));
    }
    if (!userId.equals(GLOBAL_OWNER)) {
      for (StoredRecord r : Records.all(store(), KIND, GLOBAL_OWNER)) {
        out.add(view(r));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- access

  private StoredRecord visible(String user, String modelId) {
    if (modelId == null || modelId.isBlank()) {
      throw EngineException.badRequest("model_id is required");
    }
    return store().find(KIND, modelId.trim())
        .filter(m -> m.ownerId().equals(user) || m.ownerId().equals(GLOBAL_OWNER))
        .orElseThrow(() -> notFound(modelId));
  }

  private static void manageable(Caller caller, String user, StoredRecord model) {
    if (model.ownerId().equals(GLOBAL_OWNER) && !user.equals(GLOBAL_OWNER)) {
      requireAdmin(caller);
    }
  }

  private static void requireAdmin(Caller caller) {
    if (!caller.has(Role.FULL_ACCESS)) {
      throw EngineException.forbidden("global models are managed by administrators (the role Full_Access)");
    }
  }

  private static EngineException notFound(String modelId) {
    return EngineException.notFound("model '" + modelId.trim() + "' not found");
  }

  // ---------------------------------------------------------------- secrets

  private SecretBox box(String what) {
    return settings.secrets().orElseThrow(() -> EngineException.notImplemented("cannot store " + what + ": no secrets"
        + " key is configured. Set guardops.secrets.key (GUARDOPS_SECRETS_KEY) to 32 random bytes in base64"
        + " (openssl rand -base64 32) and restart; secrets are stored encrypted with it"));
  }

  private void sealKey(Map<String, Object> json, String id, String apiKey) {
    String k = apiKey.trim();
    if (k.isEmpty() || k.length() > 2000 || k.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw EngineException.badRequest("api_key must be 1 to 2000 printable characters without spaces");
    }
    json.put("api_key", box("an API key").seal(k, "model:" + id + ":api_key"));
    json.put("api_key_hint", k.length() <= 8 ? "" : k.substring(k.length() - 4));
  }

  private void sealHeaders(Map<String, Object> json, String id, Map<String, String> headers) {
    if (headers.size() > MAX_HEADERS) {
      throw EngineException.badRequest("at most " + MAX_HEADERS + " headers");
    }
    Map<String, Object> clean = new TreeMap<>();
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String name = e.getKey() == null ? "" : e.getKey().trim();
      if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}")) {
        throw EngineException.badRequest("'" + name + "' is not a valid header name");
      }
      String value = e.getValue() == null ? "" : e.getValue();
      if (value.length() > 4000 || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw EngineException.badRequest("the value of header " + name + " must be one line of at most 4000 characters");
      }
      clean.put(name, value);
    }
    json.put("headers", box("header values").seal(Json.write(clean), "model:" + id + ":headers"));
    json.put("header_names", new ArrayList<>(clean.keySet()));
  }

  /** The endpoint of a stored model with its secrets opened, for one call. */
  private ModelEndpoint endpoint(StoredRecord r) {
    Map<String, Object> m = Records.json(r);
    String base = Records.str(m, "base_url");
    String sealedKey = Records.str(m, "api_key");
    String sealedHeaders = Records.str(m, "headers");
    String apiKey = sealedKey == null ? null : open(sealedKey, "model:" + r.id() + ":api_key", r);
    // a model served elsewhere without a key of its own gets none, never the client's default key
    if (apiKey == null && base != null) {
      apiKey = "";
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (sealedHeaders != null) {
      Json.readObject(open(sealedHeaders, "model:" + r.id() + ":headers", r))
          .forEach((k, v) -> headers.put(k, String.valueOf(v)));
    }
    return new ModelEndpoint(base, apiKey, headers, Records.bool(m, "azure"), Records.str(m, "api_version"));
  }

  private String open(String sealed, String context, StoredRecord r) {
    SecretBox box = settings.secrets().orElseThrow(() -> EngineException.conflict("the secrets of model '"
        + Records.str(Records.json(r), "name") + "' cannot be opened: guardops.secrets.key is not configured (set the"
        + " key they were stored with)"));
    try {
      return box.open(sealed, context);
    } catch (SecretBox.UnopenableException e) {
      throw EngineException.conflict("the secrets of model '" + Records.str(Records.json(r), "name") + "' cannot be"
          + " opened: " + e.getMessage() + ". Configure that key in guardops.secrets.previous-keys, or set the API key"
          + " again with update_model");
    }
  }

  // ---------------------------------------------------------------- fields

  private static Model view(StoredRecord r) {
    Map<String, Object> m = Records.json(r);
    String hint = Records.str(m, "api_key_hint");
    return new Model(r.id(), r.ownerId(), Records.str(m, "provider"), Records.str(m, "name"),
        Records.str(m, "base_url"), Records.bool(m, "azure"), Records.str(m, "api_version"),
        Records.strings(m, "header_names"), m.containsKey("api_key"), hint == null || hint.isEmpty() ? null : hint,
        Records.dbl(m, "input_price"), Records.dbl(m, "output_price"), r.createdAt(), r.updatedAt());
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static void put(Map<String, Object> json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  private static String name(String name) {
    if (name == null || name.isBlank()) {
      throw EngineException.badRequest("name is required: the model's name at its endpoint (gpt-4o-mini, llama3.1:8b,"
          + " an Azure deployment)");
    }
    String n = name.trim();
    if (n.length() > 200 || n.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw EngineException.badRequest("name must be at most 200 characters without control characters");
    }
    return n;
  }

  private static String provider(String provider) {
    String p = provider == null || provider.isBlank() ? "openai" : provider.trim().toLowerCase(Locale.ROOT);
    if (!p.matches("[a-z0-9][a-z0-9._-]{0,39}")) {
      throw EngineException.badRequest("provider must be a short lowercase name such as openai, azure, ollama, vllm;"
          + " was '" + provider + "'");
    }
    return p;
  }

  private static String baseUrl(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    String u = url.trim();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    try {
      URI uri = URI.create(u);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null
          && uri.getRawFragment() == null && uri.getRawUserInfo() == null && u.length() <= 2000) {
        return u;
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw EngineException.badRequest("base_url must be an http(s) URL without query, fragment or credentials, such as"
        + " https://api.openai.com/v1 or http://localhost:11434/v1; was '" + url + "'");
  }

  private static String apiVersion(String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    if (!v.trim().matches("[A-Za-z0-9._-]{1,40}")) {
      throw EngineException.badRequest("api_version must look like 2024-10-21, was '" + v + "'");
    }
    return v.trim();
  }

  private static void prices(Map<String, Object> json, Double input, Double output) {
    if (input == null && output == null) {
      return;
    }
    if (input == null || output == null) {
      throw EngineException.badRequest("give both input_price and output_price (USD per million tokens), or neither");
    }
    for (double d : new double[] {input, output}) {
      if (Double.isNaN(d) || Double.isInfinite(d) || d < 0 || d > 100_000) {
        throw EngineException.badRequest("prices are USD per million tokens, from 0 to 100000; was " + d);
      }
    }
    json.put("input_price", input);
    json.put("output_price", output);
  }
}
