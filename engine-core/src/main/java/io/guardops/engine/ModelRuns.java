package io.guardops.engine;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.model.ChatListener;
import io.guardops.api.model.ChatMessage;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.model.ChatResponse;
import io.guardops.api.model.ModelException;
import io.guardops.engine.eval.TracedModelClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.inject.Inject;
import javax.inject.Provider;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the model calls of a playground run or an arena match: one or more models on the same messages,
 * side by side (each on its own thread when there are several), streaming each answer's deltas to a
 * listener tagged with the model's slot, and recording each call as a trace of the run's project through
 * the engine's ingestion: a root span that carries the prompt, the output, the model, the tokens and the
 * cost (as an aggregate, so the trace's cost is counted once) over the model call's own span with its
 * GenAI attributes ({@link TracedModelClient}). Calls are priced with the caller's registered prices.
 *
 * <p>At most {@code guardops.playground.max-concurrent-calls} calls run at once on an instance; a run
 * that would exceed it is refused with 503 before any call starts. Thread-safe.
 */
@Singleton
public final class ModelRuns implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRuns.class);

  /** One model of a run: its place, how replies name it, and the resolved model (hidden in the arena). */
  public record Slot(int index, String label, String modelId, String model) {}

  /**
   * What one model gave: its output and usage, cost and latency, the trace that records the call, or the
   * error (an {@link EngineException} as the gateway would say it: 502, 503 or 504).
   */
  public record Result(int index, String label, String modelId, String model, String output, String finishReason,
      Long inputTokens, Long outputTokens, Double cost, long latencyNanos, String traceId, EngineException error) {
    public boolean ok() {
      return error == null;
    }

    public Long totalTokens() {
      return inputTokens == null && outputTokens == null ? null
          : (inputTokens == null ? 0 : inputTokens) + (outputTokens == null ? 0 : outputTokens);
    }
  }

  /** Hears a run: deltas as they arrive (when streaming) and each model's result; called from several threads. */
  public interface Listener {
    void onDelta(Slot slot, String text);

    void onResult(Slot slot, Result result);
  }

  /**
   * A checked, ready run: who runs it, where its traces go, and its calls. Obtain from
   * {@link Playgrounds#prepare} or {@link Arena#start}; run with their {@code run}.
   */
  public static final class Prepared {
    private final String id;
    private final String userId;
    private final String projectId;
    private final List<Slot> slots;
    private final List<Call> calls;
    private final Map<String, Object> attributes;
    private final String rootName;
    private final Consumer<List<Result>> after;

    Prepared(String id, String userId, String projectId, List<Call> calls, Map<String, Object> attributes,
        String rootName, Consumer<List<Result>> after) {
      this.id = id;
      this.userId = userId;
      this.projectId = projectId;
      this.calls = List.copyOf(calls);
      List<Slot> s = new ArrayList<>();
      calls.forEach(c -> s.add(c.slot()));
      this.slots = List.copyOf(s);
      this.attributes = Map.copyOf(attributes);
      this.rootName = rootName;
      this.after = after;
    }

    /** The playground's or the match's id. */
    public String id() {
      return id;
    }

    /** Where the run's traces go. */
    public String projectId() {
      return projectId;
    }

    public List<Slot> slots() {
      return slots;
    }
  }

  /** One call: its slot, model and request (without the endpoint: the model's). */
  record Call(Slot slot, Models.Resolved model, ChatRequest request) {
    Call {
      Objects.requireNonNull(slot, "slot");
    }
  }

  private final Models models;
  private final Access access;
  private final Projects projects;
  private final UserPricing pricing;
  private final Provider<Ingest> ingest;
  private final Clock clock;
  private final Semaphore permits;
  private final int maxCalls;
  private final ExecutorService pool;

  @Inject
  ModelRuns(Models models, Access access, Projects projects, UserPricing pricing, Provider<Ingest> ingest, Clock clock,
      FeatureSettings settings) {
    this.models = models;
    this.access = access;
    this.projects = projects;
    this.pricing = pricing;
    this.ingest = ingest;
    this.clock = clock;
    this.maxCalls = settings.maxConcurrentCalls();
    this.permits = new Semaphore(maxCalls);
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "guardops-model-run-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs every call of {@code run} (at once when there are several) and returns their results in slot
   * order, after the run's own bookkeeping (a playground's traces and history, a match's answers).
   * Deltas reach {@code listener} only when {@code stream} is set. Model failures are results, not
   * exceptions.
   *
   * @throws EngineException UNAVAILABLE when too many model calls are running on this instance
   */
  List<Result> run(Prepared run, boolean stream, Listener listener) {
    int n = run.calls.size();
    if (!permits.tryAcquire(n)) {
      throw new EngineException(EngineException.Kind.UNAVAILABLE, "too many playground and arena model calls are"
          + " running on this server (guardops.playground.max-concurrent-calls=" + maxCalls + "); retry shortly");
    }
    try {
      Result[] results = new Result[n];
      if (n == 1) {
        results[0] = call(run, run.calls.get(0), stream, listener);
      } else {
        List<CompletableFuture<Void>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          int k = i;
          try {
            futures.add(CompletableFuture.runAsync(() -> results[k] = call(run, run.calls.get(k), stream, listener),
                pool));
          } catch (RejectedExecutionException e) {
            throw new EngineException(EngineException.Kind.UNAVAILABLE, "the engine is stopping; retry");
          }
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
      }
      List<Result> out = List.of(results);
      try {
        run.after.accept(out);
      } catch (RuntimeException e) {
        // the answers were given and traced; only the bookkeeping failed
        LOG.warn("could not record run {} after its model calls: {}", run.id, e.toString());
      }
      return out;
    } finally {
      permits.release(n);
    }
  }

  private Result call(Prepared run, Call call, boolean stream, Listener listener) {
    Slot slot = call.slot();
    Map<String, Object> attrs = new LinkedHashMap<>(run.attributes);
    attrs.put("guardops.model.id", call.model().model().modelId());
    TracedModelClient.Target target = TracedModelClient.Target.newTrace(run.projectId, attrs);
    TracedModelClient traced = new TracedModelClient(models.client(), spans -> ingest.get().spans(spans),
        pricing.table(run.userId), clock, target);
    ChatRequest request = call.request().withEndpoint(call.model().endpoint());
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    ChatResponse response = null;
    ModelException failure = null;
    if (stream) {
      ChatResponse[] done = new ChatResponse[1];
      ModelException[] failed = new ModelException[1];
      traced.stream(request, new ChatListener() {
        @Override
        public void onDelta(String text) {
          try {
            listener.onDelta(slot, text);
          } catch (RuntimeException e) {
            // a listener that cannot deliver (the client went away) never stops the call: it is paid for
            LOG.debug("delta of run {} not delivered: {}", run.id, e.toString());
          }
        }

        @Override
        public void onComplete(ChatResponse r) {
          done[0] = r;
        }

        @Override
        public void onError(ModelException error) {
          failed[0] = error;
        }
      });
      response = done[0];
      failure = failed[0];
    } else {
      try {
        response = traced.chat(request);
      } catch (ModelException e) {
        failure = e;
      }
    }
    long latency = response != null ? response.latencyNanos() : System.nanoTime() - t0;
    String model = call.model().model().name();
    EngineException error = failure == null ? null
        : Evaluators.modelFailure(model, failure);
    writeRoot(run, call, target, started, latency, response, traced.cost(), error);
    Result result = new Result(slot.index(), slot.label(), call.model().model().modelId(), model,
        response == null ? null : response.content(), response == null ? null : response.finishReason(),
        response == null ? null : response.inputTokens(), response == null ? null : response.outputTokens(),
        traced.cost(), latency, target.traceId(), error);
    try {
      listener.onResult(slot, result);
    } catch (RuntimeException e) {
      LOG.debug("result of run {} not delivered: {}", run.id, e.toString());
    }
    return result;
  }

  /** The trace's root: what the trace list shows (prompt, output, model, tokens, cost as an aggregate). */
  private void writeRoot(Prepared run, Call call, TracedModelClient.Target target, Instant started, long latency,
      ChatResponse response, Double cost, EngineException error) {
    long start = started.getEpochSecond() * 1_000_000_000L + started.getNano();
    Map<String, Object> attrs = new LinkedHashMap<>(target.attributes());
    attrs.put("gen_ai.request.model", call.request().model());
    LlmFields.Builder llm = LlmFields.builder().operation("chat").requestModel(call.request().model())
        .prompt(prompt(call.request().messages())).usageIsAggregate(true);
    if (response != null) {
      llm.responseModel(response.model()).inputTokens(response.inputTokens()).outputTokens(response.outputTokens())
          .output(response.content());
      if (cost != null) {
        llm.cost(cost).currency("USD");
      }
    }
    try {
      ingest.get().spans(List.of(Span.builder().projectId(target.projectId()).traceId(target.traceId())
          .spanId(target.rootSpanId()).name(run.rootName).kind(SpanKind.INTERNAL).startEpochNanos(start)
          .endEpochNanos(start + Math.max(0, latency)).status(error == null ? StatusCode.OK : StatusCode.ERROR)
          .statusMessage(error == null ? null : error.getMessage()).attributes(attrs).llm(llm.build()).build()));
    } catch (RuntimeException e) {
      LOG.warn("could not record the trace of run {} in project {}: {}", run.id, target.projectId(), e.toString());
    }
  }

  /**
   * The project a user's runs trace into: the one named, if they may send traces to it, else their
   * Default Project.
   *
   * @throws EngineException NOT_FOUND for a project they may not send to, BAD_REQUEST when none is named
   *     and they have no Default Project
   */
  String project(String userId, String projectId) {
    if (projectId != null && !projectId.isBlank()) {
      String p = projectId.trim();
      if (!access.mayWrite(userId, p)) {
        throw EngineException.notFound("project '" + p + "' not found");
      }
      return p;
    }
    return projects.defaultProject(userId).map(io.guardops.api.Project::projectId).orElseThrow(() ->
        EngineException.badRequest("name the project_id to trace the model calls into (you have no Default Project)"));
  }

  /** The messages' contents one per line, as the GuardOps library joins a prompt. */
  static String prompt(List<ChatMessage> messages) {
    if (messages.size() == 1) {
      return messages.get(0).content();
    }
    List<String> parts = new ArrayList<>(messages.size());
    messages.forEach(m -> parts.add(m.content()));
    return String.join("\n", parts);
  }

  /** Stops the threads of side-by-side calls; running calls end with the engine's model client. */
  @Override
  public void close() {
    pool.shutdownNow();
  }
}
