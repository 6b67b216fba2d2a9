package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.elemMatch;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Filters.regex;
import static com.mongodb.client.model.Filters.type;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.TracePage;
import io.guardops.api.store.TraceQuery;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonType;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Trace lists from {@code Traces}, in list order ((start, trace id) descending). Filters on summary
 * fields are part of the indexed query ({@code traces_start} or, with a model, {@code traces_model}).
 * Text and attribute filters look into spans: the summaries matching everything else are read in
 * list order in chunks, and each chunk's spans are checked with one query on {@code spans_key}, so
 * only candidate traces' spans are read (README: a needle found nowhere reads the spans of every
 * candidate; narrow it with from/to).
 */
final class TraceSearch {
  static final Bson LIST_ORDER = Sorts.descending("start_ns", "trace_id");
  private static final int MAX_CHUNK = 1000;

  private final MongoCollection<Document> spans;
  private final MongoCollection<Document> traces;

  TraceSearch(MongoCollection<Document> spans, MongoCollection<Document> traces) {
    this.spans = spans;
    this.traces = traces;
  }

  TracePage find(TraceQuery q) {
    Bson filter = summaryFilter(q);
    List<TraceSummary> page = new ArrayList<>(Math.min(q.limit() + 1, 64));
    if (q.text() == null && q.attributeKey() == null) {
      for (Document d : traces.find(filter).sort(LIST_ORDER).skip(q.offset()).limit(q.limit() + 1)) {
        page.add(Summaries.summary(d));
      }
    } else {
      spanFiltered(q, filter, page);
    }
    boolean more = page.size() > q.limit();
    return new TracePage(more ? page.subList(0, q.limit()) : page, more);
  }

  /** Everything of the query that summaries answer, including the keyset cursor. */
  static Bson summaryFilter(TraceQuery q) {
    List<Bson> all = new ArrayList<>();
    all.add(eq("project_id", q.projectId()));
    if (q.fromEpochNanos() != null) {
      all.add(gte("start_ns", q.fromEpochNanos()));
    }
    if (q.toEpochNanos() != null) {
      all.add(lt("start_ns", q.toEpochNanos()));
    }
    if (q.model() != null) {
      all.add(eq("model", q.model()));
    }
    if (q.status() == TraceQuery.StatusFilter.ERROR) {
      all.add(gt("error_count", 0));
    } else if (q.status() == TraceQuery.StatusFilter.OK) {
      all.add(eq("error_count", 0));
    }
    if (q.minDurationNanos() != null) {
      all.add(gte("duration_ns", q.minDurationNanos()));
    }
    if (q.after() != null) {
      long start = q.after().startEpochNanos();
      all.add(or(lt("start_ns", start), and(eq("start_ns", start), lt("trace_id", q.after().traceId()))));
    }
    return and(all);
  }

  /** Walks candidates in list order, keeping those whose spans match, until the page is full. */
  private void spanFiltered(TraceQuery q, Bson filter, List<TraceSummary> page) {
    int wanted = q.limit() + 1;
    int toSkip = q.offset();
    int chunkSize = Math.max(50, Math.min(MAX_CHUNK, q.offset() + wanted));
    try (MongoCursor<Document> candidates = traces.find(filter).sort(LIST_ORDER).batchSize(chunkSize).iterator()) {
      List<TraceSummary> chunk = new ArrayList<>(chunkSize);
      while (page.size() < wanted && candidates.hasNext()) {
        chunk.add(Summaries.summary(candidates.next()));
        if (chunk.size() == chunkSize || !candidates.hasNext()) {
          Set<String> matching = matching(q, chunk);
          for (TraceSummary s : chunk) {
            if (page.size() < wanted && matching.contains(s.traceId())) {
              if (toSkip > 0) {
                toSkip--;
              } else {
                page.add(s);
              }
            }
          }
          chunk.clear();
          // the first chunk is sized for the page; a sparse match widens the next ones
          chunkSize = Math.min(MAX_CHUNK, chunkSize * 2);
        }
      }
    }
  }

  /** The ids of the chunk's traces with a span matching the text and one matching the attribute. */
  private Set<String> matching(TraceQuery q, List<TraceSummary> chunk) {
    Set<String> ids = new HashSet<>();
    for (TraceSummary s : chunk) {
      ids.add(s.traceId());
    }
    if (q.attributeKey() != null) {
      ids = tracesWithSpan(q.projectId(), ids, attributeFilter(q.attributeKey(), q.attributeValue()));
    }
    if (q.text() != null && !ids.isEmpty()) {
      String pattern = literal(q.text());
      ids = tracesWithSpan(q.projectId(), ids, or(regex("llm.prompt", pattern), regex("llm.output", pattern)));
    }
    return ids;
  }

  private Set<String> tracesWithSpan(String projectId, Set<String> traceIds, Bson spanFilter) {
    Set<String> out = new HashSet<>();
    for (Document d : spans.find(and(eq("project_id", projectId), in("context.trace_id", traceIds), spanFilter))
        .projection(Projections.fields(Projections.excludeId(), Projections.include("context.trace_id")))) {
      out.add(((Document) d.get("context")).getString("trace_id"));
    }
    return out;
  }

  /**
   * Spans with an attribute {@code key} whose string form ({@code Attributes.asString}) is {@code
   * value}: the string itself, or the long, double or boolean that renders as it. Types are pinned
   * because MongoDB compares numbers across types ({@code 2.0} would match the long {@code 2}, whose
   * string form is "2", not "2.0").
   */
  static Bson attributeFilter(String key, String value) {
    List<Bson> forms = new ArrayList<>();
    forms.add(eq("v", value));
    try {
      long l = Long.parseLong(value);
      if (Long.toString(l).equals(value)) {
        forms.add(and(eq("v", l), type("v", BsonType.INT64)));
      }
    } catch (NumberFormatException e) {
      // not a whole number
    }
    try {
      double d = Double.parseDouble(value);
      if (Double.toString(d).equals(value)) {
        forms.add(and(eq("v", d), type("v", BsonType.DOUBLE)));
      }
    } catch (NumberFormatException e) {
      // not a number
    }
    if (value.equals("true") || value.equals("false")) {
      forms.add(eq("v", Boolean.parseBoolean(value)));
    }
    return elemMatch("attributes", and(eq("k", key), forms.size() == 1 ? forms.get(0) : or(forms)));
  }

  /**
   * A regular expression matching {@code text} literally: each ASCII metacharacter escaped with a
   * backslash, which PCRE (MongoDB) and java.util.regex both read as the plain character.
   */
  static String literal(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
