package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.PurgeResult;
import io.guardops.api.store.SpanStat;
import io.guardops.api.store.SpanStore;
import io.guardops.api.store.TracePage;
import io.guardops.api.store.TraceQuery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;

/**
 * {@code Spans} and their {@code Traces} summaries. A write is three round trips whatever its size:
 * one unordered bulk of span upserts, one query for the stored facts of the batch's traces, one
 * unordered bulk of guarded summary upserts ({@link Summaries}).
 */
final class MongoSpanStore implements SpanStore {
  private final MongoCollection<Document> spans;
  private final MongoCollection<Document> traces;
  private final Summaries summaries;
  private final TraceSearch search;
  private final int purgeChunk;

  MongoSpanStore(MongoCollection<Document> spans, MongoCollection<Document> traces, int purgeChunk,
      Runnable beforeSummaryWrite) {
    this.spans = spans;
    this.traces = traces;
    this.summaries = new Summaries(spans, traces, beforeSummaryWrite);
    this.search = new TraceSearch(spans, traces);
    this.purgeChunk = purgeChunk;
  }

  private record Key(String projectId, String traceId, String spanId) {}

  @Override
  public void write(List<Span> batch) {
    if (batch.isEmpty()) {
      return;
    }
    // a span sent twice in one batch is written once, as its last version
    Map<Key, Span> unique = new LinkedHashMap<>(batch.size() * 2);
    Map<String, Set<String>> tracesByProject = new LinkedHashMap<>();
    for (Span s : batch) {
      unique.put(new Key(s.projectId(), s.traceId(), s.spanId()), s);
      tracesByProject.computeIfAbsent(s.projectId(), k -> new LinkedHashSet<>()).add(s.traceId());
    }
    List<WriteModel<Document>> ops = new ArrayList<>(unique.size());
    for (Span s : unique.values()) {
      ops.add(new UpdateOneModel<>(SpanCodec.key(s.projectId(), s.traceId(), s.spanId()), SpanCodec.upsert(s),
          new UpdateOptions().upsert(true)));
    }
    Mongo.run("span write", () -> {
      Mongo.bulkUpsert(spans, ops);
      summaries.refresh(tracesByProject);
    });
  }

  @Override
  public TracePage findTraces(TraceQuery query) {
    return Mongo.call("trace search", () -> search.find(query));
  }

  @Override
  public Optional<TraceSummary> findTrace(String projectId, String traceId) {
    return Mongo.call("trace lookup", () -> Optional.ofNullable(
        traces.find(and(eq("project_id", projectId), eq("trace_id", traceId))).first()).map(Summaries::summary));
  }

  @Override
  public List<Span> findSpans(String projectId, Collection<String> traceIds) {
    if (traceIds.isEmpty()) {
      return List.of();
    }
    return Mongo.call("span lookup", () -> {
      List<Span> out = new ArrayList<>();
      for (Document d : spans.find(Summaries.spansOf(Map.of(projectId, new LinkedHashSet<>(traceIds))))) {
        out.add(SpanCodec.span(d));
      }
      out.sort(Comparator.comparing(Span::traceId).thenComparingLong(Span::startEpochNanos)
          .thenComparing(Span::spanId));
      return out;
    });
  }

  @Override
  public Map<String, Long> countTraces(Collection<String> projectIds) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String id : projectIds) {
      out.put(id, 0L);
    }
    if (projectIds.isEmpty()) {
      return out;
    }
    return Mongo.call("trace count", () -> {
      for (Document d : traces.aggregate(List.of(
          new Document("$match", new Document("project_id", new Document("$in", new ArrayList<>(out.keySet())))),
          new Document("$group", new Document("_id", "$project_id").append("n", new Document("$sum", 1)))))) {
        out.put(d.getString("_id"), Mongo.longOf(d, "n"));
      }
      return out;
    });
  }

  @Override
  public List<SpanStat> spanStats(String projectId, long fromEpochNanos, long toEpochNanos, int limit) {
    if (limit < 1 || toEpochNanos <= fromEpochNanos) {
      return List.of();
    }
    return Mongo.call("span stats", () -> {
      List<SpanStat> out = new ArrayList<>();
      for (Document d : spans.find(and(eq("project_id", projectId), eq("call", true),
              gte("start_ns", fromEpochNanos), lt("start_ns", toEpochNanos)))
          .sort(Sorts.ascending("start_ns")).limit(limit)
          .projection(Projections.include("start_ns", "end_ns", "status.status_code", "llm.request_model",
              "llm.response_model", "llm.input_tokens", "llm.output_tokens", "llm.cost"))) {
        Document l = (Document) d.get("llm");
        Document status = (Document) d.get("status");
        long start = Mongo.longOf(d, "start_ns");
        String model = l.getString("response_model") != null ? l.getString("response_model") : l.getString("request_model");
        out.add(new SpanStat(start, Mongo.longOf(d, "end_ns") - start, model,
            status != null && "ERROR".equals(status.getString("status_code")), Mongo.longOf(l, "input_tokens"),
            Mongo.longOf(l, "output_tokens"), Mongo.doubleOrNull(l, "cost")));
      }
      return out;
    });
  }

  @Override
  public List<MetricsRow> aggregate(MetricsQuery query) {
    return Mongo.call("metrics aggregation", () -> MetricsPipeline.run(spans, query));
  }

  /**
   * Deletes old traces in rounds of {@code purge-chunk-traces}: their ids from {@code traces_start},
   * then their spans, then their summaries (in that order, so an interrupted purge leaves the summary
   * that finds the rest next time). Spans that arrived for those traces meanwhile get a summary again,
   * so the next purge finds them too.
   */
  @Override
  public PurgeResult purgeTraces(String projectId, long cutoffEpochNanos, int maxTraces) {
    if (maxTraces < 1) {
      throw new IllegalArgumentException("maxTraces must be at least 1, was " + maxTraces);
    }
    return Mongo.call("purge", () -> {
      long deletedTraces = 0;
      long deletedSpans = 0;
      int left = maxTraces;
      while (true) {
        int chunk = Math.min(left, purgeChunk);
        List<String> ids = new ArrayList<>(chunk + 1);
        for (Document d : traces.find(and(eq("project_id", projectId), lt("start_ns", cutoffEpochNanos)))
            .sort(Sorts.ascending("start_ns", "trace_id")).limit(chunk + 1)
            .projection(Projections.fields(Projections.excludeId(), Projections.include("trace_id")))) {
          ids.add(d.getString("trace_id"));
        }
        boolean last = ids.size() <= chunk;
        if (!last) {
          ids.remove(ids.size() - 1);
        }
        if (!ids.isEmpty()) {
          deletedSpans += spans.deleteMany(and(eq("project_id", projectId), in("context.trace_id", ids)))
              .getDeletedCount();
          deletedTraces += traces.deleteMany(and(eq("project_id", projectId), in("trace_id", ids))).getDeletedCount();
          summaries.refresh(Map.of(projectId, ids));
        }
        left -= ids.size();
        if (last || left == 0) {
          return new PurgeResult(deletedTraces, deletedSpans, last);
        }
      }
    });
  }
}
