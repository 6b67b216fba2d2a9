package io.guardops.engine;

import io.guardops.api.Json;
import io.guardops.api.StoredRecord;
import io.guardops.api.auth.Caller;
import io.guardops.api.model.ChatMessage;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.store.RecordStore;
import io.guardops.engine.arena.Elo;
import io.guardops.engine.internal.IdGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The model arena: two models answer the same prompt without saying which is which (positions
 * {@code a} and {@code b}, assigned at random); the user names the better answer or a tie, which reveals
 * the models and updates their Elo ratings (K = {@code guardops.arena.k-factor}, default 32; every model
 * starts at 1000).
 *
 * <p><b>Boards.</b> A match between two global models counts on the global leaderboard (user "0"'s
 * board, which everyone sees); a match involving a model of the user's own counts on that user's board.
 * In single-user mode both are the same board.
 *
 * <p><b>Concurrency.</b> A vote first turns the match from open to scored by compare-and-set (a second
 * vote on it gets 409), then applies the rating change to the board by compare-and-set, recording the
 * match id in the board so that it is applied once; a vote repeated after a failure in between completes
 * it. Concurrent votes on different matches of one board retry until each applies to the ratings the
 * other left. The models' calls are traced into the caller's project like playground runs (the traces
 * name the models; the arena's replies do not until the vote). Thread-safe. Obtain from
 * {@link Engine#arena()}.
 */
@Singleton
public final class Arena {
  static final String MATCH = "arena_match";
  static final String BOARD = "arena_board";
  private static final int APPLIED_KEPT = 5_000;
  private static final int MAX_MATCHES_FOR_INTERVALS = 20_000;

  /** The two positions. */
  public static final List<String> POSITIONS = List.of("a", "b");

  /** What starting a match takes: the prompt, an optional system message, the two models (or none: random). */
  public record Request(String prompt, String system, String modelA, String modelB, Playgrounds.Parameters parameters,
      String projectId) {}

  /** A model in a revealed match: its id, name and rating before and after the vote. */
  public record Side(String modelId, String model, double ratingBefore, double ratingAfter) {}

  /** A scored match: the winner ({@code a}, {@code b} or {@code tie}) and both sides revealed. */
  public record Verdict(String matchId, String winner, String board, Side a, Side b) {}

  /** One model's standing: rating, matches, wins, losses, ties and the 95% interval of its rating. */
  public record Standing(String modelId, String model, double rating, long matches, long wins, long losses, long ties,
      Double low, Double high) {}

  /** A leaderboard: its board ({@code "0"}: global) and the standings, best first. */
  public record Leaderboard(String board, double kFactor, int resamples, long matches, List<Standing> standings) {}

  private final Records records;
  private final Access access;
    private final Models models;
  private final ModelRuns runs;
  private final FeatureSettings settings;
  private final IdGenerator ids;
  private final SecureRandom random;

  @Inject
  Arena(Records records, Access access, Models models, ModelRuns runs, FeatureSettings settings,
      IdGenerator ids, SecureRandom random) {
    this.records = records;
    this.access = access;
    this.models = models;
    this.runs = runs;
    this.settings = settings;
    this.ids = ids;
    this.random = random;
  }

  private RecordStore store() {
    return records.store("the arena");
  }

  /**
   * Starts a match: checks the request, picks the models (two distinct random visible models when none
   * are named) and their positions at random, and records the match as running.
   *
   * @throws EngineException BAD_REQUEST for no prompt, one model named but not the other, the same model
   *     twice or fewer than two models to pick from; NOT_FOUND for an unknown model or project
   */
  public ModelRuns.Prepared start(Caller caller, Request r) {
    String user = access.userOf(caller);
    if (r.prompt() == null || r.prompt().isBlank()) {
      throw EngineException.badRequest("prompt is required");
    }
    if (r.prompt().length() > 200_000) {
      throw EngineException.badRequest("prompt is longer than 200000 characters");
    }
    boolean a = r.modelA() != null && !r.modelA().isBlank();
    boolean b = r.modelB() != null && !r.modelB().isBlank();
    if (a != b) {
      throw EngineException.badRequest("name both models (model_a and model_b) or neither (two are picked at random)");
    }
    List<Models.Resolved> pair = new ArrayList<>(2);
    if (a) {
      pair.add(models.resolve(user, r.modelA()));
      pair.add(models.resolve(user, r.modelB()));
    } else {
      List<Models.Model> visible = models.visibleModels(user);
      if (visible.size() < 2) {
        throw EngineException.badRequest("the arena needs two registered models; you can use " + visible.size()
            + " (add_model)");
      }
      int i = random.nextInt(visible.size());
      int j = random.nextInt(visible.size() - 1);
      j = j >= i ? j + 1 : j;
      pair.add(models.resolve(user, visible.get(i).modelId()));
      pair.add(models.resolve(user, visible.get(j).modelId()));
    }
    if (pair.get(0).model().modelId().equals(pair.get(1).model().modelId())) {
      throw EngineException.badRequest("the arena compares two different models");
    }
    if (random.nextBoolean()) {
      pair = List.of(pair.get(1), pair.get(0)); // which is "a" says nothing about the order they were named in
    }
    String project = runs.project(user, r.projectId());
    Playgrounds.Parameters params = r.parameters() == null ? Playgrounds.Parameters.NONE : r.parameters();
    List<ChatMessage> messages = new ArrayList<>();
    if (r.system() != null && !r.system().isBlank()) {
      messages.add(ChatMessage.system(r.system()));
    }
    messages.add(ChatMessage.user(r.prompt()));
    String board = pair.get(0).model().global() && pair.get(1).model().global() ? Models.GLOBAL_OWNER : user;
    String matchId = ids.newId();
    List<ModelRuns.Call> calls = new ArrayList<>();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("user", user);
    json.put("status", "running");
    json.put("prompt", r.prompt());
    for (int k = 0; k < 2; k++) {
      Models.Resolved m = pair.get(k);
      String position = POSITIONS.get(k);
      ChatRequest request;
      try {
        request = new ChatRequest(m.model().name(), messages, params.temperature(), params.maxTokens(), params.topP(),
            params.stop(), null, null);
      } catch (IllegalArgumentException e) {
        throw EngineException.badRequest(e.getMessage());
      }
      // the slot names the position only: replies must not reveal the model before the vote
      calls.add(new ModelRuns.Call(new ModelRuns.Slot(k, position, null, null), m, request));
      json.put(position, Map.of("model_id", m.model().modelId(), "name", m.model().name()));
    }
    StoredRecord match = StoredRecord.create(MATCH, matchId, board, null, Json.write(json), records.clock().instant());
    if (!store().create(match)) {
      throw EngineException.conflict("match id " + matchId + " exists already; retry");
    }
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("guardops.arena.match_id", matchId);
    return new ModelRuns.Prepared(matchId, user, project, calls, attrs, "arena match", results -> answered(matchId,
        results));
  }

  /**
   * Runs a started match: both models at once, deltas (tagged {@code a} / {@code b}) to {@code listener}
   * when {@code stream} is set.
   */
  public List<ModelRuns.Result> run(ModelRuns.Prepared match, boolean stream, ModelRuns.Listener listener) {
    return runs.run(match, stream, listener);
  }

  private void answered(String matchId, List<ModelRuns.Result> results) {
    records.update(store(), MATCH, matchId, rec -> {
      Map<String, Object> json = new LinkedHashMap<>(Records.json(rec));
      Map<String, Object> answers = new LinkedHashMap<>();
      Map<String, Object> errors = new LinkedHashMap<>();
      List<Object> traces = new ArrayList<>();
      for (ModelRuns.Result r : results) {
        if (r.ok()) {
          answers.put(r.label(), r.output());
        } else {
          errors.put(r.label(), r.error().getMessage());
        }
        traces.add(r.traceId());
      }
      json.put("answers", answers);
      if (!errors.isEmpty()) {
        json.put("errors", errors);
      }
      json.put("trace_ids", traces);
      json.put("status", errors.isEmpty() ? "open" : "failed");
      return new Records.Update(null, Json.write(json));
    });
  }

  /**
   * Records the caller's vote on their match: {@code a}, {@code b} or {@code tie}.
   *
   * @throws EngineException NOT_FOUND for a match that is not the caller's; BAD_REQUEST for another
   *     winner; CONFLICT for a match still running, one whose answers failed, or one already scored
   */
  public Verdict score(Caller caller, String matchId, String winner) {
    String user = access.userOf(caller);
    String w = winner == null ? "" : winner.trim().toLowerCase(Locale.ROOT);
    if (!w.equals("a") && !w.equals("b") && !w.equals("tie")) {
      throw EngineException.badRequest("winner must be a, b or tie, was '" + winner + "'");
    }
    RecordStore store = store();
    StoredRecord match = match(user, matchId);
    Map<String, Object> json = Records.json(match);
    String status = Records.str(json, "status");
    if ("running".equals(status)) {
      throw EngineException.conflict("the answers of match '" + match.id() + "' are still coming: vote when both are in");
    }
    if ("failed".equals(status)) {
      throw EngineException.conflict("an answer of match '" + match.id() + "' failed: this match cannot be scored");
    }
    if ("scored".equals(status) && !w.equals(Records.str(json, "winner"))) {
      throw EngineException.conflict("match '" + match.id() + "' was scored already");
    }
    if ("open".equals(status)) {
      // the one decision point: open -> scored; a concurrent vote that loses re-reads and is refused above
      Map<String, Object> next = new LinkedHashMap<>(json);
      next.put("status", "scored");
      next.put("winner", w);
      next.put("scored_at", records.clock().instant().toString());
      if (!store.replace(match.next(null, Json.write(next), records.clock().instant()))) {
        return score(caller, matchId, winner);
      }
    }
    return apply(match.ownerId(), match.id(), json, w);
  }

  /** Applies a scored match to its board once (by compare-and-set); returns the revealed verdict. */
  private Verdict apply(String board, String matchId, Map<String, Object> match, String winner) {
    RecordStore store = store();
    Map<String, Object> a = Records.map(match, "a");
    Map<String, Object> b = Records.map(match, "b");
    String idA = Records.str(a, "model_id");
    String idB = Records.str(b, "model_id");
    double scoreA = winner.equals("a") ? 1 : winner.equals("b") ? 0 : 0.5;
    double k = settings.kFactor();
    store.create(StoredRecord.create(BOARD, board, board, null, "{\"ratings\": {}, \"applied\": []}",
        records.clock().instant()));
    double[] before = new double[2];
    double[] after = new double[2];
    records.update(store, BOARD, board, rec -> {
      Map<String, Object> json = new LinkedHashMap<>(Records.json(rec));
      Map<String, Object> ratings = new LinkedHashMap<>(Records.map(json, "ratings"));
      Map<String, Object> ra = new LinkedHashMap<>(standing(ratings, idA, Records.str(a, "name")));
      Map<String, Object> rb = new LinkedHashMap<>(standing(ratings, idB, Records.str(b, "name")));
      List<Object> applied = Records.list(json, "applied");
      if (applied.contains(matchId)) {
        // applied already (a repeated vote after a failure): report the current ratings
        before[0] = after[0] = Records.dbl(ra, "rating");
        before[1] = after[1] = Records.dbl(rb, "rating");
        return null;
      }
      before[0] = Records.dbl(ra, "rating");
      before[1] = Records.dbl(rb, "rating");
      double[] r = Elo.update(before[0], before[1], scoreA, k);
      after[0] = r[0];
      after[1] = r[1];
      count(ra, r[0], scoreA);
      count(rb, r[1], 1 - scoreA);
      ratings.put(idA, ra);
      ratings.put(idB, rb);
      applied.add(matchId);
      while (applied.size() > APPLIED_KEPT) {
        applied.remove(0);
      }
      json.put("ratings", ratings);
      json.put("applied", applied);
      return new Records.Update(null, Json.write(json));
    });
    return new Verdict(matchId, winner, board, new Side(idA, Records.str(a, "name"), before[0], after[0]),
        new Side(idB, Records.str(b, "name"), before[1], after[1]));
  }

  private static Map<String, Object> standing(Map<String, Object> ratings, String modelId, String name) {
    Object s = ratings.get(modelId);
    if (s instanceof Map<?, ?>) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) s;
      return m;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("rating", Elo.INITIAL);
    m.put("matches", 0L);
    m.put("wins", 0L);
    m.put("losses", 0L);
    m.put("ties", 0L);
    return m;
  }

  private static void count(Map<String, Object> s, double rating, double score) {
    s.put("rating", rating);
    s.put("matches", Records.lng(s, "matches") + 1);
    String field = score == 1 ? "wins" : score == 0 ? "losses" : "ties";
    s.put(field, Records.lng(s, field) + 1);
  }

  /**
   * A leaderboard: {@code global} (everyone's votes on global models) or {@code mine} (the caller's votes
   * involving their own models), with 95% bootstrap intervals over the board's recorded matches.
   *
   * @throws EngineException BAD_REQUEST for another scope
   */
  public Leaderboard leaderboard(Caller caller, String scope) {
    String user = access.userOf(caller);
    String s = scope == null || scope.isBlank() ? "global" : scope.trim().toLowerCase(Locale.ROOT);
    String board = switch (s) {
      case "global" -> Models.GLOBAL_OWNER;
      case "mine" -> user;
      default -> throw EngineException.badRequest("scope must be global or mine, was '" + scope + "'");
    };
    RecordStore store = store();
    Map<String, Object> ratings = store.find(BOARD, board).map(r -> Records.map(Records.json(r), "ratings"))
        .orElse(Map.of());
    List<Elo.Outcome> outcomes = new ArrayList<>();
    String after = null;
    while (outcomes.size() < MAX_MATCHES_FOR_INTERVALS) {
      List<StoredRecord> page = store.list(MATCH, board, after, 500);
      for (StoredRecord m : page) {
        Map<String, Object> json = Records.json(m);
        if ("scored".equals(Records.str(json, "status"))) {
          String w = Records.str(json, "winner");
          outcomes.add(new Elo.Outcome(Records.str(Records.map(json, "a"), "model_id"),
              Records.str(Records.map(json, "b"), "model_id"), "a".equals(w) ? 1 : "b".equals(w) ? 0 : 0.5));
        }
      }
      if (page.size() < 500) {
        break;
      }
      after = page.get(page.size() - 1).id();
    }
    Map<String, double[]> intervals = Elo.intervals(outcomes, settings.resamples(), settings.kFactor(),
        outcomes.size());
    List<Standing> standings = new ArrayList<>();
    ratings.forEach((id, v) -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) v;
      double[] ci = intervals.get(id);
      standings.add(new Standing(id, Records.str(m, "name"), Records.dbl(m, "rating"), Records.lng(m, "matches"),
          Records.lng(m, "wins"), Records.lng(m, "losses"), Records.lng(m, "ties"), ci == null ? null : ci[0],
          ci == null ? null : ci[1]));
    });
    standings.sort(Comparator.comparingDouble(Standing::rating).reversed().thenComparing(Standing::modelId));
    return new Leaderboard(board, settings.kFactor(), settings.resamples(), outcomes.size(), standings);
  }

  /** A match the caller started (404 otherwise): its id, status and the answers by position. */
  public record Match(String matchId, String status, String prompt, Map<String, String> answers, String winner,
      Instant createdAt) {}

  /**
   * One of the caller's matches, anonymous until scored (the verdict reveals the models).
   *
   * @throws EngineException NOT_FOUND for a match that is not the caller's
   */
  public Match get(Caller caller, String matchId) {
    StoredRecord r = match(access.userOf(caller), matchId);
    Map<String, Object> json = Records.json(r);
    Map<String, String> answers = new LinkedHashMap<>();
    Records.map(json, "answers").forEach((k, v) -> answers.put(k, String.valueOf(v)));
    return new Match(r.id(), Records.str(json, "status"), Records.str(json, "prompt"), answers,
        Records.str(json, "winner"), r.createdAt());
  }

  private StoredRecord match(String user, String matchId) {
    if (matchId == null || matchId.isBlank()) {
      throw EngineException.badRequest("match_id is required");
    }
    Optional<StoredRecord> r = store().find(MATCH, matchId.trim());
    return r.filter(m -> user.equals(Records.str(Records.json(m), "user")))
        .orElseThrow(() -> EngineException.notFound("match '" + matchId.trim() + "' not found"));
  }
}
