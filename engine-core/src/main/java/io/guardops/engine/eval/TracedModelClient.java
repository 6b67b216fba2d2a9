package io.guardops.engine.eval;

import io.guardops.api.Health;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.model.ChatListener;
import io.guardops.api.model.ChatMessage;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.model.ChatResponse;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelException;
import io.guardops.engine.pricing.PriceTable;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model client that records every call it makes as a span of one trace in a project (through the
 * engine's ingestion, so it shows with its cost among the project's traces like any other model call)
 * and adds up the calls' tokens and cost, priced with the engine's table. One instance per unit of
 * work (an experiment item, an ad-hoc evaluation, an online score): its totals are that unit's.
 * Spans carry the GenAI attributes ({@code gen_ai.request.model}, {@code gen_ai.usage.*}, ...) and
 * {@value #SOURCE_ATTRIBUTE}, which keeps online evaluation from scoring its own judge calls.
 * Recording never fails a call: a span that cannot be written is logged and dropped. Thread-safe.
 */
public final class TracedModelClient implements ModelClient {
  private static final Logger LOG = LoggerFactory.getLogger(TracedModelClient.class);
  /** Marks spans the evaluation machinery wrote ({@code experiment:<id>}, {@code online:<evaluator>}, ...). */
  public static final String SOURCE_ATTRIBUTE = "guardops.eval.source";

  /**
   * Where the spans go: the project, the trace, the parent span (the unit's root, written by
   * {@link #writeRoot}), and attributes every span gets.
   */
  public record Target(String projectId, String traceId, String rootSpanId, Map<String, Object> attributes) {
    public Target {
      Objects.requireNonNull(projectId, "projectId");
      Objects.requireNonNull(traceId, "traceId");
      Objects.requireNonNull(rootSpanId, "rootSpanId");
      attributes = Map.copyOf(attributes);
    }

    /** A new trace in {@code projectId}. */
    public static Target newTrace(String projectId, Map<String, Object> attributes) {
      return new Target(projectId, newTraceId(), newSpanId(), attributes);
    }
  }

  private final ModelClient delegate;
  private final Consumer<List<Span>> sink;
  private final PriceTable prices;
  private final Clock clock;
  private final Target target;
  private final long startEpochNanos;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger pricedCalls = new AtomicInteger();
  private final AtomicLong inputTokens = new AtomicLong();
  private final AtomicLong outputTokens = new AtomicLong();
  private final DoubleAdder cost = new DoubleAdder();

  public TracedModelClient(ModelClient delegate, Consumer<List<Span>> sink, PriceTable prices, Clock clock,
      Target target) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.prices = Objects.requireNonNull(prices, "prices");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.target = Objects.requireNonNull(target, "target");
    this.startEpochNanos = epochNanos(clock.instant());
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    long start = epochNanos(clock.instant());
    long t0 = System.nanoTime();
    try {
      ChatResponse response = delegate.chat(request);
      record(request, response, null, start, response.latencyNanos());
      return response;
    } catch (ModelException e) {
      record(request, null, e, start, System.nanoTime() - t0);
      throw e;
    }
  }

  @Override
  public void stream(ChatRequest request, ChatListener listener) {
    long start = epochNanos(clock.instant());
    long t0 = System.nanoTime();
    delegate.stream(request, new ChatListener() {
      @Override
      public void onDelta(String text) {
        listener.onDelta(text);
      }

      @Override
      public void onComplete(ChatResponse response) {
        record(request, response, null, start, response.latencyNanos());
        listener.onComplete(response);
      }

      @Override
      public void onError(ModelException error) {
        record(request, null, error, start, System.nanoTime() - t0);
        listener.onError(error);
      }
    });
  }

  @Override
  public Health check() {
    return delegate.check();
  }

  /** The engine closes the real client; a traced view has nothing to release. */
  @Override
  public void close() {}

  /** Model calls made so far (failed ones included). */
  public int calls() {
    return calls.get();
  }

  /** The priced cost of the calls so far, or {@code null} when no call had a known price. */
  public Double cost() {
    return pricedCalls.get() == 0 ? null : cost.sum();
  }

  public long inputTokens() {
    return inputTokens.get();
  }

  public long outputTokens() {
    return outputTokens.get();
  }

  /** The target's trace id. */
  public String traceId() {
    return target.traceId();
  }

  /** The price of one model's usage (a judge's score usage), or {@code null} when unknown. */
  public static Double price(PriceTable prices, String model, Long input, Long output) {
    if (model == null || input == null && output == null) {
      return null;
    }
    return prices.cost(LlmFields.builder().requestModel(model).inputTokens(input).outputTokens(output).build());
  }

  private void record(ChatRequest request, ChatResponse response, ModelException error, long start, long latency) {
    calls.incrementAndGet();
    LlmFields.Builder llm = LlmFields.builder().operation("chat").requestModel(request.model())
        .prompt(promptText(request.messages()));
    Map<String, Object> attrs = new LinkedHashMap<>(target.attributes());
    attrs.put("gen_ai.operation.name", "chat");
    attrs.put("gen_ai.request.model", request.model());
    if (request.temperature() != null) {
      attrs.put("gen_ai.request.temperature", request.temperature());
    }
    if (request.maxTokens() != null) {
      attrs.put("gen_ai.request.max_tokens", (long) request.maxTokens());
    }
    if (response != null) {
      llm.responseModel(response.model()).inputTokens(response.inputTokens()).outputTokens(response.outputTokens())
          .output(response.content());
      if (response.model() != null) {
        attrs.put("gen_ai.response.model", response.model());
      }
      if (response.id() != null) {
        attrs.put("gen_ai.response.id", response.id());
      }
      if (response.finishReason() != null) {
        attrs.put("gen_ai.response.finish_reasons", List.of(response.finishReason()));
      }
      if (response.inputTokens() != null) {
        attrs.put("gen_ai.usage.input_tokens", response.inputTokens());
        inputTokens.addAndGet(response.inputTokens());
      }
      if (response.outputTokens() != null) {
        attrs.put("gen_ai.usage.output_tokens", response.outputTokens());
        outputTokens.addAndGet(response.outputTokens());
      }
    } else if (error != null) {
      attrs.put("error.type", error.kind().name().toLowerCase(java.util.Locale.ROOT));
    }
    LlmFields fields = llm.build();
    Double price = response == null ? null : prices.cost(fields);
    if (price != null) {
      cost.add(price);
      pricedCalls.incrementAndGet();
      fields = fields.toBuilder().cost(price).currency("USD").build();
    }
    write(Span.builder().projectId(target.projectId()).traceId(target.traceId()).spanId(newSpanId())
        .parentSpanId(target.rootSpanId()).name("chat " + request.model()).kind(SpanKind.CLIENT)
        .startEpochNanos(start).endEpochNanos(start + Math.max(0, latency))
        .status(error == null ? StatusCode.OK : StatusCode.ERROR)
        .statusMessage(error == null ? null : error.getMessage()).attributes(attrs).llm(fields).build());
  }

  /**
   * Writes the unit's root span (from this client's creation to now), if any call was made: a trace
   * only exists for units that called a model.
   *
   * @return whether a root was written (the unit has a trace)
   */
  public boolean writeRoot(String name, Map<String, Object> attributes, String input, String output, String error) {
    if (calls.get() == 0) {
      return false;
    }
    long end = Math.max(startEpochNanos, epochNanos(clock.instant()));
    Map<String, Object> attrs = new LinkedHashMap<>(target.attributes());
    attrs.putAll(attributes);
    write(Span.builder().projectId(target.projectId()).traceId(target.traceId()).spanId(target.rootSpanId())
        .name(name).kind(SpanKind.INTERNAL).startEpochNanos(startEpochNanos).endEpochNanos(end)
        .status(error == null ? StatusCode.OK : StatusCode.ERROR).statusMessage(error).attributes(attrs)
        .llm(LlmFields.builder().prompt(input).output(output).build()).build());
    return true;
  }

  private void write(Span span) {
    try {
      sink.accept(List.of(span));
    } catch (RuntimeException e) {
      LOG.warn("could not record a model call in project {}: {}", target.projectId(), e.toString());
    }
  }

  /** The messages' contents, one per line, as the GuardOps library joins a prompt. */
  static String promptText(List<ChatMessage> messages) {
    if (messages.size() == 1) {
      return messages.get(0).content();
    }
    StringBuilder sb = new StringBuilder();
    for (ChatMessage m : messages) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(m.content());
    }
    return sb.toString();
  }

  /** A random, non-zero trace id. */
  public static String newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = r.nextLong();
    long lo = r.nextLong();
    if (hi == 0 && lo == 0) {
      lo = 1;
    }
    return hex(hi) + hex(lo);
  }

  /** A random, non-zero span id. */
  public static String newSpanId() {
    long v = ThreadLocalRandom.current().nextLong();
    return hex(v == 0 ? 1 : v);
  }

  private static String hex(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }

  static long epochNanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }
}
