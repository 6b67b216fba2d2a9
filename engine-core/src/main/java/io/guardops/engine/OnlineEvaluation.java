package io.guardops.engine;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.eval.EvaluatorInfo;
import io.guardops.api.eval.OnlineRule;
import io.guardops.api.eval.TraceScore;
import io.guardops.api.model.ModelClient;
import io.guardops.api.store.Store;
import io.guardops.engine.eval.Sampling;
import io.guardops.engine.eval.TracedModelClient;
import io.guardops.engine.internal.IdGenerator;
import io.guardops.engine.internal.Settings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online evaluation: per project rules (an evaluator, its parameters and a sample rate) that score
 * incoming model calls in the background and store the verdicts as trace scores (source
 * {@code online:<evaluator>}).
 *
 * <p>Ingestion hands every batch over <em>after</em> it is durably written ({@link #offer}); this
 * never blocks and never slows it: the rules are an in-memory map (re-read from the store every
 * {@code guardops.eval.online.refresh}, and at once after a change on this instance), sampling is a
 * hash of the trace id against the rule's rate (so all spans of a trace, on every instance, get the
 * same answer), and a sampled call goes into a bounded queue, dropped and counted when it is full.
 * A model call is a span with an output that is not an aggregate (an agent span repeating its
 * children's usage); spans the evaluation machinery wrote itself are never scored. Worker threads
 * score the queue; a judge failure is logged and counted, not retried (the model client already
 * retried it). Judge calls are traced into the project as their own traces, marked so they are not
 * sampled again.
 *
 * <p>Rules are managed by the project's owner; its members may list them. Thread-safe. Obtain
 * from {@link Engine#onlineEvaluation()}.
 */
@Singleton
public final class OnlineEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(OnlineEvaluation.class);
  /** Most rules one project may have. */
  public static final int MAX_RULES_PER_PROJECT = 20;

  private final Store store;
  private final StoreParts parts;
  private final Access access;
  private final Evaluators evaluators;
  private final Clock clock;
  private final IdGenerator ids;
  private final boolean enabled;
  private final BlockingQueue<Job> queue;
  private final int threads;
  private final java.time.Duration refresh;
  private volatile Map<String, List<OnlineRule>> rules = Map.of();
  private final LongAdder sampled = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder scored = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final List<Thread> workers = new ArrayList<>();
  private volatile ScheduledFuture<?> refreshing;
  private volatile boolean stopped;

  /** Counters since start-up. */
  public record Stats(boolean enabled, int rules, long sampled, long dropped, long scored, long failed, int queued) {}

  private record Job(OnlineRule rule, Span span) {}

  @Inject
  OnlineEvaluation(Store store, StoreParts parts, Access access, Evaluators evaluators, Clock clock, IdGenerator ids,
      Settings settings) {
    this.store = store;
    this.parts = parts;
    this.access = access;
    this.evaluators = evaluators;
    this.clock = clock;
    this.ids = ids;
    this.enabled = settings.onlineEnabled();
    this.queue = new ArrayBlockingQueue<>(settings.onlineQueueSize());
    this.threads = settings.onlineThreads();
    this.refresh = settings.onlineRefresh();
  }

  // ---------------------------------------------------------------- lifecycle

  /** Loads the rules, schedules their refresh and starts the workers. Called by the engine. */
  synchronized void start(ScheduledExecutorService scheduler) {
    if (!enabled || store.evaluations().isEmpty() || store.scores().isEmpty() || refreshing != null) {
      if (enabled && (store.evaluations().isEmpty() || store.scores().isEmpty())) {
        LOG.info("online evaluation is off: the store keeps no evaluation rules or scores");
      }
      return;
    }
    reload();
    refreshing = scheduler.scheduleWithFixedDelay(this::reloadQuietly, refresh.toMillis(), refresh.toMillis(),
        TimeUnit.MILLISECONDS);
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::work, "guardops-online-eval-" + (i + 1));
      t.setDaemon(true);
      t.start();
      workers.add(t);
    }
  }

  /** Stops the workers; what is still queued is dropped. */
  synchronized void close() {
    stopped = true;
    if (refreshing != null) {
      refreshing.cancel(false);
    }
    workers.forEach(Thread::interrupt);
    for (Thread t : workers) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.warn("could not re-read the online evaluation rules (keeping the previous ones): {}", e.toString());
    }
  }

  /** Re-reads every enabled rule from the store. */
  void reload() {
    Map<String, List<OnlineRule>> byProject = new HashMap<>();
    store.evaluations().ifPresent(es -> {
      for (OnlineRule r : es.enabledRules()) {
        byProject.computeIfAbsent(r.projectId(), p -> new ArrayList<>()).add(r);
      }
    });
    byProject.replaceAll((k, v) -> List.copyOf(v));
    rules = Map.copyOf(byProject);
  }

  public Stats stats() {
    int n = 0;
    for (List<OnlineRule> l : rules.values()) {
      n += l.size();
    }
    return new Stats(enabled && refreshing != null, n, sampled.sum(), dropped.sum(), scored.sum(), failures.sum(),
        queue.size());
  }

  // ---------------------------------------------------------------- the ingest hook

  /**
   * Samples a durably written batch for the projects' rules and queues what is sampled. Never
   * blocks and never throws.
   */
  void offer(List<Span> spans) {
    Map<String, List<OnlineRule>> current = rules;
    if (current.isEmpty() || stopped) {
      return;
    }
    try {
      for (Span s : spans) {
        List<OnlineRule> rs = current.get(s.projectId());
        if (rs == null || !isModelCall(s)) {
          continue;
        }
        for (OnlineRule r : rs) {
          if (Sampling.sampled(s.traceId(), r.sampleRate())) {
            sampled.increment();
            if (!queue.offer(new Job(r, s))) {
              dropped.increment();
            }
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("online evaluation could not sample a batch: {}", e.toString());
    }
  }

  /** A model call with an output, not an aggregate, and not written by evaluation itself. */
  static boolean isModelCall(Span s) {
    LlmFields l = s.llm();
    return l.output() != null && !l.usageIsAggregate() && !s.attributes().containsKey(TracedModelClient.SOURCE_ATTRIBUTE);
  }

  private void work() {
    while (!stopped) {
      Job job;
      try {
        job = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        score(job);
      } catch (RuntimeException e) {
        failures.increment();
        String key = job.rule().ruleId() + ":" + e.getClass().getName();
        if (warned.add(key) || LOG.isDebugEnabled()) {
          LOG.warn("online evaluation rule {} ({}) failed on trace {} of project {}: {}; later failures of this"
              + " kind are counted, not logged", job.rule().ruleId(), job.rule().evaluator(), job.span().traceId(),
              job.rule().projectId(), e.getMessage());
        }
      }
    }
  }

  private void score(Job job) {
    OnlineRule rule = job.rule();
    Span span = job.span();
    Evaluator ev = evaluators.require(rule.evaluator());
    TracedModelClient traced = ev.info().usesModel()
        ? evaluators.traced(TracedModelClient.Target.newTrace(rule.projectId(), Map.of(
            TracedModelClient.SOURCE_ATTRIBUTE, "online:" + rule.evaluator(), "guardops.eval.rule_id", rule.ruleId(),
            "guardops.eval.scored_trace_id", span.traceId())))
        : null;
    LlmFields l = span.llm();
    EvalItem item = new EvalItem(l.prompt(), l.output(), null, List.of(), Map.of(),
        new EvalItem.TraceFacts(span.traceId(), span.spanId(), l.model(), span.durationNanos(), l.inputTokens(),
            l.outputTokens(), l.cost()));
    EvalScore s;
    String error = null;
    try {
      s = evaluators.evaluate(ev, item, rule.parameters(), evaluators.context(Optional.<ModelClient>ofNullable(traced)));
    } catch (RuntimeException e) {
      error = e.getMessage();
      throw e;
    } finally {
      if (traced != null) {
        traced.writeRoot("online evaluation " + rule.evaluator(), Map.of(), l.output(), null, error);
      }
    }
    long traceStart = store.spans().findTrace(span.projectId(), span.traceId())
        .map(io.guardops.api.TraceSummary::startEpochNanos).orElse(span.startEpochNanos());
    String comment = s.explanation().length() > 10_000 ? s.explanation().substring(0, 10_000) : s.explanation();
    parts.scores().put(new TraceScore(ids.newId(), span.projectId(), span.traceId(), traceStart, span.spanId(),
        rule.evaluator(), s.value(), s.label(), comment, "online:" + rule.evaluator(), rule.createdBy(),
        clock.instant()));
    scored.increment();
  }

  // ---------------------------------------------------------------- rules

  /** The rules of a project the caller may read. */
  public List<OnlineRule> list(Caller caller, String projectId) {
    String project = access.readable(caller, projectId).project().projectId();
    return parts.evaluations().rules(project);
  }

  /**
   * Adds a rule to one of the caller's projects.
   *
   * @throws EngineException NOT_FOUND for an unknown evaluator, BAD_REQUEST for bad parameters, a rate
   *     outside (0, 1] or an evaluator that needs an expected answer or context (an incoming call has
   *     neither), FORBIDDEN for a member
   */
  public OnlineRule create(Caller caller, String projectId, String evaluator, Map<String, String> params,
      double sampleRate, boolean on) {
    String user = access.userOf(caller);
    String project = access.owned(caller, projectId).projectId();
    parts.scores();
    Evaluator ev = checked(evaluator, params);
    if (parts.evaluations().rules(project).size() >= MAX_RULES_PER_PROJECT) {
      throw EngineException.badRequest("a project has at most " + MAX_RULES_PER_PROJECT + " online rules");
    }
    OnlineRule rule = rule(() -> new OnlineRule(ids.newId(), project, ev.info().name(), params, sampleRate, on, user,
        clock.instant()));
    parts.evaluations().putRule(rule);
    reloadQuietly();
    return rule;
  }

  /**
   * Changes a rule of one of the caller's projects; null keeps a field.
   *
   * @throws EngineException NOT_FOUND for an unknown rule
   */
  public OnlineRule update(Caller caller, String projectId, String ruleId, Map<String, String> params,
      Double sampleRate, Boolean on) {
    String project = access.owned(caller, projectId).projectId();
    OnlineRule old = find(project, ruleId);
    Map<String, String> p = params == null ? old.parameters() : params;
    checked(old.evaluator(), p);
    OnlineRule rule = rule(() -> new OnlineRule(old.ruleId(), project, old.evaluator(), p,
        sampleRate == null ? old.sampleRate() : sampleRate, on == null ? old.enabled() : on, old.createdBy(),
        old.createdAt()));
    parts.evaluations().putRule(rule);
    reloadQuietly();
    return rule;
  }

  /** Deletes a rule of one of the caller's projects. */
  public void delete(Caller caller, String projectId, String ruleId) {
    String project = access.owned(caller, projectId).projectId();
    if (ruleId == null || ruleId.isBlank() || !parts.evaluations().deleteRule(project, ruleId.trim())) {
      throw EngineException.notFound("project '" + project + "' has no online rule '" + ruleId + "'");
    }
    reloadQuietly();
  }

  private OnlineRule find(String project, String ruleId) {
    if (ruleId == null || ruleId.isBlank()) {
      throw EngineException.badRequest("rule_id is required");
    }
    return parts.evaluations().rules(project).stream().filter(r -> r.ruleId().equals(ruleId.trim())).findFirst()
        .orElseThrow(() -> EngineException.notFound("project '" + project + "' has no online rule '" + ruleId + "'"));
  }

  private Evaluator checked(String evaluator, Map<String, String> params) {
    Evaluator ev = evaluators.require(evaluator);
    EvaluatorInfo info = ev.info();
    if (info.needsExpected() || info.needsContext()) {
      throw EngineException.badRequest(info.name() + " needs " + (info.needsExpected() ? "an expected answer"
          : "grounding context") + ", which an incoming model call does not have: use it in an experiment on a dataset");
    }
    evaluators.validate(ev, params);
    return ev;
  }

  private static OnlineRule rule(java.util.function.Supplier<OnlineRule> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
  }
}
