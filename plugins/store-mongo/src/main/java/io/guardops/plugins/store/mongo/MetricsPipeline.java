package io.guardops.plugins.store.mongo;

import com.mongodb.client.MongoCollection;
import io.guardops.api.store.LatencySketch;
import io.guardops.api.store.MetricsAggregation;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Metrics per bucket and model computed by MongoDB: one aggregation over the model calls of the range
 * ({@code spans_calls} index), grouped per bucket, model and <em>latency bin</em>. The bins are
 * {@link LatencySketch}'s logarithmic ones ({@code ceil(ln(d) / ln(gamma))}), so the server returns
 * a histogram per bucket and model, at most one entry per distinct bin, and the percentiles come from
 * a sketch built from it, within {@link LatencySketch#RELATIVE_ACCURACY} of the exact nearest-rank
 * values. Why not {@code $percentile} (MongoDB 7+): its only mode on a group is an approximation
 * with no relative-error bound, and it is missing on MongoDB 6 and on the test server; the histogram
 * gives the bound the API promises on every server (RATIONALE.md).
 *
 * <p>Bucket starts are computed exactly in 64-bit integers: {@code floor(start / size)} by a
 * floating-point division, then corrected by one bucket from the exact remainder {@code start - q *
 * size} ({@code $mod} would do on MongoDB, but the test server computes it in floating point, which
 * misplaces calls within ~256 ns of a boundary).
 */
final class MetricsPipeline {
  private static final double GAMMA = (1 + LatencySketch.RELATIVE_ACCURACY) / (1 - LatencySketch.RELATIVE_ACCURACY);
  private static final double LOG_GAMMA = Math.log(GAMMA);
  /** The bin of durations of 0 (LatencySketch keeps them exactly). */
  static final long ZERO_BIN = Long.MIN_VALUE;

  private MetricsPipeline() {}

  static List<Document> pipeline(MetricsQuery q) {
    long size = q.bucket().nanos();
    List<Document> stages = new ArrayList<>();
    stages.add(new Document("$match", new Document("project_id", q.projectId()).append("call", true)
        .append("start_ns", new Document("$gte", q.fromEpochNanos()).append("$lt", q.toEpochNanos()))));
    stages.add(new Document("$project", new Document("_id", 0)
        .append("s", "$start_ns")
        .append("m", op("$ifNull", "$llm.response_model", "$llm.request_model"))
        .append("d", op("$subtract", "$end_ns", "$start_ns"))
        .append("e", op("$cond", op("$eq", "$status.status_code", "ERROR"), 1, 0))
        .append("i", op("$ifNull", "$llm.input_tokens", 0L))
        .append("o", op("$ifNull", "$llm.output_tokens", 0L))
        .append("c", op("$ifNull", "$llm.cost", 0.0))
        .append("ck", op("$cond", op("$eq", op("$ifNull", "$llm.cost", null), null), 0, 1))));
    stages.addAll(bucketStages(size));
    stages.add(new Document("$addFields", new Document("k", op("$cond", op("$gt", "$d", 0L),
        new Document("$toLong", new Document("$ceil", op("$divide", new Document("$ln", "$d"), LOG_GAMMA))),
        ZERO_BIN))));
    stages.add(new Document("$group", new Document("_id", new Document("b", "$b").append("m", "$m").append("k", "$k"))
        .append("n", sum(1)).append("e", sum("$e")).append("i", sum("$i")).append("o", sum("$o"))
        .append("c", sum("$c")).append("ck", sum("$ck"))));
    stages.add(new Document("$group", new Document("_id", new Document("b", "$_id.b").append("m", "$_id.m"))
        .append("bins", new Document("$push", new Document("k", "$_id.k").append("n", "$n")))
        .append("e", sum("$e")).append("i", sum("$i")).append("o", sum("$o")).append("c", sum("$c"))
        .append("ck", sum("$ck"))));
    return stages;
  }

  /**
   * Stages that add {@code b}, the start of the UTC-aligned bucket of {@code size} nanoseconds holding
   * the 64-bit integer field {@code s} of every document, exactly as {@link MetricsQuery.Bucket#startOf}
   * computes it (they also leave {@code q} and {@code r} behind): {@code q = floor(s / size)} by a
   * floating-point division, {@code r = s - q * size} in exact 64-bit arithmetic, then {@code q}
   * corrected by one where {@code r} shows the division rounded across a boundary. Every aggregation
   * that buckets times (metrics, scores) uses these.
   */
  static List<Document> bucketStages(long size) {
    return List.of(
        new Document("$addFields", new Document("q",
            new Document("$toLong", new Document("$floor", op("$divide", "$s", size))))),
        new Document("$addFields", new Document("r", op("$subtract", "$s", op("$multiply", "$q", size)))),
        new Document("$addFields", new Document("b", op("$multiply", op("$cond", op("$lt", "$r", 0L),
            op("$subtract", "$q", 1L), op("$cond", op("$gte", "$r", size), op("$add", "$q", 1L), "$q")), size))));
  }

  /** Runs the pipeline and turns its histograms into rows ordered by bucket, then model. */
  static List<MetricsRow> run(MongoCollection<Document> spans, MetricsQuery q) {
    Map<List<Object>, Acc> groups = new LinkedHashMap<>();
    for (Document d : spans.aggregate(pipeline(q))) {
      Document id = (Document) d.get("_id");
      String model = id.getString("m");
      if (model == null || model.isBlank()) {
        model = MetricsAggregation.UNKNOWN_MODEL;
      }
      long bucket = ((Number) id.get("b")).longValue();
      Acc a = groups.computeIfAbsent(Arrays.asList(bucket, model), k -> new Acc());
      for (Object o : (List<?>) d.get("bins")) {
        Document bin = (Document) o;
        a.sketch.add(representative(((Number) bin.get("k")).longValue()), ((Number) bin.get("n")).longValue());
      }
      a.errors += Mongo.longOf(d, "e");
      a.input += Mongo.longOf(d, "i");
      a.output += Mongo.longOf(d, "o");
      a.cost += ((Number) d.get("c")).doubleValue();
      a.costKnown |= Mongo.longOf(d, "ck") > 0;
    }
    List<MetricsRow> rows = new ArrayList<>(groups.size());
    for (Map.Entry<List<Object>, Acc> e : groups.entrySet()) {
      Acc a = e.getValue();
      rows.add(new MetricsRow((Long) e.getKey().get(0), (String) e.getKey().get(1), a.sketch.count(), a.errors,
          a.sketch.quantile(50), a.sketch.quantile(95), a.sketch.quantile(99), a.input, a.output,
          a.costKnown ? a.cost : null));
    }
    rows.sort(Comparator.comparingLong(MetricsRow::bucketStartEpochNanos).thenComparing(MetricsRow::model));
    return rows;
  }

  /**
   * The duration a server-side bin stands for: the value {@link LatencySketch} answers for that bin,
   * which lies inside the bin, so adding it lands in the same bin of the sketch.
   */
  static long representative(long bin) {
    if (bin == ZERO_BIN) {
      return 0;
    }
    return Math.round(2 * Math.pow(GAMMA, bin) / (GAMMA + 1));
  }

  private static final class Acc {
    final LatencySketch sketch = new LatencySketch();
    long errors;
    long input;
    long output;
    double cost;
    boolean costKnown;
  }

  static Document op(String name, Object... args) {
    return new Document(name, Arrays.asList(args));
  }

  private static Document sum(Object of) {
    return new Document("$sum", of);
  }
}
