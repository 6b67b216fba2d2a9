package io.guardops.host.wire;

import io.guardops.api.model.ChatMessage;
import io.guardops.engine.Arena;
import io.guardops.engine.ModelRuns;
import io.guardops.engine.Models;
import io.guardops.engine.Pii;
import io.guardops.engine.Playgrounds;
import io.guardops.engine.Templates;
import io.guardops.engine.pii.PiiEntity;
import io.guardops.engine.pii.PiiType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the playground, model registry, arena, prompt templates and PII routes (the wire
 * contract names these endpoints without giving their shapes; these follow its style: snake_case
 * fields, ids as strings, times as ISO-8601, trace ids in the {@code 0x} form GuardOps clients use).
 * Internal: not API.
 */
public final class PlaygroundViews {
  private PlaygroundViews() {}

  public static Map<String, Object> playground(Playgrounds.Playground p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("playground_id", p.playgroundId());
    m.put("type", p.type());
    m.put("name", p.name());
    m.put("project_id", p.projectId());
    m.put("system", p.system());
    if (p.type().equals(Playgrounds.PROMPT)) {
      m.put("prompt", p.prompt());
      m.put("variables", p.variables());
    } else {
      m.put("messages", messages(p.messages()));
    }
    m.put("models", p.models());
    m.put("parameters", parameters(p.parameters()));
    m.put("trace_count", p.traceIds().size());
    m.put("created_at", p.createdAt().toString());
    m.put("updated_at", p.updatedAt().toString());
    return m;
  }

  public static List<Map<String, Object>> messages(List<ChatMessage> messages) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ChatMessage c : messages) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("role", c.role());
      m.put("content", c.content());
      out.add(m);
    }
    return out;
  }

  public static Map<String, Object> parameters(Playgrounds.Parameters p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("temperature", p.temperature());
    m.put("max_tokens", p.maxTokens());
    m.put("top_p", p.topP());
    m.put("stop", p.stop());
    return m;
  }

  /** A model's result in a playground run: output, usage, cost, latency, trace; or its error. */
  public static Map<String, Object> result(ModelRuns.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", r.index());
    m.put("model", r.model());
    m.put("model_id", r.modelId());
    m.put("output", r.output());
    m.put("finish_reason", r.finishReason());
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("input_tokens", r.inputTokens());
    usage.put("output_tokens", r.outputTokens());
    usage.put("total_tokens", r.totalTokens());
    m.put("usage", usage);
    m.put("cost", r.cost());
    m.put("latency_ms", Math.round(r.latencyNanos() / 1e4) / 100.0);
    m.put("trace_id", "0x" + r.traceId());
    if (r.error() != null) {
      m.put("error", error(r));
    }
    return m;
  }

  /** A model's answer in an arena match, anonymous: its position and output (or error) only. */
  public static Map<String, Object> answer(ModelRuns.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("position", r.label());
    m.put("output", r.output());
    if (r.error() != null) {
      m.put("error", error(r));
    }
    return m;
  }

  private static Map<String, Object> error(ModelRuns.Result r) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("status", r.error().kind().httpStatus());
    e.put("detail", r.error().getMessage());
    return e;
  }

  /** Sum of the results' known costs, or null when none is known. */
  public static Double totalCost(List<ModelRuns.Result> results) {
    Double total = null;
    for (ModelRuns.Result r : results) {
      if (r.cost() != null) {
        total = (total == null ? 0 : total) + r.cost();
      }
    }
    return total;
  }

  public static Map<String, Object> model(Models.Model x) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model_id", x.modelId());
    m.put("provider", x.provider());
    m.put("name", x.name());
    m.put("global", x.global());
    m.put("base_url", x.baseUrl());
    m.put("azure", x.azure());
    m.put("api_version", x.apiVersion());
    m.put("headers", x.headerNames());
    m.put("api_key_set", x.apiKeySet());
    m.put("api_key_hint", x.apiKeyHint());
    m.put("input_price", x.inputPrice());
    m.put("output_price", x.outputPrice());
    m.put("created_at", x.createdAt().toString());
    m.put("updated_at", x.updatedAt().toString());
    return m;
  }

  public static Map<String, Object> verdict(Arena.Verdict v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("match_id", v.matchId());
    m.put("winner", v.winner());
    m.put("leaderboard", v.board().equals(Models.GLOBAL_OWNER) ? "global" : "mine");
    m.put("a", side(v.a()));
    m.put("b", side(v.b()));
    return m;
  }

  private static Map<String, Object> side(Arena.Side s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model_id", s.modelId());
    m.put("model", s.model());
    m.put("rating_before", round(s.ratingBefore()));
    m.put("rating_after", round(s.ratingAfter()));
    return m;
  }

  public static Map<String, Object> match(Arena.Match x) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("match_id", x.matchId());
    m.put("status", x.status());
    m.put("prompt", x.prompt());
    m.put("answers", x.answers());
    m.put("winner", x.winner());
    m.put("created_at", x.createdAt().toString());
    return m;
  }

  public static Map<String, Object> leaderboard(Arena.Leaderboard b, String scope) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scope", scope);
    m.put("k_factor", b.kFactor());
    m.put("initial_rating", io.guardops.engine.arena.Elo.INITIAL);
    m.put("matches", b.matches());
    m.put("interval", "95% bootstrap: 2.5th-97.5th percentiles of Elo over " + b.resamples()
        + " resamples of the recorded matches");
    List<Map<String, Object>> models = new ArrayList<>();
    int rank = 0;
    for (Arena.Standing s : b.standings()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("rank", ++rank);
      e.put("model_id", s.modelId());
      e.put("model", s.model());
      e.put("rating", round(s.rating()));
      e.put("ci_low", s.low() == null ? null : round(s.low()));
      e.put("ci_high", s.high() == null ? null : round(s.high()));
      e.put("matches", s.matches());
      e.put("wins", s.wins());
      e.put("losses", s.losses());
      e.put("ties", s.ties());
      models.add(e);
    }
    m.put("models", models);
    return m;
  }

  private static double round(double d) {
    return Math.round(d * 100) / 100.0;
  }

  public static Map<String, Object> template(Templates.Template t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("template_id", t.templateId());
    m.put("name", t.name());
    m.put("description", t.description());
    m.put("latest_version", t.latestVersion());
    m.put("labels", t.labels());
    m.put("created_at", t.createdAt().toString());
    m.put("updated_at", t.updatedAt().toString());
    return m;
  }

  public static Map<String, Object> templateVersion(Templates.Version v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("template_id", v.templateId());
    m.put("name", v.name());
    m.put("version", v.version());
    m.put("labels", v.labels());
    m.put("text", v.text());
    m.put("variables", v.variables());
    m.put("comment", v.comment());
    m.put("created_at", v.createdAt().toString());
    return m;
  }

  public static Map<String, Object> rendered(Templates.Rendered r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("template_id", r.version().templateId());
    m.put("name", r.version().name());
    m.put("version", r.version().version());
    m.put("text", r.text());
    return m;
  }

  /**
   * {@code detect_pii}'s reply: {@code [{"entity_type", "start", "end"}]}, offsets in Unicode code points
   * (as Python indexes strings, which the original's clients do).
   */
  public static List<Map<String, Object>> entities(String text, List<PiiEntity> found) {
    List<Map<String, Object>> out = new ArrayList<>(found.size());
    int cpAt = 0;
    int at = 0;
    for (PiiEntity e : found) {
      cpAt += text.codePointCount(at, e.start());
      int cpEnd = cpAt + text.codePointCount(e.start(), e.end());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("entity_type", e.type().name());
      m.put("start", cpAt);
      m.put("end", cpEnd);
      out.add(m);
      cpAt = cpEnd;
      at = e.end();
    }
    return out;
  }

  public static Map<String, Object> policy(Pii.Policy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project_id", p.projectId());
    m.put("mask", p.mask());
    List<String> types = new ArrayList<>();
    for (PiiType t : p.entities()) {
      types.add(t.name());
    }
    m.put("entities", types);
    return m;
  }
}
