package io.guardops.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * One row per trace, maintained by the store as spans arrive (in any order) so that listing
 * traces never scans spans. Every store computes it with {@link #of}, so the rules are the same
 * everywhere:
 *
 * <ul>
 *   <li>{@code start}/{@code end}: the earliest start and latest end of the trace's spans;</li>
 *   <li>the root is the span without a parent that starts first (ties: smallest span id);
 *       {@code rootSpanId} is {@code null} until one has arrived, and {@code rootName} is then the
 *       name of the trace's earliest span (same tie-break);</li>
 *   <li>{@code errorCount}: spans with status {@code ERROR};</li>
 *   <li>tokens and cost: the sums over the spans whose usage is their own ({@link
 *       LlmFields#usageIsAggregate()} false), so a wrapper (agent) span that repeats its children's
 *       usage is not counted twice; a trace in which only aggregate spans report usage (their
 *       children were not instrumented) counts theirs instead. Total tokens per span are
 *       {@link LlmFields#effectiveTotalTokens()}. {@code cost} is {@code null} when no counted span
 *       had a known price, never a made-up 0;</li>
 *   <li>{@code model}: that of the first span naming one, preferring spans that made the call over
 *       aggregate ones (order: own usage first, then start, then span id).</li>
 * </ul>
 */
public record TraceSummary(
    String projectId,
    String traceId,
    String rootSpanId,
    String rootName,
    long startEpochNanos,
    long endEpochNanos,
    int spanCount,
    int errorCount,
    long inputTokens,
    long outputTokens,
    long totalTokens,
    Double cost,
    String model) {

  public TraceSummary {
    Checks.notBlank(projectId, "projectId");
    Checks.hexId(traceId, 32, "traceId");
    rootName = rootName == null ? "" : rootName;
  }

  public long durationNanos() {
    return endEpochNanos - startEpochNanos;
  }

  public boolean hasError() {
    return errorCount > 0;
  }

  /**
   * The few fields of one span that its trace's summary depends on, so that a store can recompute
   * a summary from a narrow projection of stored spans instead of loading them whole.
   *
   * @param inputTokens 0 when unknown
   * @param totalTokens {@link LlmFields#effectiveTotalTokens()}, 0 when unknown
   * @param cost {@code null} when unknown
   */
  public record SpanFacts(String spanId, String parentSpanId, String name, long startEpochNanos,
      long endEpochNanos, boolean error, String model, long inputTokens, long outputTokens, long totalTokens,
      Double cost, boolean usageIsAggregate) {

    /** The facts of a span. */
    public static SpanFacts of(Span s) {
      LlmFields l = s.llm();
      Long total = l.effectiveTotalTokens();
      return new SpanFacts(s.spanId(), s.parentSpanId(), s.name(), s.startEpochNanos(), s.endEpochNanos(),
          s.status() == StatusCode.ERROR, l.model(), l.inputTokens() == null ? 0 : l.inputTokens(),
          l.outputTokens() == null ? 0 : l.outputTokens(), total == null ? 0 : total, l.cost(),
          l.usageIsAggregate());
    }

    boolean reportsUsage() {
      return inputTokens != 0 || outputTokens != 0 || totalTokens != 0 || cost != null;
    }

    /** Whether this span comes before {@code other} in (start, span id) order. */
    boolean before(SpanFacts other) {
      return startEpochNanos != other.startEpochNanos ? startEpochNanos < other.startEpochNanos
          : spanId.compareTo(other.spanId) < 0;
    }
  }

  /**
   * The summary of a trace made of {@code spans} (each span id once), by the rules above.
   *
   * @throws IllegalArgumentException if {@code spans} is empty
   */
  public static TraceSummary of(String projectId, String traceId, Collection<SpanFacts> spans) {
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("a trace summary needs at least one span");
    }
    SpanFacts root = null;
    SpanFacts earliest = null;
    SpanFacts modelSpan = null;
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    int errors = 0;
    boolean ownUsage = false;
    for (SpanFacts s : spans) {
      if (s.parentSpanId() == null && (root == null || s.before(root))) {
        root = s;
      }
      if (earliest == null || s.before(earliest)) {
        earliest = s;
      }
      if (s.model() != null && (modelSpan == null || modelRank(s, modelSpan))) {
        modelSpan = s;
      }
      start = Math.min(start, s.startEpochNanos());
      end = Math.max(end, s.endEpochNanos());
      if (s.error()) {
        errors++;
      }
      ownUsage |= !s.usageIsAggregate() && s.reportsUsage();
    }
    long in = 0;
    long out = 0;
    long total = 0;
    Double cost = null;
    // summed in span id order: floating-point sums depend on order, and a summary must not depend on
    // the order spans arrived or a store returns them
    List<SpanFacts> ordered = new ArrayList<>(spans);
    ordered.sort(Comparator.comparing(SpanFacts::spanId));
    for (SpanFacts s : ordered) {
      // with no span reporting its own usage, the wrappers' usage is all there is
      if (s.usageIsAggregate() && ownUsage) {
        continue;
      }
      in += s.inputTokens();
      out += s.outputTokens();
      total += s.totalTokens();
      if (s.cost() != null) {
        cost = (cost == null ? 0 : cost) + s.cost();
      }
    }
    return new TraceSummary(projectId, traceId, root == null ? null : root.spanId(),
        (root != null ? root : earliest).name(), start, end, spans.size(), errors, in, out, total, cost,
        modelSpan == null ? null : modelSpan.model());
  }

  /** Whether {@code a} is a better source of the trace's model than {@code b}. */
  private static boolean modelRank(SpanFacts a, SpanFacts b) {
    if (a.usageIsAggregate() != b.usageIsAggregate()) {
      return !a.usageIsAggregate();
    }
    return a.before(b);
  }
}
