package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import io.guardops.api.eval.TraceScore;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.ScoreStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@code TraceScores}: {@code {_id: score id, project_id, trace_id, trace_start_ns, span_id, name, value,
 * label, comment, source, author, created_ns}}. Scores carry their trace's start, so they are bucketed
 * and purged by it without reading the trace.
 */
final class MongoScoreStore implements ScoreStore {
  private final MongoCollection<Document> scores;

  MongoScoreStore(MongoCollection<Document> scores) {
    this.scores = scores;
  }

  @Override
  public void put(TraceScore s) {
    Document d = new Document("_id", s.scoreId()).append("project_id", s.projectId()).append("trace_id", s.traceId())
        .append("trace_start_ns", s.traceStartEpochNanos()).append("span_id", s.spanId()).append("name", s.name())
        .append("value", s.value()).append("label", s.label()).append("comment", s.comment())
        .append("source", s.source()).append("author", s.author()).append("created_ns", Mongo.nanos(s.createdAt()));
    Mongo.run("score write", () -> scores.replaceOne(eq("_id", s.scoreId()), d, new ReplaceOptions().upsert(true)));
  }

  @Override
  public List<TraceScore> forTrace(String projectId, String traceId) {
    return Mongo.list("score list", scores.find(and(eq("project_id", projectId), eq("trace_id", traceId)))
        .sort(Sorts.ascending("created_ns", "_id")), MongoScoreStore::score);
  }

  @Override
  public boolean delete(String projectId, String scoreId) {
    return Mongo.call("score delete",
        () -> scores.deleteOne(and(eq("_id", scoreId), eq("project_id", projectId))).getDeletedCount() == 1);
  }

  /**
   * One pipeline: the project's scores of traces that started in the range ({@code trace_scores_start}),
   * the exact bucket of the trace start ({@link MetricsPipeline#bucketStages}), then per bucket and name
   * the count and {@code $avg} of {@code value} (which skips scores without one, and is null when none
   * has one). Rows are ordered here, by bucket then name in Java's string order, as everywhere else.
   */
  static List<Document> pipeline(MetricsQuery q) {
    List<Document> stages = new ArrayList<>();
    stages.add(new Document("$match", new Document("project_id", q.projectId())
        .append("trace_start_ns", new Document("$gte", q.fromEpochNanos()).append("$lt", q.toEpochNanos()))));
    stages.add(new Document("$project", new Document("_id", 0).append("s", "$trace_start_ns").append("n", "$name")
        .append("v", "$value")));
    stages.addAll(MetricsPipeline.bucketStages(q.bucket().nanos()));
    stages.add(new Document("$group", new Document("_id", new Document("b", "$b").append("n", "$n"))
        .append("count", new Document("$sum", 1)).append("mean", new Document("$avg", "$v"))));
    return stages;
  }

  @Override
  public List<ScoreAggregate> aggregate(MetricsQuery q) {
    return Mongo.call("score aggregation", () -> {
      List<ScoreAggregate> out = new ArrayList<>();
      for (Document d : scores.aggregate(pipeline(q))) {
        Document id = (Document) d.get("_id");
        out.add(new ScoreAggregate(((Number) id.get("b")).longValue(), id.getString("n"), Mongo.longOf(d, "count"),
            Mongo.doubleOrNull(d, "mean")));
      }
      out.sort(Comparator.comparingLong(ScoreAggregate::bucketStartEpochNanos).thenComparing(ScoreAggregate::name));
      return out;
    });
  }

  /**
   * The ids of up to {@code max} of the project's oldest scores before the cutoff ({@code
   * trace_scores_start}), then one {@code deleteMany} of them by {@code _id}; the count is what that
   * delete removed, so a concurrent purge of the same scores makes it smaller, never larger.
   */
  @Override
  public long purge(String projectId, long cutoffEpochNanos, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, was " + max);
    }
    Bson old = and(eq("project_id", projectId), lt("trace_start_ns", cutoffEpochNanos));
    return Mongo.call("score purge", () -> {
      List<String> ids = new ArrayList<>();
      for (Document d : scores.find(old).sort(Sorts.ascending("trace_start_ns")).limit(max)
          .projection(Projections.include("_id"))) {
        ids.add(d.getString("_id"));
      }
      if (ids.isEmpty()) {
        return 0L;
      }
      return scores.deleteMany(and(in("_id", ids), old)).getDeletedCount();
    });
  }

  private static TraceScore score(Document d) {
    return new TraceScore(d.getString("_id"), d.getString("project_id"), d.getString("trace_id"),
        Mongo.longOf(d, "trace_start_ns"), d.getString("span_id"), d.getString("name"), Mongo.doubleOrNull(d, "value"),
        d.getString("label"), d.getString("comment"), d.getString("source"), d.getString("author"),
        Mongo.instant(Mongo.longOf(d, "created_ns")));
  }
}
