package io.guardops.engine;

import io.guardops.api.Attributes;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.model.ChatMessage;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.model.ChatResponse;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelException;
import io.guardops.api.store.ExperimentStore;
import io.guardops.engine.eval.PromptTemplate;
import io.guardops.engine.eval.TracedModelClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an experiment on this instance: reads the dataset version a page at a time, scores up
 * to {@code concurrency} items at once on the engine's worker threads, stores each item's result as
 * it finishes and the run's progress (done, failed, cost) as it goes. It stops early when cancelled
 * (in the store, by any instance), when the engine stops, or when the first
 * {@code guardops.eval.abort-after-failures} items all failed (a model endpoint refusing every call).
 */
final class ExperimentRun implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ExperimentRun.class);
  /** Progress is written at most this often while items finish (and always at the end). */
  private static final long PERSIST_EVERY_NANOS = 250_000_000L;

  private final Experiments owner;
  private final Experiment initial;
  private final ExperimentDefinition def;
  private final Experiments.Prepared prepared;
  private final int concurrency;
  private final Semaphore permits;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final int abortAfter;
  private volatile boolean cancelled;
  private volatile boolean abandoned;

  private final Object lock = new Object();
  // guarded by lock
  private final Experiments.SummaryBuilder summary;
  private long done;
  private long failed;
  private long succeeded;
  private double cost;
  private boolean priced;
  private Instant startedAt;
  private long lastPersist;
  private String abortError;

  ExperimentRun(Experiments owner, Experiment experiment, ExperimentDefinition def, Experiments.Prepared prepared,
      int concurrency) {
    this.owner = owner;
    this.initial = experiment;
    this.def = def;
    this.prepared = prepared;
    this.concurrency = concurrency;
    this.permits = new Semaphore(concurrency);
    this.summary = new Experiments.SummaryBuilder(def);
    this.abortAfter = owner.settings().evalAbortAfterFailures();
  }

  String id() {
    return initial.experimentId();
  }

  /** Stops starting items; the final status is CANCELLED. */
  void cancel() {
    cancelled = true;
  }

  /** Stops without writing a final status (the engine stops, the run was deleted or another instance took over). */
  void abandon() {
    abandoned = true;
    cancelled = true;
  }

  /**
   * Records that this instance stopped the run before it finished (a shutdown): FAILED with the
   * counts so far, unless it had finished or was cancelled.
   */
  void stoppedByShutdown() {
    synchronized (lock) {
      ExperimentStore es = owner.parts().experiments();
      Experiment stored = es.find(id()).orElse(null);
      if (stored == null || stored.status().finished()) {
        return;
      }
      es.update(stored.progress(Experiment.Status.FAILED, done, failed, priced ? cost : null, startedAt,
          owner.clock().instant(), "the GuardOps instance running this experiment was stopped before it finished,"
              + " after " + done + " of " + initial.total() + " items; start it again"));
    }
  }

  void await(Duration timeout) throws InterruptedException {
    finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  Experiments.Summary summary() {
    synchronized (lock) {
      return summary.build(initial.total());
    }
  }

  private boolean stopping() {
    return cancelled || abandoned || abortError != null;
  }

  @Override
  public void run() {
    try {
      if (abandoned) {
        return;
      }
      synchronized (lock) {
        startedAt = owner.clock().instant();
        persist(Experiment.Status.RUNNING, false);
      }
      Iterator<DatasetItem> items = owner.datasets().iterate(initial.datasetId(), initial.datasetVersion());
      while (!stopping() && items.hasNext()) {
        DatasetItem item = items.next();
        permits.acquire();
        if (stopping()) {
          permits.release();
          break;
        }
        try {
          owner.workers().execute(() -> {
            try {
              process(item);
            } finally {
              permits.release();
            }
          });
        } catch (RejectedExecutionException e) {
          permits.release();
          abandoned = true;
        }
      }
      // wait for the items in flight
      permits.acquire(concurrency);
      permits.release(concurrency);
      if (!abandoned) {
        synchronized (lock) {
          Experiment.Status end = abortError != null ? Experiment.Status.FAILED
              : cancelled ? Experiment.Status.CANCELLED : Experiment.Status.SUCCEEDED;
          persist(end, true);
        }
        LOG.info("experiment {} finished: {} of {} items, {} failed", id(), done, initial.total(), failed);
      }
    } catch (InterruptedException e) {
      abandoned = true;
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("experiment {} failed: {}", id(), e.toString(), e);
      try {
        synchronized (lock) {
          abortError = "the run failed: " + e.getMessage();
          persist(Experiment.Status.FAILED, true);
        }
      } catch (RuntimeException again) {
        LOG.error("could not record the failure of experiment {}: {}", id(), again.toString());
      }
    } finally {
      owner.finished(this);
      finished.countDown();
    }
  }

  /** Scores one item and records it; never throws (a failing item is a failed result). */
  private void process(DatasetItem item) {
    ExperimentResult r;
    try {
      r = score(item);
    } catch (RuntimeException e) {
      LOG.warn("experiment {} item {} failed unexpectedly: {}", id(), item.itemId(), e.toString(), e);
      r = new ExperimentResult(id(), item.itemId(), null, null, null, null, null, null, List.of(), e.toString());
    }
    try {
      owner.parts().experiments().putResults(List.of(r));
    } catch (RuntimeException e) {
      LOG.error("experiment {} could not store the result of item {}: {}", id(), item.itemId(), e.toString());
      r = new ExperimentResult(id(), item.itemId(), r.output(), r.latencyNanos(), r.inputTokens(), r.outputTokens(),
          r.cost(), r.traceId(), List.of(), "the result could not be stored: " + e.getMessage());
    }
    synchronized (lock) {
      done++;
      if (r.failed()) {
        failed++;
      } else {
        succeeded++;
      }
      if (r.cost() != null) {
        cost += r.cost();
        priced = true;
      }
      summary.add(r);
      if (abortAfter > 0 && succeeded == 0 && failed >= abortAfter && abortError == null) {
        abortError = "stopped after the first " + failed + " items all failed; the last error: " + r.error();
      }
      long now = System.nanoTime();
      if (now - lastPersist >= PERSIST_EVERY_NANOS && !abandoned) {
        lastPersist = now;
        try {
          persist(Experiment.Status.RUNNING, false);
        } catch (RuntimeException e) {
          LOG.warn("could not record the progress of experiment {}: {}", id(), e.toString());
        }
      }
    }
  }

  /**
   * Writes progress. A run cancelled in the store (from any instance) stays cancelled, with its
   * counts updated; a run another instance marked failed (its lease expired) is abandoned here.
   */
  private void persist(Experiment.Status status, boolean last) {
    ExperimentStore es = owner.parts().experiments();
    Experiment stored = es.find(id()).orElse(null);
    if (stored == null) {
      abandoned = true; // deleted with its dataset
      return;
    }
    Experiment.Status s = status;
    String error = last ? abortError : null;
    Instant finishedAt = last ? owner.clock().instant() : null;
    if (stored.status() == Experiment.Status.CANCELLED) {
      cancelled = true;
      s = Experiment.Status.CANCELLED;
      error = stored.error();
      finishedAt = stored.finishedAt();
    } else if (stored.status().finished()) {
      abandoned = true;
      return;
    }
    es.update(stored.progress(s, done, failed, priced ? cost : null, startedAt, finishedAt, error));
  }

  /** Thrown inside {@link #score} for a failure that ends the item. */
  private static final class ItemFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ItemFailure(String message) {
      super(message, null, false, false);
    }
  }

  private ExperimentResult score(DatasetItem item) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put(TracedModelClient.SOURCE_ATTRIBUTE, "experiment:" + id());
    attrs.put("guardops.experiment.id", id());
    attrs.put("guardops.dataset.id", initial.datasetId());
    attrs.put("guardops.dataset.item_id", item.itemId());
    TracedModelClient traced = owner.evaluators().traced(
        TracedModelClient.Target.newTrace(initial.projectId(), attrs));
    EvalContext context = owner.evaluators().context(Optional.<ModelClient>ofNullable(traced));
    String output = null;
    Long latency = null;
    Long in = null;
    Long out = null;
    List<EvalScore> scores = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try {
      EvalItem.TraceFacts facts;
      if (def.task().usesModel()) {
        ChatResponse resp = task(item, traced);
        output = resp.content();
        latency = resp.latencyNanos();
        in = resp.inputTokens();
        out = resp.outputTokens();
        Double taskCost = TracedModelClient.price(owner.pricing().table(), resp.model() != null ? resp.model()
            : def.task().model(), in, out);
        facts = new EvalItem.TraceFacts(traced.traceId(), null, resp.model(), latency, in, out, taskCost);
      } else {
        if (item.output() == null) {
          throw new ItemFailure("the item has no output to score: give it one, or run a prompt task");
        }
        output = item.output();
        facts = existingFacts(item);
        latency = facts.latencyNanos();
        in = facts.inputTokens();
        out = facts.outputTokens();
      }
      EvalItem evalItem = new EvalItem(item.input(), output, item.expected(), item.context(), item.metadata(), facts);
      List<Evaluator> evs = prepared.evaluators();
      for (int i = 0; i < evs.size(); i++) {
        Evaluator ev = evs.get(i);
        ExperimentDefinition.EvaluatorRun run = def.evaluators().get(i);
        try {
          scores.add(named(run.name(), owner.evaluators().priced(
              owner.evaluators().evaluate(ev, evalItem, run.params(), context))));
        } catch (EngineException e) {
          errors.add(run.name() + ": " + e.getMessage());
        } catch (RuntimeException e) {
          // a broken evaluator fails the item, not the run
          errors.add(run.name() + ": " + e);
        }
      }
    } catch (ItemFailure e) {
      errors.add(e.getMessage());
    }
    String error = errors.isEmpty() ? null : String.join("; ", errors);
    Double itemCost = traced == null ? null : traced.cost();
    String traceId = null;
    if (traced != null) {
      Map<String, Object> rootAttrs = new LinkedHashMap<>();
      rootAttrs.put("guardops.experiment.name", initial.name());
      if (traced.writeRoot("experiment item " + item.itemId(), rootAttrs, item.input(), output, error)) {
        traceId = traced.traceId();
      }
    }
    return new ExperimentResult(id(), item.itemId(), output, latency, in, out, itemCost, traceId, scores, error);
  }

  private ChatResponse task(DatasetItem item, TracedModelClient traced) {
    Map<String, String> vars = PromptTemplate.variables(item);
    List<ChatMessage> messages = new ArrayList<>(2);
    try {
      if (prepared.system() != null) {
        messages.add(ChatMessage.system(prepared.system().render(vars)));
      }
      messages.add(ChatMessage.user(prepared.prompt().render(vars)));
    } catch (IllegalArgumentException e) {
      throw new ItemFailure("task: " + e.getMessage());
    }
    ExperimentDefinition.Task t = def.task();
    try {
      return traced.chat(new ChatRequest(t.model().trim(), messages, t.temperature(), t.maxTokens(), t.topP(), null,
          null, null));
    } catch (ModelException e) {
      throw new ItemFailure(Evaluators.modelFailure("task", e).getMessage());
    }
  }

  /** What an existing output's item says about the call that produced it (from a trace's snapshot). */
  static EvalItem.TraceFacts existingFacts(DatasetItem item) {
    Map<String, Object> m = item.metadata();
    Double ms = Attributes.asDouble(m.get("duration_ms"));
    if (ms == null) {
      ms = Attributes.asDouble(m.get("latency_ms"));
    }
    Object model = m.get("model");
    return new EvalItem.TraceFacts(item.sourceTraceId(), item.sourceSpanId(), model == null ? null : model.toString(),
        ms == null ? null : (long) (ms * 1_000_000), Attributes.asLong(m.get("input_tokens")),
        Attributes.asLong(m.get("output_tokens")), Attributes.asDouble(m.get("cost")));
  }

  /** The score under the evaluator's name as the run lists it (an evaluator may name its metric otherwise). */
  private static EvalScore named(String name, EvalScore s) {
    if (s.metric().equals(name)) {
      return s;
    }
    Map<String, Object> details = new LinkedHashMap<>(s.details());
    details.put("metric", s.metric());
    return new EvalScore(name, s.value(), s.label(), s.explanation(), s.usage(), details);
  }
}
