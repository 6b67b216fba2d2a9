package io.guardops.engine;

import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.eval.EvaluatorInfo;
import io.guardops.api.auth.Caller;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelException;
import io.guardops.engine.eval.TracedModelClient;
import io.guardops.engine.internal.EvalComponents;
import io.guardops.engine.internal.Settings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.inject.Inject;
import javax.inject.Provider;
import javax.inject.Singleton;

/**
 * The installed evaluators: listing them, checking a run's parameters, scoring one item ad hoc, and
 * the one place model failures become engine errors. Thread-safe. Obtain from {@link Engine#evaluators()}.
 *
 * <p>Model failures map to gateway errors: a model endpoint that is rate-limiting or down is 503
 * (retry later), one that did not answer in time 504, and one that refused the request, the
 * credentials, or answered something that is not a verdict 502 (the message says which, without
 * secrets).
 */
@Singleton
public final class Evaluators {
  private final EvalComponents eval;
  private final String judgeModel;
  private final Access access;
  private final Pricing pricing;
  private final Provider<Ingest> ingest;
  private final Clock clock;

  /** What scoring one item ad hoc gave: the score, what its model calls cost, and their trace (or null). */
  public record Outcome(EvalScore score, Double cost, String traceId) {}

  @Inject
  Evaluators(EvalComponents eval, Settings settings, Access access, Pricing pricing, Provider<Ingest> ingest,
      Clock clock) {
    this.eval = eval;
    this.judgeModel = settings.judgeModel();
    this.access = access;
    this.pricing = pricing;
    this.ingest = ingest;
    this.clock = clock;
  }

  /** Every installed evaluator's description, by name. */
  public List<EvaluatorInfo> list() {
    List<EvaluatorInfo> out = new ArrayList<>();
    eval.evaluators().values().forEach(e -> out.add(e.info()));
    return out;
  }

  /** The names of the installed dataset formats ({@code csv}, {@code jsonl}). */
  public Set<String> formats() {
    return eval.formats().keySet();
  }

  /** The model client, if one is configured. */
  public Optional<ModelClient> model() {
    return eval.model();
  }

  /** The configured model client's name, or {@code none}. */
  public String modelClientName() {
    return eval.modelClientName();
  }

  /** The judge model when a run names none. */
  public String defaultJudgeModel() {
    return judgeModel;
  }

  /**
   * The evaluator named {@code name}.
   *
   * @throws EngineException NOT_FOUND naming the installed ones
   */
  public Evaluator require(String name) {
    if (name == null || name.isBlank()) {
      throw EngineException.badRequest("an evaluator name is required");
    }
    Evaluator e = eval.evaluators().get(name.trim());
    if (e == null) {
      throw EngineException.notFound("no evaluator '" + name.trim() + "' is installed; installed: "
          + (eval.evaluators().isEmpty() ? "none (install the evaluation plugin)"
              : String.join(", ", eval.evaluators().keySet())));
    }
    return e;
  }

  /**
   * Checks a run's parameters: the evaluator's own checks, no parameter it does not know (a typo
   * would otherwise be ignored silently), and a model client when it calls a model.
   *
   * @throws EngineException BAD_REQUEST naming the parameter, NOT_IMPLEMENTED without a model client
   */
  public void validate(Evaluator e, Map<String, String> parameters) {
    EvaluatorInfo info = e.info();
    Set<String> known = new TreeSet<>();
    info.parameters().forEach(p -> known.add(p.name()));
    for (String p : parameters.keySet()) {
      if (!known.contains(p)) {
        throw EngineException.badRequest(info.name() + " has no parameter '" + p + "'; its parameters: "
            + (known.isEmpty() ? "none" : String.join(", ", known)));
      }
    }
    try {
      e.validate(parameters);
    } catch (IllegalArgumentException ex) {
      throw EngineException.badRequest(ex.getMessage());
    }
    if (info.usesModel() && eval.model().isEmpty()) {
      throw EngineException.notImplemented(info.name() + " calls a model as judge and no model client is configured:"
          + " install the model-openai plugin and set OPENAI_API_KEY (and OPENAI_BASE_URL for another endpoint)");
    }
  }

  /**
   * Scores one item now, on the calling thread. With {@code projectId}, the judge's model calls are
   * traced into that project (one trace; the caller must be able to send to it).
   *
   * @throws EngineException NOT_FOUND for an unknown evaluator or project, BAD_REQUEST for bad parameters
   *     or an item the evaluator cannot score (a missing expected answer), NOT_IMPLEMENTED without a
   *     model client, BAD_GATEWAY / UNAVAILABLE / GATEWAY_TIMEOUT when the model endpoint fails
   */
  public Outcome run(Caller caller, String name, Map<String, String> parameters, EvalItem item, String projectId) {
    access.userOf(caller);
    Evaluator e = require(name);
    validate(e, parameters);
    String project = projectId == null || projectId.isBlank() ? null
        : access.readable(caller, projectId.trim()).project().projectId();
    TracedModelClient traced = project == null ? null
        : traced(TracedModelClient.Target.newTrace(project, Map.of(TracedModelClient.SOURCE_ATTRIBUTE,
            "evaluator:" + e.info().name())));
    Optional<ModelClient> client = traced != null ? Optional.of(traced) : eval.model();
    String error = null;
    EvalScore score = null;
    try {
      score = priced(evaluate(e, item, parameters, context(client)));
      return new Outcome(score, traced != null ? traced.cost() : score.usage() == null ? null : score.usage().cost(),
          traced != null && traced.calls() > 0 ? traced.traceId() : null);
    } catch (EngineException ex) {
      error = ex.getMessage();
      throw ex;
    } finally {
      if (traced != null) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("guardops.evaluator", e.info().name());
        traced.writeRoot("evaluate " + e.info().name(), attrs, item.output(),
            score == null ? null : String.valueOf(score.value() != null ? score.value() : score.label()), error);
      }
    }
  }

  /** Runs one evaluator, turning its failures into engine errors. */
  EvalScore evaluate(Evaluator e, EvalItem item, Map<String, String> parameters, EvalContext context) {
    try {
      return e.evaluate(item, parameters, context);
    } catch (ModelException ex) {
      throw modelFailure(e.info().name(), ex);
    } catch (IllegalArgumentException ex) {
      throw EngineException.badRequest(ex.getMessage());
    } catch (IllegalStateException ex) {
      // an evaluator that cannot work with the configured components (a judge without a model client)
      throw EngineException.notImplemented(ex.getMessage());
    }
  }

  /** The score with its usage priced from the engine's table when the evaluator left the cost out. */
  EvalScore priced(EvalScore s) {
    EvalScore.Usage u = s.usage();
    if (u == null || u.cost() != null) {
      return s;
    }
    Double cost = TracedModelClient.price(pricing.table(), u.model(), u.inputTokens(), u.outputTokens());
    if (cost == null) {
      return s;
    }
    return new EvalScore(s.metric(), s.value(), s.label(), s.explanation(),
        new EvalScore.Usage(u.model(), u.inputTokens(), u.outputTokens(), cost), s.details());
  }

  /** An evaluation context lending {@code client} (or none) and the default judge model. */
  EvalContext context(Optional<ModelClient> client) {
    return new EvalContext() {
      @Override
      public Optional<ModelClient> model() {
        return client;
      }

      @Override
      public String defaultJudgeModel() {
        return judgeModel;
      }
    };
  }

  /** A model client tracing its calls into {@code target}, or null without a model client. */
  TracedModelClient traced(TracedModelClient.Target target) {
    return eval.model().map(c -> new TracedModelClient(c, spans -> ingest.get().spans(spans), pricing.table(), clock,
        target)).orElse(null);
  }

  /** A failed model call as an engine error: what the gateway would say. */
  public static EngineException modelFailure(String what, ModelException e) {
    EngineException.Kind kind = switch (e.kind()) {
      case RATE_LIMITED, UNAVAILABLE -> EngineException.Kind.UNAVAILABLE;
      case TIMEOUT -> EngineException.Kind.GATEWAY_TIMEOUT;
      case BAD_REQUEST, UNAUTHORIZED, BAD_RESPONSE -> EngineException.Kind.BAD_GATEWAY;
    };
    String hint = switch (e.kind()) {
      case RATE_LIMITED -> " (rate-limited; retry later)";
      case UNAVAILABLE -> " (the endpoint is down or unreachable; retry later)";
      case TIMEOUT -> " (no answer in time)";
      case UNAUTHORIZED -> " (check the model client's API key)";
      case BAD_REQUEST -> " (check the model name and parameters)";
      case BAD_RESPONSE -> " (the answer was not usable)";
    };
    return new EngineException(kind, what + ": the model endpoint failed" + hint + ": " + e.getMessage(), e);
  }
}
