package io.guardops.engine;

import io.guardops.api.Json;
import io.guardops.api.auth.Caller;
import io.guardops.api.eval.Evaluation;
import io.guardops.api.eval.EvaluationEntry;
import io.guardops.api.store.EvaluationStore;
import io.guardops.engine.internal.IdGenerator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Evaluations of the wire contract: titled groups of framework results (Deepeval, ROUGE, MMLU,
 * lm-eval, ...) that clients compute themselves and export to a project. A result's data is kept
 * exactly as sent, as JSON text. Whoever may read a project (owner or member) exports to it and lists
 * its evaluations; an evaluation is changed or deleted by whoever created it or the project's owner.
 * Thread-safe. Obtain from {@link Engine#evaluations()}.
 *
 * <p>An entry's {@code eval_id} is the client's; it is stored as {@code <evaluation_id>/<eval_id>}
 * so that one evaluation's entry can never replace another evaluation's entry of the same id.
 */
@Singleton
public final class Evaluations {
  /** Most entries {@link #viz} reads (the newest). */
  public static final int VIZ_LIMIT = 10_000;

  private final StoreParts parts;
  private final Access access;
  private final Clock clock;
  private final IdGenerator ids;

  /** An evaluation with its entries (their ids as the client sent them). */
  public record EvaluationView(Evaluation evaluation, List<EvaluationEntry> entries) {}

  /** One exported result; null fields take defaults (fresh ids, now, empty strings). */
  public record Export(String projectId, String evaluationId, String title, Instant date, String evalId, String name,
      String framework, String evalData) {}

  /** One point of the evaluation chart: a result's {@code total_score}. */
  public record VizPoint(String series, String key, Instant date, double value) {}

  @Inject
  Evaluations(StoreParts parts, Access access, Clock clock, IdGenerator ids) {
    this.parts = parts;
    this.access = access;
    this.clock = clock;
    this.ids = ids;
  }

  /**
   * Stores one framework's result; creates its evaluation when the id is new (titled
   * {@code title}). An entry with the same {@code eval_id} in the same evaluation is replaced.
   *
   * @throws EngineException NOT_FOUND for a project the caller cannot read, CONFLICT when the
   *     evaluation id belongs to another project
   */
  public EvaluationEntry export(Caller caller, Export x) {
    String user = access.userOf(caller);
    String project = access.readable(caller, x.projectId()).project().projectId();
    EvaluationStore es = parts.evaluations();
    Instant now = clock.instant();
    Instant date = x.date() == null ? now : x.date();
    String evaluationId = blank(x.evaluationId()) ? ids.newId() : x.evaluationId().trim();
    Evaluation ev = es.findEvaluation(evaluationId).orElse(null);
    if (ev == null) {
      Evaluation fresh = valid(() -> new Evaluation(evaluationId, project, user, x.title(), "", date, now));
      if (!es.createEvaluation(fresh)) {
        ev = es.findEvaluation(evaluationId).orElse(fresh);
      } else {
        ev = fresh;
      }
    }
    if (!ev.projectId().equals(project)) {
      throw EngineException.conflict("evaluation_id '" + evaluationId + "' is taken by another project; use another id");
    }
    String evalId = blank(x.evalId()) ? ids.newId() : x.evalId().trim();
    EvaluationEntry entry = valid(() -> new EvaluationEntry(stored(evaluationId, evalId), evaluationId, project,
        x.name(), x.framework(), x.evalData(), date, now));
    es.putEntry(entry);
    return wire(entry);
  }

  /** A project's evaluations with their entries, by (creation time, id). */
  public List<EvaluationView> list(Caller caller, String projectId) {
    String project = access.readable(caller, projectId).project().projectId();
    EvaluationStore es = parts.evaluations();
    List<EvaluationView> out = new ArrayList<>();
    for (Evaluation e : es.listEvaluations(project)) {
      List<EvaluationEntry> entries = new ArrayList<>();
      es.entries(e.evaluationId()).forEach(en -> entries.add(wire(en)));
      out.add(new EvaluationView(e, entries));
    }
    return out;
  }

  /**
   * Creates an empty evaluation in a project the caller may read.
   *
   * @param evaluationId the id to use, or null for a fresh one
   * @throws EngineException CONFLICT when that id exists
   */
  public Evaluation create(Caller caller, String projectId, String evaluationId, String title, String description,
      Instant date) {
    String user = access.userOf(caller);
    String project = access.readable(caller, projectId).project().projectId();
    Instant now = clock.instant();
    String id = blank(evaluationId) ? ids.newId() : evaluationId.trim();
    Evaluation e = valid(() -> new Evaluation(id, project, user, title, description, date == null ? now : date, now));
    if (!parts.evaluations().createEvaluation(e)) {
      throw EngineException.conflict("evaluation_id '" + id + "' exists; use another id");
    }
    return e;
  }

  /**
   * Changes an evaluation's title, description or date; null keeps a field.
   *
   * @throws EngineException NOT_FOUND when the caller cannot see it, FORBIDDEN for someone who neither
   *     created it nor owns its project
   */
  public Evaluation update(Caller caller, String evaluationId, String title, String description, Instant date) {
    Evaluation e = changeable(caller, evaluationId);
    Evaluation updated = valid(() -> new Evaluation(e.evaluationId(), e.projectId(), e.ownerId(),
        title == null ? e.title() : title, description == null ? e.description() : description,
        date == null ? e.date() : date, e.createdAt()));
    if (!parts.evaluations().updateEvaluation(updated)) {
      throw notFound(evaluationId);
    }
    return updated;
  }

  /** Deletes an evaluation with its entries; same rights as {@link #update}. */
  public void delete(Caller caller, String evaluationId) {
    Evaluation e = changeable(caller, evaluationId);
    if (!parts.evaluations().deleteEvaluation(e.evaluationId())) {
      throw notFound(evaluationId);
    }
  }

  /**
   * The numeric {@code total_score} of a project's newest {@link #VIZ_LIMIT} results, oldest first:
   * one series per framework (and result name, when it has one), one point per result.
   */
  public List<VizPoint> viz(Caller caller, String projectId) {
    String project = access.readable(caller, projectId).project().projectId();
    List<VizPoint> out = new ArrayList<>();
    for (EvaluationEntry e : parts.evaluations().projectEntries(project, VIZ_LIMIT)) {
      Double score = totalScore(e.evalData());
      if (score != null) {
        EvaluationEntry w = wire(e);
        out.add(new VizPoint(series(e.framework(), e.name()), w.evalId(), e.date(), score));
      }
    }
    out.sort(Comparator.comparing(VizPoint::date).thenComparing(VizPoint::key));
    return out;
  }

  static String series(String framework, String name) {
    if (framework.isBlank()) {
      return name.isBlank() ? "default" : name;
    }
    return name.isBlank() || name.equals(framework) ? framework : framework + "/" + name;
  }

  /** {@code eval_data.total_score} as a number (a numeric string counts), or null. */
  static Double totalScore(String evalData) {
    Object v;
    try {
      v = Json.readObject(evalData).get("total_score");
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? d : null;
    }
    if (v instanceof String s) {
      try {
        double d = Double.parseDouble(s.trim());
        return Double.isFinite(d) ? d : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private Evaluation changeable(Caller caller, String evaluationId) {
    String user = access.userOf(caller);
    if (blank(evaluationId)) {
      throw EngineException.badRequest("evaluation_id is required");
    }
    Evaluation e = parts.evaluations().findEvaluation(evaluationId.trim()).orElseThrow(() -> notFound(evaluationId));
    Access.ProjectAccess p;
    try {
      p = access.readable(caller, e.projectId());
    } catch (EngineException notVisible) {
      throw notFound(evaluationId);
    }
    if (!p.owner() && !e.ownerId().equals(user)) {
      throw EngineException.forbidden("evaluation '" + evaluationId.trim() + "' was created by someone else: only they"
          + " or the project's owner may change or delete it");
    }
    return e;
  }

  private static String stored(String evaluationId, String evalId) {
    return evaluationId + "/" + evalId;
  }

  /** The entry with the client's eval_id. */
  private static EvaluationEntry wire(EvaluationEntry e) {
    String prefix = e.evaluationId() + "/";
    if (!e.evalId().startsWith(prefix) || e.evalId().length() == prefix.length()) {
      return e;
    }
    return new EvaluationEntry(e.evalId().substring(prefix.length()), e.evaluationId(), e.projectId(), e.name(),
        e.framework(), e.evalData(), e.date(), e.createdAt());
  }

  private static EngineException notFound(String evaluationId) {
    return EngineException.notFound("evaluation '" + (evaluationId == null ? "" : evaluationId.trim()) + "' not found");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static <T> T valid(java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw EngineException.badRequest(e.getMessage());
    }
  }
}
