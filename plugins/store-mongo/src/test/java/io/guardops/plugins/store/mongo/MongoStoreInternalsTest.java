package io.guardops.plugins.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.store.LatencySketch;
import io.guardops.api.store.MetricsAggregation;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the contract suites cannot see: the stored documents, the pipeline's exact edges, the schema guard. */
class MongoStoreInternalsTest {
  private static final long T0 = 1_700_000_000_000_000_000L;
  private static final long MS = 1_000_000L;
  @RegisterExtension
  static final TestMongo.PerClass MONGO = new TestMongo.PerClass();
  private MongoStore store;


  @BeforeEach
  void open() {
    MONGO.get().dropDatabase();
    store = MONGO.get().open();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Span.Builder span(String trace, String spanId, long startNanos, long endNanos) {
    return Span.builder().projectId("p1").traceId(trace).spanId(spanId).name("s").kind(SpanKind.CLIENT)
        .startEpochNanos(startNanos).endEpochNanos(endNanos);
  }

  @Test
  void attributeKeysNeverBecomeFieldNamesAndComeBackUnchanged() {
    Map<String, Object> deep = new LinkedHashMap<>();
    deep.put("$where", "not an operator");
    deep.put("a.b", List.of(Map.of("$x.y", List.of(1L, 2.5, "z", true)), List.of("nested", List.of("lists")),
        Arrays.asList("with", null, "null")));
    deep.put("", Map.of(".", Map.of("$", "deepest")));
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("gen_ai.usage.input_tokens", 12L);
    attrs.put("$set", Map.of("llm.request.model", "gpt-4o"));
    attrs.put("deep", deep);
    attrs.put("list.of.maps", List.of(Map.of("k.1", "v1"), Map.of("$k2", 2L)));
    Span s = span(String.format("a%031x", 1), String.format("b%015x", 1), T0, T0 + MS)
        .attributes(attrs)
        .events(List.of(new SpanEvent("exception", T0 + 5, Map.of("exception.type", "ValueError", "$e", Map.of("a.b", 1L)))))
        .resource(Map.of("service.name", "svc", "telemetry.sdk.$lang", "python"))
        .build();
    store.spans().write(List.of(s));
    assertThat(store.spans().findSpans("p1", List.of(s.traceId()))).containsExactly(s);

    Document raw = MONGO.get().database().getCollection(Schema.SPANS).find().first();
    Set<String> names = new TreeSet<>();
    TestMongo.fieldNames(raw, names);
    assertThat(names).noneMatch(n -> n.contains(".") || n.startsWith("$"));
    // the attribute keys are values of "k" instead
    assertThat(((List<?>) raw.get("attributes"))).extracting(o -> ((Document) o).getString("k"))
        .containsExactly("gen_ai.usage.input_tokens", "$set", "deep", "list.of.maps");
  }

  @Test
  void spanDocumentsKeepTheOriginalFieldNamesWhereTheyCostNothing() {
    Span s = span(String.format("a%031x", 7), String.format("b%015x", 7), T0 + 123_456_789, T0 + 200 * MS)
        .parentSpanId(String.format("c%015x", 1)).status(StatusCode.ERROR).statusMessage("boom").build();
    store.spans().write(List.of(s));
    Document raw = MONGO.get().database().getCollection(Schema.SPANS).find().first();
    Document context = (Document) raw.get("context");
    assertThat(context.getString("trace_id")).isEqualTo(s.traceId());
    assertThat(context.getString("span_id")).isEqualTo(s.spanId());
    assertThat(raw.getString("parent_id")).isEqualTo(s.parentSpanId());
    assertThat(raw.get("start_time")).isEqualTo(new Date((T0 + 123_456_789) / MS));
    assertThat(raw.getLong("start_ns")).isEqualTo(T0 + 123_456_789);
    assertThat(((Document) raw.get("status")).getString("status_code")).isEqualTo("ERROR");
    Document summary = MONGO.get().database().getCollection(Schema.TRACES).find().first();
    assertThat(summary.getString("trace_id")).isEqualTo(s.traceId());
    assertThat(summary.getString("project_id")).isEqualTo("p1");
  }

  @Test
  void metricsBucketsAreExactAtTheEdgesAndKeepZeroDurations() {
    // starts 1 ns around minute and day boundaries late in the nanosecond range, where a double has
    // a resolution of 256 ns; durations of 0 and of 1 ns
    long day = MetricsQuery.Bucket.DAY.nanos();
    long boundary = (7_000_000_000_000_000_000L / day) * day;
    List<Span> spans = new ArrayList<>();
    int n = 0;
    for (long edge : new long[] {boundary, boundary + 37 * 60_000_000_000L}) {
      for (long offset : new long[] {-1, 0, 1, -129, 129, -255, 255}) {
        for (long duration : new long[] {0, 1, 999, 1_234_567_890}) {
          n++;
          spans.add(span(String.format("a%031x", n), String.format("b%015x", n), edge + offset, edge + offset + duration)
              .llm(LlmFields.builder().requestModel(n % 3 == 0 ? "" : "m" + n % 2).inputTokens(1L).cost(n % 4 == 0 ? null : 0.5)
                  .build())
              .status(n % 5 == 0 ? StatusCode.ERROR : StatusCode.OK).build());
        }
      }
    }
    store.spans().write(spans);
    long from = boundary - day;
    long to = boundary + day;
    for (MetricsQuery.Bucket b : List.of(MetricsQuery.Bucket.MINUTE, MetricsQuery.Bucket.HOUR, MetricsQuery.Bucket.DAY)) {
      List<MetricsRow> rows = store.spans().aggregate(new MetricsQuery("p1", from, to, b));
      List<MetricsRow> exact = MetricsAggregation.aggregate(store.spans().spanStats("p1", from, to, 10_000), b);
      assertThat(rows).as(b.name()).hasSameSizeAs(exact);
      for (int i = 0; i < exact.size(); i++) {
        MetricsRow a = rows.get(i);
        MetricsRow r = exact.get(i);
        assertThat(a.bucketStartEpochNanos()).isEqualTo(r.bucketStartEpochNanos());
        assertThat(a.model()).isEqualTo(r.model());
        assertThat(a.requests()).isEqualTo(r.requests());
        assertThat(a.errors()).isEqualTo(r.errors());
        assertThat(a.inputTokens()).isEqualTo(r.inputTokens());
        assertThat(a.cost()).isEqualTo(r.cost());
        for (double p : new double[] {50, 95, 99}) {
          long want = p == 50 ? r.latencyP50Nanos() : p == 95 ? r.latencyP95Nanos() : r.latencyP99Nanos();
          long got = p == 50 ? a.latencyP50Nanos() : p == 95 ? a.latencyP95Nanos() : a.latencyP99Nanos();
          assertThat((double) got).as("p%s of %s", p, r).isCloseTo(want,
              org.assertj.core.data.Offset.offset(want * LatencySketch.RELATIVE_ACCURACY + 1));
        }
      }
    }
    assertThat(store.spans().aggregate(new MetricsQuery("p1", from, to, MetricsQuery.Bucket.MINUTE)))
        .extracting(MetricsRow::model).contains(MetricsAggregation.UNKNOWN_MODEL);
  }

  @Test
  void aServerSideBinStandsForAValueInTheSameSketchBin() {
    // from 1 µs to about 11 days: the pipeline's histogram re-enters the sketch unchanged
    for (long bin = 1400; bin < 3460; bin++) {
      long value = MetricsPipeline.representative(bin);
      assertThat(new LatencySketch().add(value, 3).quantile(50)).as("bin %d", bin).isEqualTo(value);
    }
    assertThat(MetricsPipeline.representative(MetricsPipeline.ZERO_BIN)).isZero();
  }

  @Test
  void everyIndexTheReadmeListsExists() {
    for (Map.Entry<String, List<com.mongodb.client.model.IndexModel>> e : Schema.indexes().entrySet()) {
      List<String> names = new ArrayList<>();
      for (Document index : MONGO.get().database().getCollection(e.getKey()).listIndexes()) {
        names.add(index.getString("name"));
      }
      for (com.mongodb.client.model.IndexModel m : e.getValue()) {
        assertThat(names).as(e.getKey()).contains(m.getOptions().getName());
      }
    }
  }

  @Test
  void anOriginalGuardOpsDatabaseIsRefusedWithWhatToDo() {
    store.close();
    MONGO.get().dropDatabase();
    MONGO.get().database().getCollection("Users").insertOne(new Document("user_id", "github|1")
        .append("projects", List.of(new Document("project_id", "p").append("name", "Default Project"))));
    assertThatThrownBy(() -> store = MONGO.get().open()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Users").hasMessageContaining("guardops import-mongo")
        .hasMessageContaining("guardops.store.mongo.database");
    MONGO.get().dropDatabase();
    store = MONGO.get().open();
  }

  @Test
  void aDatabaseOfANewerSchemaIsRefused() {
    MONGO.get().database().getCollection(Schema.SCHEMA).updateOne(new Document("_id", "guardops"),
        new Document("$set", new Document("version", Schema.VERSION + 1)));
    assertThatThrownBy(() -> MONGO.get().open()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("schema v" + (Schema.VERSION + 1));
  }
}
