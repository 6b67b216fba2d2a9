package io.guardops.host;

import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Role;
import io.guardops.api.eval.Experiment;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.ExperimentDefinition;
import io.guardops.host.wire.GuardOpsViews;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Experiments: start, list, read with progress and summary, page results, cancel, compare. */
final class ExperimentRoutes {
  private final Engine engine;

  private ExperimentRoutes(Engine engine) {
    this.engine = engine;
  }

  static void register(RouteTable t, Engine engine, Json json) {
    ExperimentRoutes r = new ExperimentRoutes(engine);
    t.route("POST", "/api/create_experiment", Role.EVALUATION, "starts an experiment: a dataset version through a"
        + " task and evaluators (JSON body); runs in the background", r::create);
    t.route("GET", "/api/get_experiments", Role.EVALUATION, "the experiments on a dataset, newest first",
        r::list)
        .params(Param.query("dataset_id", "the dataset's id").required(), Param.query("limit", "items per page"));
    t.route("GET", "/api/get_experiment", Role.EVALUATION, "one experiment: status, progress, cost, summary means",
        r::get)
        .params(Param.query("experiment_id", "the experiment's id").required());
    t.route("GET", "/api/get_experiment_results", Role.EVALUATION, "a page of per-item results (readable while it"
        + " runs); `cursor`/`limit`", r::results)
        .params(Param.query("experiment_id", "the experiment's id").required(),
            Param.query("cursor", "the `next_cursor` of the previous page"), Param.query("limit", "items per page"));
    t.route("POST", "/api/cancel_experiment", Role.EVALUATION, "cancels a run (its starter only); items in flight"
        + " finish", r::cancel)
        .params(Param.query("experiment_id", "the experiment's id").required());
    t.route("GET", "/api/compare_experiments", Role.EVALUATION, "two runs item by item: means, deltas, regressions"
        + " first (`experiment_a`, `experiment_b`)", r::compare)
        .params(Param.query("experiment_a", "the baseline experiment's id").required(),
            Param.query("experiment_b", "the experiment compared with it").required(),
            Param.query("limit", "items per page"));
  }

  private Object create(Request r, Caller caller) {
    ExperimentDefinition def;
    try {
      def = ExperimentDefinition.fromMap(io.guardops.api.Json.readObject(new String(r.body(), StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest("the body must be a JSON object {\"dataset_id\", \"task\", \"evaluators\", ...}: "
          + e.getMessage());
    }
    if (def.datasetId() == null && r.param("dataset_id") != null) {
      def = new ExperimentDefinition(def.name(), r.param("dataset_id"), def.datasetVersion(), def.projectId(),
          def.task(), def.evaluators(), def.concurrency());
    }
    Experiment e = engine.experiments().create(caller, def);
    return view(e);
  }

  private Map<String, Object> view(Experiment e) {
    return GuardOpsViews.experiment(e, engine.experiments().definition(e), engine.experiments().summary(e));
  }

  private Object list(Request r, Caller caller) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Experiment e : engine.experiments().list(caller, r.required("dataset_id"), r.intParam("limit", 50, 1, 1000))) {
      out.add(GuardOpsViews.experiment(e, null, null));
    }
    return Map.of("experiments", out);
  }

  private Object get(Request r, Caller caller) {
    return view(engine.experiments().get(caller, r.required("experiment_id")));
  }

  private Object results(Request r, Caller caller) {
    String after = r.afterCursor();
    return GuardOpsViews.results(engine.experiments().results(caller, r.required("experiment_id"), after,
        r.intParam("limit", 50, 1, 1000)));
  }

  private Object cancel(Request r, Caller caller) {
    return view(engine.experiments().cancel(caller, r.required("experiment_id")));
  }

  private Object compare(Request r, Caller caller) {
    return GuardOpsViews.comparison(engine.experiments().compare(caller, r.required("experiment_a"),
        r.required("experiment_b"), r.intParam("limit", 50, 0, 1000)));
  }
}
