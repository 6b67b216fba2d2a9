package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.StoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Trace summaries ({@code Traces}) recomputed from the stored facts of their spans and written under
 * a version guard, so that they converge to {@link TraceSummary#of} over all stored spans whatever
 * the interleaving of writers on any number of instances, without transactions. The protocol and why
 * it is correct are in RATIONALE.md; in short:
 *
 * <ol>
 *   <li>every span write increments that span's {@code rev} (span writes happen before this);</li>
 *   <li>one query reads the facts of every span of the batch's traces; a trace's version is the sum
 *       of its spans' {@code rev}, which only grows, so a later read never has a smaller version and
 *       an equal version means the same spans in the same state;</li>
 *   <li>one unordered bulk of conditional upserts writes each summary only where the stored one has
 *       a smaller version; a duplicate-key error means another writer's summary is there: its version
 *       is re-read and the write retried only where it is still smaller.</li>
 * </ol>
 */
final class Summaries {
  /** Rounds of the guarded write before giving up (each round needs a concurrent writer to lose). */
  static final int MAX_ROUNDS = 16;

  private final MongoCollection<Document> spans;
  private final MongoCollection<Document> traces;
  private final Runnable beforeSummaryWrite;

  /**
   * @param beforeSummaryWrite runs between reading the facts and writing the summaries (a seam for
   *     tests that force interleavings; a no-op otherwise)
   */
  Summaries(MongoCollection<Document> spans, MongoCollection<Document> traces, Runnable beforeSummaryWrite) {
    this.spans = spans;
    this.traces = traces;
    this.beforeSummaryWrite = beforeSummaryWrite;
  }

  /** A summary and the version of the span facts it was computed from. */
  record Versioned(TraceSummary summary, long version) {}

  /**
   * Recomputes and writes the summaries of the given traces from what is stored now. Traces without
   * any stored span are left alone.
   */
  void refresh(Map<String, ? extends Collection<String>> traceIdsByProject) {
    if (traceIdsByProject.isEmpty()) {
      return;
    }
    List<Versioned> computed = compute(traceIdsByProject);
    beforeSummaryWrite.run();
    writeGuarded(computed);
  }

  /** One query for the facts of every span of the given traces; one summary per trace found. */
  List<Versioned> compute(Map<String, ? extends Collection<String>> traceIdsByProject) {
    Map<String, List<TraceSummary.SpanFacts>> facts = new LinkedHashMap<>();
    Map<String, long[]> versions = new HashMap<>();
    for (Document d : spans.find(spansOf(traceIdsByProject)).projection(SpanCodec.FACT_FIELDS)) {
      String key = d.getString("project_id") + '\n' + ((Document) d.get("context")).getString("trace_id");
      facts.computeIfAbsent(key, k -> new ArrayList<>()).add(SpanCodec.facts(d));
      versions.computeIfAbsent(key, k -> new long[1])[0] += Mongo.longOf(d, "rev");
    }
    List<Versioned> out = new ArrayList<>(facts.size());
    for (Map.Entry<String, List<TraceSummary.SpanFacts>> e : facts.entrySet()) {
      int cut = e.getKey().indexOf('\n');
      out.add(new Versioned(TraceSummary.of(e.getKey().substring(0, cut), e.getKey().substring(cut + 1), e.getValue()),
          versions.get(e.getKey())[0]));
    }
    return out;
  }

  /** The spans of the given traces (one clause per project; served by {@code spans_key}). */
  static Bson spansOf(Map<String, ? extends Collection<String>> traceIdsByProject) {
    List<Bson> clauses = new ArrayList<>(traceIdsByProject.size());
    traceIdsByProject.forEach((project, ids) -> clauses.add(and(eq("project_id", project),
        ids.size() == 1 ? eq("context.trace_id", ids.iterator().next()) : in("context.trace_id", ids))));
    return clauses.size() == 1 ? clauses.get(0) : or(clauses);
  }

  /** Writes summaries where the stored one is older (smaller version) or missing. */
  void writeGuarded(List<Versioned> pending) {
    for (int round = 0; round < MAX_ROUNDS && !pending.isEmpty(); round++) {
      List<WriteModel<Document>> ops = new ArrayList<>(pending.size());
      for (Versioned v : pending) {
        TraceSummary s = v.summary();
        ops.add(new UpdateOneModel<>(
            and(eq("project_id", s.projectId()), eq("trace_id", s.traceId()), lt("v", v.version())),
            new Document("$set", fields(s, v.version())), new UpdateOptions().upsert(true)));
      }
      try {
        traces.bulkWrite(ops, new BulkWriteOptions().ordered(false));
        return;
      } catch (MongoBulkWriteException e) {
        if (e.getWriteConcernError() != null) {
          throw e;
        }
        List<Versioned> conflicted = new ArrayList<>();
        for (BulkWriteError error : e.getWriteErrors()) {
          if (!Mongo.isDuplicateKey(error)) {
            throw e;
          }
          conflicted.add(pending.get(error.getIndex()));
        }
        // the upsert found no older summary but could not insert: one exists. Keep only the
        // traces whose stored summary is (still) older than ours; a newer or equal one stays.
        pending = stillOlder(conflicted);
      }
    }
    if (!pending.isEmpty()) {
      throw new StoreException("trace summaries of " + pending.size() + " traces did not settle after " + MAX_ROUNDS
          + " rounds of concurrent writes; the spans are stored, retry the write");
    }
  }

  private List<Versioned> stillOlder(List<Versioned> conflicted) {
    Map<String, List<String>> byProject = new LinkedHashMap<>();
    for (Versioned v : conflicted) {
      byProject.computeIfAbsent(v.summary().projectId(), k -> new ArrayList<>()).add(v.summary().traceId());
    }
    List<Bson> clauses = new ArrayList<>();
    byProject.forEach((p, ids) -> clauses.add(and(eq("project_id", p), in("trace_id", ids))));
    Map<String, Long> stored = new HashMap<>();
    for (Document d : traces.find(clauses.size() == 1 ? clauses.get(0) : or(clauses))
        .projection(Projections.include("project_id", "trace_id", "v"))) {
      stored.put(d.getString("project_id") + '\n' + d.getString("trace_id"), Mongo.longOf(d, "v"));
    }
    List<Versioned> out = new ArrayList<>();
    for (Versioned v : conflicted) {
      Long have = stored.get(v.summary().projectId() + '\n' + v.summary().traceId());
      // missing again (purged meanwhile) or older: try again
      if (have == null || have < v.version()) {
        out.add(v);
      }
    }
    return out;
  }

  /** The stored fields of a summary (the key fields come from the upsert's filter). */
  static Document fields(TraceSummary s, long version) {
    return new Document("root_span_id", s.rootSpanId())
        .append("root_name", s.rootName())
        .append("start_ns", s.startEpochNanos())
        .append("end_ns", s.endEpochNanos())
        .append("duration_ns", s.durationNanos())
        .append("start_time", new Date(Math.floorDiv(s.startEpochNanos(), 1_000_000L)))
        .append("span_count", s.spanCount())
        .append("error_count", s.errorCount())
        .append("input_tokens", s.inputTokens())
        .append("output_tokens", s.outputTokens())
        .append("total_tokens", s.totalTokens())
        .append("cost", s.cost())
        .append("model", s.model())
        .append("v", version);
  }

  /** A stored summary document. */
  static TraceSummary summary(Document d) {
    return new TraceSummary(d.getString("project_id"), d.getString("trace_id"), d.getString("root_span_id"),
        d.getString("root_name"), Mongo.longOf(d, "start_ns"), Mongo.longOf(d, "end_ns"),
        (int) Mongo.longOf(d, "span_count"), (int) Mongo.longOf(d, "error_count"), Mongo.longOf(d, "input_tokens"),
        Mongo.longOf(d, "output_tokens"), Mongo.longOf(d, "total_tokens"), Mongo.doubleOrNull(d, "cost"),
        d.getString("model"));
  }
}
