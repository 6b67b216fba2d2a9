package io.guardops.engine;

import io.guardops.api.Span;
import io.guardops.api.SpanIds;
import io.guardops.api.TraceSummary;
import io.guardops.api.auth.Caller;
import io.guardops.api.eval.TraceScore;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.ScoreStore;
import io.guardops.api.store.Store;
import io.guardops.engine.internal.IdGenerator;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Scores attached to traces and spans: numeric, boolean (1/0 with the label true/false) or
 * categorical (a label), with a comment. People attach them through the API (source {@code human}),
 * applications with an API key (source {@code api}), online evaluation in the background
 * ({@code online:<evaluator>}). Whoever may send traces to a project (its owner and members) may
 * score its traces and delete scores; reading follows reading traces. A score carries its trace's
 * start, so retention purges it with the trace. Thread-safe. Obtain from {@link Engine#scores()}.
 */
@Singleton
public final class Scores {
  /** Where a score came from. */
  public static final String HUMAN = "human";
  public static final String API = "api";

  private final Store store;
  private final StoreParts parts;
  private final Access access;
  private final Clock clock;
  private final IdGenerator ids;

  /**
   * A score to attach: {@code value} for a number (a boolean arrives as 1/0 with label true/false),
   * {@code label} for a category, or both.
   */
  public record Draft(String traceId, String spanId, String name, Double value, String label, String comment) {}

  @Inject
  Scores(Store store, StoreParts parts, Access access, Clock clock, IdGenerator ids) {
    this.store = store;
    this.parts = parts;
    this.access = access;
    this.clock = clock;
    this.ids = ids;
  }

  /**
   * Attaches a score to a trace (or one of its spans) of a project the caller may send to.
   *
   * @param source {@link #HUMAN} or {@link #API}
   * @throws EngineException BAD_REQUEST for a malformed id or score, NOT_FOUND for an unknown project,
   *     trace or span
   */
  public TraceScore attach(Caller caller, String projectId, Draft draft, String source) {
    String user = access.userOf(caller);
    String project = access.readable(caller, projectId).project().projectId();
    ScoreStore scores = parts.scores();
    String traceId = SpanIds.parseHex(draft.traceId() == null ? null : draft.traceId().trim(), SpanIds.TRACE_HEX);
    if (traceId == null) {
      throw EngineException.badRequest("trace_id must be 32 hex digits (0x optional), not all zeros");
    }
    String spanId = null;
    if (draft.spanId() != null && !draft.spanId().isBlank()) {
      spanId = SpanIds.parseHex(draft.spanId().trim(), SpanIds.SPAN_HEX);
      if (spanId == null) {
        throw EngineException.badRequest("span_id must be 16 hex digits (0x optional), not all zeros");
      }
    }
    TraceSummary trace = store.spans().findTrace(project, traceId).orElseThrow(() -> EngineException.notFound(
        "trace '0x" + traceId + "' not found in project '" + project + "'"));
    if (spanId != null) {
      String wanted = spanId;
      boolean found = false;
      for (Span s : store.spans().findSpans(project, Set.of(traceId))) {
        found |= s.spanId().equals(wanted);
      }
      if (!found) {
        throw EngineException.notFound("span '0x" + spanId + "' not found in trace '0x" + traceId + "'");
      }
    }
    TraceScore score;
    try {
      score = new TraceScore(ids.newId(), project, traceId, trace.startEpochNanos(), spanId,
          draft.name() == null ? null : draft.name().trim(), draft.value(),
          draft.label() == null || draft.label().isBlank() ? null : draft.label().trim(), draft.comment(), source, user,
          clock.instant());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    scores.put(score);
    return score;
  }

  /**
   * The scores of one trace, by (creation time, id); empty when the store keeps no scores (so trace
   * detail works on every store).
   */
  public List<TraceScore> forTrace(Caller caller, String projectId, String traceId) {
    String project = access.readable(caller, projectId).project().projectId();
    String id = SpanIds.parseHex(traceId == null ? null : traceId.trim(), SpanIds.TRACE_HEX);
    if (id == null) {
      throw EngineException.badRequest("trace_id must be 32 hex digits (0x optional), not all zeros");
    }
    return store.scores().map(s -> s.forTrace(project, id)).orElse(List.of());
  }

  /**
   * Deletes one score of a project the caller may send to.
   *
   * @throws EngineException NOT_FOUND when the project has no such score
   */
  public void delete(Caller caller, String projectId, String scoreId) {
    String project = access.readable(caller, projectId).project().projectId();
    if (scoreId == null || scoreId.isBlank()) {
      throw EngineException.badRequest("score_id is required");
    }
    if (!parts.scores().delete(project, scoreId.trim())) {
      throw EngineException.notFound("score '" + scoreId.trim() + "' not found in project '" + project + "'");
    }
  }

  /**
   * Per bucket and score name over {@code [from, to)} of trace start: count and mean of the numeric
   * scores; empty when the store keeps no scores.
   */
  public List<ScoreStore.ScoreAggregate> aggregate(Caller caller, String projectId, long fromEpochNanos,
      long toEpochNanos, MetricsQuery.Bucket bucket) {
    String project = access.readable(caller, projectId).project().projectId();
    MetricsQuery q;
    try {
      q = new MetricsQuery(project, fromEpochNanos, toEpochNanos, bucket);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    return store.scores().map(s -> s.aggregate(q)).orElse(List.of());
  }

  /** Deletes the scores of a project's traces that started before the cutoff, in batches; returns how many. */
  static long purge(Store store, String projectId, long cutoffEpochNanos, int batch) {
    ScoreStore scores = store.scores().orElse(null);
    if (scores == null) {
      return 0;
    }
    long total = 0;
    while (true) {
      long n = scores.purge(projectId, cutoffEpochNanos, batch);
      total += n;
      if (n < batch || Thread.currentThread().isInterrupted()) {
        return total;
      }
    }
  }
}
