package io.guardops.engine;

import io.guardops.api.auth.Caller;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.store.ExperimentStore;
import io.guardops.api.store.Store;
import io.guardops.engine.eval.PromptTemplate;
import io.guardops.engine.internal.IdGenerator;
import io.guardops.engine.internal.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Experiments: a dataset version run through a task (a prompt template sent to a model, or the items'
 * own outputs) and a set of evaluators, with bounded concurrency, progress, cost and cancellation;
 * per-item results are stored as they finish, so they can be read while the run goes on. Every model
 * call of a run (task and judge) is traced into the run's project, one trace per item.
 *
 * <p>Runs execute on engine-owned threads: at most {@code guardops.eval.max-running} at once (more
 * wait as PENDING), each scoring up to its concurrency of items at once. A run holds a lease in the
 * store ({@code experiment:<id>}), renewed while it runs; when the instance running it stops (a
 * restart, a crash), the lease expires after {@code guardops.eval.run-lease-ttl} and the next read
 * of the run marks it FAILED, saying so. Runs are not resumed: start them again.
 *
 * <p>Who may do what: whoever may read the dataset reads its experiments and starts new ones (their
 * model calls are traced into a project the caller may send to); only the experiment's owner cancels
 * it. Thread-safe. Obtain from {@link Engine#experiments()}.
 */
@Singleton
public final class Experiments {
  private static final Logger LOG = LoggerFactory.getLogger(Experiments.class);
  /** Most evaluators one run may use. */
  public static final int MAX_EVALUATORS = 20;
  /** Finished runs whose summaries are kept in memory. */
  private static final int SUMMARY_CACHE = 256;

  private final Store store;
  private final StoreParts parts;
  private final Access access;
  private final Datasets datasets;
  private final Evaluators evaluators;
  private final Pricing pricing;
  private final Clock clock;
  private final IdGenerator ids;
  private final Settings settings;
  private final String holder;
  private final Map<String, ExperimentRun> running = new ConcurrentHashMap<>();
  private final Map<String, Summary> finishedSummaries = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Summary> eldest) {
          return size() > SUMMARY_CACHE;
        }
      });
  private final ThreadPoolExecutor runs;
  private final ThreadPoolExecutor workers;
  private volatile ScheduledFuture<?> renewal;
  private volatile boolean closed;

  /** One evaluator's figures in a run. */
  public record EvaluatorSummary(String name, long scored, Double mean, Double threshold, long passed, Boolean met) {}

  /**
   * A run's figures per evaluator. {@code thresholdsMet}: every evaluator with a threshold scored every
   * item of the run and its mean is at least the threshold (true when no threshold is set).
   */
  public record Summary(List<EvaluatorSummary> evaluators, boolean thresholdsMet) {}

  /** A page of results by item id, and the item id to continue after (null: last page). */
  public record ResultPage(Experiment experiment, List<ExperimentResult> results, String nextAfter) {}

  /** One evaluator compared across two runs, over the items both scored. */
  public record MetricDelta(String name, long compared, Double meanA, Double meanB, Double delta, long improved,
      long regressed, long unchanged) {}

  /** One evaluator's scores of one item in two runs. */
  public record ScoreDelta(String name, Double a, Double b, Double delta) {}

  /**
   * One item in two runs. {@code worst} is its most negative delta; an item run B could not score but
   * run A could comes first ({@code worst} is negative infinity).
   */
  public record ItemDelta(String itemId, List<ScoreDelta> scores, double worst, String outputA, String outputB,
      String errorA, String errorB) {}

  /**
   * Two runs item by item: per evaluator means and deltas (B minus A), and the items, regressions
   * first. {@code onlyA} / {@code onlyB} count items only one run has.
   */
  public record Comparison(Experiment a, Experiment b, List<MetricDelta> metrics, List<ItemDelta> items,
      long matched, long onlyA, long onlyB) {}

  @Inject
  Experiments(Store store, StoreParts parts, Access access, Datasets datasets, Evaluators evaluators, Pricing pricing,
      Clock clock, IdGenerator ids, Settings settings) {
    this.store = store;
    this.parts = parts;
    this.access = access;
    this.datasets = datasets;
    this.evaluators = evaluators;
    this.pricing = pricing;
    this.clock = clock;
    this.ids = ids;
    this.settings = settings;
    this.holder = "experiments-" + ids.newId();
    AtomicInteger n = new AtomicInteger();
    this.runs = new ThreadPoolExecutor(settings.evalMaxRunning(), settings.evalMaxRunning(), 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> daemon(r, "guardops-experiment-" + n.incrementAndGet()));
    this.runs.allowCoreThreadTimeOut(true);
    AtomicInteger w = new AtomicInteger();
    // bounded by the runs' permits: at most max-running x max-concurrency busy at once
    this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> daemon(r, "guardops-eval-worker-" + w.incrementAndGet()));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts renewing the leases of this instance's runs. Called by the engine. */
  synchronized void start(ScheduledExecutorService scheduler) {
    if (renewal == null) {
      long every = Math.max(1, settings.evalRunLeaseTtl().toMillis() / 3);
      renewal = scheduler.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Stops every run of this instance and marks it FAILED, saying the instance stopped (runs are not
   * resumed). A run of an instance that crashed instead is marked so by the next read once its lease
   * expired.
   */
  synchronized void close() {
    closed = true;
    if (renewal != null) {
      renewal.cancel(false);
    }
    List<ExperimentRun> stopped = new ArrayList<>(running.values());
    stopped.forEach(ExperimentRun::abandon);
    runs.shutdownNow();
    workers.shutdownNow();
    try {
      runs.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ExperimentRun r : stopped) {
      try {
        r.stoppedByShutdown();
        LOG.warn("experiment {} was stopped with the engine before it finished: marked failed", r.id());
      } catch (RuntimeException e) {
        LOG.warn("could not mark experiment {} failed (its lease expires and a later read marks it): {}", r.id(),
            e.toString());
      }
    }
  }

  void renewLeases() {
    for (ExperimentRun r : running.values()) {
      try {
        if (!store.retention().tryAcquireLease(lease(r.id()), holder, clock.instant(), settings.evalRunLeaseTtl())) {
          LOG.warn("experiment {} lost its lease (another instance marked it failed): stopping it here", r.id());
          r.abandon();
        }
      } catch (RuntimeException e) {
        LOG.warn("could not renew the lease of experiment {}: {}", r.id(), e.toString());
      }
    }
  }

  static String lease(String experimentId) {
    return "experiment:" + experimentId;
  }

  // ---------------------------------------------------------------- starting

  /**
   * Checks a definition and starts the run in the background.
   *
   * @return the experiment as created (PENDING)
   * @throws EngineException NOT_FOUND for an unknown dataset, version, project or evaluator;
   *     BAD_REQUEST for an invalid task, parameter or threshold; NOT_IMPLEMENTED when the run needs a
   *     model client and none is configured
   */
  public Experiment create(Caller caller, ExperimentDefinition def) {
    String user = access.userOf(caller);
    if (closed) {
      throw new EngineException(EngineException.Kind.UNAVAILABLE, "the engine is stopping; retry");
    }
    ExperimentStore es = parts.experiments();
    Dataset d = access.readableDataset(caller, def.datasetId()).dataset();
    long version = Datasets.version(d, def.datasetVersion());
    if (version == 0) {
      throw EngineException.badRequest("dataset '" + d.datasetId() + "' has no items yet: add some first");
    }
    String project;
    if (def.projectId() != null && !def.projectId().isBlank()) {
      project = access.readable(caller, def.projectId().trim()).project().projectId();
    } else {
      project = store.projects().find(Users.defaultProjectId(user)).filter(p -> p.ownerId().equals(user))
          .map(io.guardops.api.Project::projectId).orElseThrow(() -> EngineException.badRequest("name the project_id"
              + " the run's model calls are traced into (you have no Default Project)"));
    }
    Prepared prepared = prepare(def);
    long total = parts.datasets().countItems(d.datasetId(), version);
    String name = def.name() == null || def.name().isBlank() ? d.name() + " v" + version : def.name().trim();
    if (name.length() > 200) {
      throw EngineException.badRequest("name must be at most 200 characters");
    }
    int concurrency = def.concurrency() == null ? settings.evalMaxConcurrency() : def.concurrency();
    if (concurrency < 1 || concurrency > settings.evalMaxConcurrency()) {
      throw EngineException.badRequest("concurrency must be between 1 and " + settings.evalMaxConcurrency()
          + " (guardops.eval.max-concurrency), was " + concurrency);
    }
    ExperimentDefinition stored = new ExperimentDefinition(name, d.datasetId(), version, project, def.task(),
        def.evaluators(), concurrency);
    Experiment e = new Experiment(ids.newId(), user, project, d.datasetId(), version, name, stored.toJson(),
        Experiment.Status.PENDING, total, 0, 0, null, clock.instant(), null, null, null);
    // the lease first: a run that exists in the store has someone answering for it
    store.retention().tryAcquireLease(lease(e.experimentId()), holder, clock.instant(), settings.evalRunLeaseTtl());
    es.create(e);
    ExperimentRun run = new ExperimentRun(this, e, stored, prepared, concurrency);
    running.put(e.experimentId(), run);
    try {
      runs.execute(run);
    } catch (java.util.concurrent.RejectedExecutionException ex) {
      running.remove(e.experimentId());
      es.update(e.progress(Experiment.Status.FAILED, 0, 0, null, null, clock.instant(), "the engine is stopping"));
      throw new EngineException(EngineException.Kind.UNAVAILABLE, "the engine is stopping; retry");
    }
    LOG.info("experiment {} started: dataset {} v{}, {} items, evaluators {}", e.experimentId(), d.datasetId(), version,
        total, prepared.names());
    return e;
  }

  /** What a definition resolves to once checked: the template and the evaluators. */
  record Prepared(PromptTemplate prompt, PromptTemplate system, List<Evaluator> evaluators) {
    List<String> names() {
      return evaluators.stream().map(ev -> ev.info().name()).toList();
    }
  }

  private Prepared prepare(ExperimentDefinition def) {
    ExperimentDefinition.Task task = def.task();
    PromptTemplate prompt = null;
    PromptTemplate system = null;
    switch (task.type()) {
      case ExperimentDefinition.Task.EXISTING -> { }
      case ExperimentDefinition.Task.PROMPT -> {
        if (task.model() == null || task.model().isBlank()) {
          throw EngineException.badRequest("task.model is required for a prompt task");
        }
        try {
          prompt = PromptTemplate.parse(task.prompt());
          system = task.system() == null || task.system().isBlank() ? null : PromptTemplate.parse(task.system());
          // the request's own checks (temperature, max tokens, top p)
          new ChatRequest(task.model().trim(), List.of(io.guardops.api.model.ChatMessage.user("x")),
              task.temperature(), task.maxTokens(), task.topP(), null, null, null);
        } catch (IllegalArgumentException e) {
          throw EngineException.badRequest("task: " + e.getMessage());
        }
        if (evaluators.model().isEmpty()) {
          throw EngineException.notImplemented("a prompt task calls a model and no model client is configured: install"
              + " the model-openai plugin and set OPENAI_API_KEY (and OPENAI_BASE_URL for another endpoint)");
        }
      }
      default -> throw EngineException.badRequest("task.type must be 'existing' or 'prompt', was '" + task.type() + "'");
    }
    if (def.evaluators().isEmpty()) {
      throw EngineException.badRequest("name at least one evaluator (get_evaluators lists them)");
    }
    if (def.evaluators().size() > MAX_EVALUATORS) {
      throw EngineException.badRequest("at most " + MAX_EVALUATORS + " evaluators per run");
    }
    List<Evaluator> list = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ExperimentDefinition.EvaluatorRun r : def.evaluators()) {
      Evaluator ev = evaluators.require(r.name());
      if (!seen.add(ev.info().name())) {
        throw EngineException.badRequest("evaluator '" + ev.info().name() + "' is listed twice");
      }
      evaluators.validate(ev, r.params());
      if (r.threshold() != null && !Double.isFinite(r.threshold())) {
        throw EngineException.badRequest("the threshold of " + ev.info().name() + " must be a number");
      }
      list.add(ev);
    }
    return new Prepared(prompt, system, List.copyOf(list));
  }

  // ---------------------------------------------------------------- reading

  /**
   * One experiment the caller may see (they may read its dataset). A run whose instance stopped is
   * marked FAILED here once its lease has expired.
   */
  public Experiment get(Caller caller, String experimentId) {
    return reap(readable(caller, experimentId));
  }

  /** The experiments on a dataset the caller may see, newest first. */
  public List<Experiment> list(Caller caller, String datasetId, int limit) {
    Dataset d = access.readableDataset(caller, datasetId).dataset();
    List<Experiment> out = new ArrayList<>();
    for (Experiment e : parts.experiments().listForDataset(d.datasetId(), Math.max(1, Math.min(limit, 1000)))) {
      out.add(reap(e));
    }
    return out;
  }

  /** The definition an experiment was started with. */
  public ExperimentDefinition definition(Experiment e) {
    return ExperimentDefinition.fromJson(e.definition());
  }

  /** A page of an experiment's results, by item id; readable while it runs. */
  public ResultPage results(Caller caller, String experimentId, String after, int limit) {
    Experiment e = readable(caller, experimentId);
    int n = Math.max(1, Math.min(limit, 1000));
    List<ExperimentResult> rs = parts.experiments().results(e.experimentId(), after == null || after.isBlank() ? null
        : after, n + 1);
    String next = null;
    if (rs.size() > n) {
      rs = rs.subList(0, n);
      next = rs.get(n - 1).itemId();
    }
    return new ResultPage(e, List.copyOf(rs), next);
  }

  /**
   * An experiment's figures per evaluator: live while it runs on this instance, else from its stored
   * results (read once per finished run, then kept).
   */
  public Summary summary(Experiment e) {
    ExperimentRun r = running.get(e.experimentId());
    if (r != null) {
      return r.summary();
    }
    if (e.status().finished()) {
      Summary cached = finishedSummaries.get(e.experimentId() + "@" + e.done());
      if (cached != null) {
        return cached;
      }
    }
    ExperimentDefinition def = definition(e);
    SummaryBuilder b = new SummaryBuilder(def);
    String after = null;
    while (true) {
      List<ExperimentResult> page = parts.experiments().results(e.experimentId(), after, Datasets.BATCH);
      page.forEach(b::add);
      if (page.size() < Datasets.BATCH) {
        break;
      }
      after = page.get(page.size() - 1).itemId();
    }
    Summary s = b.build(e.total());
    if (e.status().finished()) {
      finishedSummaries.put(e.experimentId() + "@" + e.done(), s);
    }
    return s;
  }

  /**
   * Waits until an experiment of this instance has finished (or {@code timeout} passed) and returns it
   * as stored.
   */
  public Experiment await(Caller caller, String experimentId, Duration timeout) throws InterruptedException {
    Experiment e = readable(caller, experimentId);
    ExperimentRun r = running.get(e.experimentId());
    if (r != null) {
      r.await(timeout);
    }
    return get(caller, experimentId);
  }

  // ---------------------------------------------------------------- changing

  /**
   * Cancels a run: no new item starts, items in flight finish and are stored. The experiment's owner
   * only. Cancelling a finished run changes nothing and returns it as it is.
   *
   * @throws EngineException FORBIDDEN for someone else who may read it
   */
  public Experiment cancel(Caller caller, String experimentId) {
    String user = access.userOf(caller);
    Experiment e = reap(readable(caller, experimentId));
    if (!e.ownerId().equals(user)) {
      throw EngineException.forbidden("experiment '" + e.experimentId() + "' was started by someone else: only they"
          + " may cancel it");
    }
    if (e.status().finished()) {
      return e;
    }
    Experiment cancelled = e.progress(Experiment.Status.CANCELLED, e.done(), e.failed(), e.cost(), e.startedAt(),
        clock.instant(), "cancelled by " + user);
    // in the store first, so that an instance running it elsewhere sees it at its next progress write
    parts.experiments().update(cancelled);
    ExperimentRun r = running.get(e.experimentId());
    if (r != null) {
      r.cancel();
    }
    return parts.experiments().find(e.experimentId()).orElse(cancelled);
  }

  /** Deletes every experiment of a dataset (the dataset is being deleted). */
  void deleteForDataset(String datasetId) {
    ExperimentStore es = store.experiments().orElse(null);
    if (es == null) {
      return;
    }
    while (true) {
      List<Experiment> page = es.listForDataset(datasetId, 500);
      if (page.isEmpty()) {
        return;
      }
      for (Experiment e : page) {
        ExperimentRun r = running.get(e.experimentId());
        if (r != null) {
          r.abandon();
        }
        es.delete(e.experimentId());
      }
    }
  }

  // ---------------------------------------------------------------- comparing

  /**
   * Compares two runs item by item: per evaluator, the means of both over the items both scored and
   * how many items improved, regressed or stayed; the items with the largest regressions first (at most
   * {@code limit}).
   */
  public Comparison compare(Caller caller, String experimentA, String experimentB, int limit) {
    Experiment a = get(caller, experimentA);
    Experiment b = get(caller, experimentB);
    int keep = Math.max(0, Math.min(limit, 1000));
    ExperimentStore es = parts.experiments();
    Map<String, double[]> sums = new LinkedHashMap<>(); // name -> {n, sumA, sumB, improved, regressed, unchanged}
    ExperimentDefinition defA = definition(a);
    ExperimentDefinition defB = definition(b);
    for (ExperimentDefinition.EvaluatorRun r : defA.evaluators()) {
      if (defB.evaluators().stream().anyMatch(x -> x.name().equals(r.name()))) {
        sums.put(r.name(), new double[6]);
      }
    }
    // the best rows at the head, so the queue drops them first when it is full
    PriorityQueue<ItemDelta> worst = new PriorityQueue<>(Comparator.comparingDouble(ItemDelta::worst)
        .thenComparing(ItemDelta::itemId).reversed());
    long matched = 0;
    long onlyA = 0;
    long onlyB = 0;
    Cursor ca = new Cursor(es, a.experimentId());
    Cursor cb = new Cursor(es, b.experimentId());
    while (ca.peek() != null || cb.peek() != null) {
      ExperimentResult ra = ca.peek();
      ExperimentResult rb = cb.peek();
      int cmp = ra == null ? 1 : rb == null ? -1 : ra.itemId().compareTo(rb.itemId());
      if (cmp < 0) {
        onlyA++;
        ca.next();
        continue;
      }
      if (cmp > 0) {
        onlyB++;
        cb.next();
        continue;
      }
      matched++;
      ca.next();
      cb.next();
      List<ScoreDelta> deltas = new ArrayList<>();
      double w = Double.POSITIVE_INFINITY;
      for (Map.Entry<String, double[]> m : sums.entrySet()) {
        Double va = value(ra, m.getKey());
        Double vb = value(rb, m.getKey());
        Double delta = va != null && vb != null ? vb - va : null;
        deltas.add(new ScoreDelta(m.getKey(), va, vb, delta));
        if (delta != null) {
          double[] s = m.getValue();
          s[0]++;
          s[1] += va;
          s[2] += vb;
          s[delta > 1e-9 ? 3 : delta < -1e-9 ? 4 : 5]++;
          w = Math.min(w, delta);
        } else if (va != null) {
          w = Double.NEGATIVE_INFINITY;
        }
      }
      if (keep > 0) {
        worst.add(new ItemDelta(ra.itemId(), deltas, w == Double.POSITIVE_INFINITY ? 0 : w, ra.output(), rb.output(),
            ra.error(), rb.error()));
        if (worst.size() > keep) {
          worst.poll();
        }
      }
    }
    List<MetricDelta> metrics = new ArrayList<>();
    sums.forEach((name, s) -> {
      long n = (long) s[0];
      Double meanA = n == 0 ? null : s[1] / n;
      Double meanB = n == 0 ? null : s[2] / n;
      metrics.add(new MetricDelta(name, n, meanA, meanB, n == 0 ? null : meanB - meanA, (long) s[3], (long) s[4],
          (long) s[5]));
    });
    List<ItemDelta> rows = new ArrayList<>(worst);
    rows.sort(Comparator.comparingDouble(ItemDelta::worst).thenComparing(ItemDelta::itemId));
    return new Comparison(a, b, metrics, rows, matched, onlyA, onlyB);
  }

  private static Double value(ExperimentResult r, String evaluator) {
    for (EvalScore s : r.scores()) {
      if (s.metric().equals(evaluator)) {
        return s.value() != null ? s.value() : s.label() == null ? null : s.passes(1) ? 1.0 : 0.0;
      }
    }
    return null;
  }

  /** Results of one experiment in item order, a page at a time. */
  private static final class Cursor {
    private final ExperimentStore es;
    private final String id;
    private List<ExperimentResult> page;
    private int i;

    Cursor(ExperimentStore es, String id) {
      this.es = es;
      this.id = id;
      this.page = es.results(id, null, Datasets.BATCH);
    }

    ExperimentResult peek() {
      if (i < page.size()) {
        return page.get(i);
      }
      if (page.size() < Datasets.BATCH) {
        return null;
      }
      page = es.results(id, page.get(page.size() - 1).itemId(), Datasets.BATCH);
      i = 0;
      return page.isEmpty() ? null : page.get(0);
    }

    void next() {
      i++;
    }
  }

  // ---------------------------------------------------------------- helpers for runs

  private Experiment readable(Caller caller, String experimentId) {
    access.userOf(caller);
    if (experimentId == null || experimentId.isBlank()) {
      throw EngineException.badRequest("experiment_id is required");
    }
    Experiment e = parts.experiments().find(experimentId.trim()).orElseThrow(() -> notFound(experimentId));
    try {
      access.readableDataset(caller, e.datasetId());
    } catch (EngineException notVisible) {
      if (notVisible.kind() == EngineException.Kind.NOT_FOUND) {
        throw notFound(experimentId);
      }
      throw notVisible;
    }
    return e;
  }

  private static EngineException notFound(String experimentId) {
    return EngineException.notFound("experiment '" + experimentId.trim() + "' not found");
  }

  /** Marks a run FAILED when nobody answers for it any more (its lease expired). */
  private Experiment reap(Experiment e) {
    if (e.status().finished() || running.containsKey(e.experimentId())) {
      return e;
    }
    String reaper = "reaper-" + holder;
    String name = lease(e.experimentId());
    if (!store.retention().tryAcquireLease(name, reaper, clock.instant(), settings.evalRunLeaseTtl())) {
      return e; // another instance is running it
    }
    try {
      Experiment current = parts.experiments().find(e.experimentId()).orElse(e);
      if (current.status().finished()) {
        return current;
      }
      Experiment failed = current.progress(Experiment.Status.FAILED, current.done(), current.failed(), current.cost(),
          current.startedAt(), clock.instant(), "the GuardOps instance running this experiment stopped (a restart or"
              + " a crash) before it finished, after " + current.done() + " of " + current.total() + " items; start"
              + " it again");
      parts.experiments().update(failed);
      LOG.warn("experiment {} was orphaned (its instance stopped): marked failed", e.experimentId());
      return failed;
    } finally {
      store.retention().releaseLease(name, reaper);
    }
  }

  // the run's view of the engine
  Store store() {
    return store;
  }

  StoreParts parts() {
    return parts;
  }

  Datasets datasets() {
    return datasets;
  }

  Evaluators evaluators() {
    return evaluators;
  }

  Pricing pricing() {
    return pricing;
  }

  Clock clock() {
    return clock;
  }

  Settings settings() {
    return settings;
  }

  ExecutorService workers() {
    return workers;
  }

  String holder() {
    return holder;
  }

  void finished(ExperimentRun run) {
    running.remove(run.id());
    try {
      store.retention().releaseLease(lease(run.id()), holder);
    } catch (RuntimeException e) {
      LOG.warn("could not release the lease of experiment {} (it expires by itself): {}", run.id(), e.toString());
    }
  }

  /** Adds up scores into per-evaluator figures. Not thread-safe: callers synchronise. */
  static final class SummaryBuilder {
    private final List<ExperimentDefinition.EvaluatorRun> runs;
    private final Map<String, double[]> acc = new LinkedHashMap<>(); // name -> {scored, sum of values, valued, passed}

    SummaryBuilder(ExperimentDefinition def) {
      this.runs = def.evaluators();
      runs.forEach(r -> acc.put(r.name(), new double[4]));
    }

    void add(ExperimentResult r) {
      for (ExperimentDefinition.EvaluatorRun run : runs) {
        for (EvalScore s : r.scores()) {
          if (s.metric().equals(run.name())) {
            double[] a = acc.get(run.name());
            a[0]++;
            if (s.value() != null) {
              a[1] += s.value();
              a[2]++;
            }
            if (run.threshold() != null && s.passes(run.threshold())) {
              a[3]++;
            }
            break;
          }
        }
      }
    }

    Summary build(long total) {
      List<EvaluatorSummary> out = new ArrayList<>();
      boolean allMet = true;
      for (ExperimentDefinition.EvaluatorRun run : runs) {
        double[] a = acc.get(run.name());
        long scored = (long) a[0];
        Double mean = a[2] == 0 ? null : a[1] / a[2];
        Boolean met = null;
        if (run.threshold() != null) {
          met = total > 0 && scored == total && mean != null && mean >= run.threshold();
          allMet &= met;
        }
        out.add(new EvaluatorSummary(run.name(), scored, mean, run.threshold(), (long) a[3], met));
      }
      return new Summary(List.copyOf(out), allMet);
    }
  }
}
