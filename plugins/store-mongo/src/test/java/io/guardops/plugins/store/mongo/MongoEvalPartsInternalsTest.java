package io.guardops.plugins.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.EvaluationEntry;
import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.eval.TraceScore;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.ScoreStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the contract suites of evaluations, experiments, scores and leases cannot see: the stored
 * {@code eval_data}, exact score buckets at their edges, results written from many threads, and
 * lease documents.
 */
class MongoEvalPartsInternalsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
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

  private Document storedEntry(String evalId) {
    return MONGO.get().database().getCollection(Schema.EVALUATION_ENTRIES).find(new Document("_id", evalId)).first();
  }

  private String putAndReadBack(String evalId, String data) {
    store.evaluations().orElseThrow().putEntry(new EvaluationEntry(evalId, "e1", "p1", "run", "Deepeval", data, NOW,
        NOW));
    return store.evaluations().orElseThrow().entries("e1").stream().filter(e -> e.evalId().equals(evalId))
        .findFirst().orElseThrow().evalData();
  }

  @Test
  void evalDataIsKeptAsTextWithAReadableCopyWhereOneCanBeFaithful() {
    String plain = "{ \"total_score\" : 0.75,\n  \"scores\": {\"rouge_l\": [1, 2.5e-1]}, \"name\": \"caf\\u00e9 \u4e2d\" }";
    assertThat(putAndReadBack("run/1", plain)).isEqualTo(plain);
    Document stored = storedEntry("run/1");
    assertThat(stored.getString("eval_data_json")).isEqualTo(plain);
    Document copy = (Document) stored.get("eval_data");
    assertThat(copy.getDouble("total_score")).isEqualTo(0.75);
    assertThat(((Document) copy.get("scores")).getList("rouge_l", Number.class)).extracting(Number::doubleValue)
        .containsExactly(1.0, 0.25);
    assertThat(copy.getString("name")).isEqualTo("caf\u00e9 \u4e2d");
    // queryable by path, as the original's nested eval_data was
    assertThat(MONGO.get().database().getCollection(Schema.EVALUATION_ENTRIES)
        .countDocuments(new Document("eval_data.total_score", new Document("$gte", 0.5)))).isEqualTo(1);
  }

  @Test
  void evalDataThatNoDocumentCanHoldFaithfullyIsKeptAsTextOnly() {
    List<String> texts = List.of(
        "{\"scores\": {\"answer_relevancy.v2\": [0.5, 1.0]}}",
        "{\"$meta\": {\"model.name\": \"gpt-4o\"}}",
        "{\"n\": {\"$numberLong\": \"5\"}, \"d\": {\"$date\": \"2026-01-01T00:00:00Z\"}}",
        "{\"\\u0024oid\": \"escaped dollar\"}",
        "{\"\": \"empty key\"}",
        "[1, 2, 3]",
        "not json at all {",
        "{\"deep\": " + "[".repeat(60) + "]".repeat(60) + "}");
    Set<String> names = new TreeSet<>();
    for (int i = 0; i < texts.size(); i++) {
      String id = "run/" + i;
      assertThat(putAndReadBack(id, texts.get(i))).isEqualTo(texts.get(i));
      Document stored = storedEntry(id);
      assertThat(stored.containsKey("eval_data")).as(texts.get(i)).isFalse();
      TestMongo.fieldNames(stored, names);
    }
    assertThat(names).noneMatch(n -> n.contains(".") || n.startsWith("$"));
  }

  @Test
  void scoreBucketsAreExactAtTheEdgesLateInTheNanosecondRange() {
    // near 2191, a double resolves 256 ns: a floating-point bucket would misplace these starts
    long day = MetricsQuery.Bucket.DAY.nanos();
    long boundary = (7_000_000_000_000_000_000L / day) * day;
    ScoreStore scores = store.scores().orElseThrow();
    List<TraceScore> all = new ArrayList<>();
    int n = 0;
    for (long edge : new long[] {boundary, boundary + 37 * 60_000_000_000L}) {
      for (long offset : new long[] {-1, 0, 1, -129, 129, -255, 255}) {
        n++;
        Double value = n % 4 == 0 ? null : (n % 3) * 0.25;
        all.add(new TraceScore("s" + n, "p1", String.format("a%031x", n), edge + offset, null, n % 2 == 0 ? "b" : "a",
            value, value == null ? "label" : null, "", "api", "u1", NOW));
      }
    }
    all.forEach(scores::put);
    for (MetricsQuery.Bucket b : MetricsQuery.Bucket.values()) {
      MetricsQuery q = new MetricsQuery("p1", boundary - day, boundary + day, b);
      Map<String, double[]> acc = new TreeMap<>();
      for (TraceScore s : all) {
        double[] a = acc.computeIfAbsent(String.format("%020d/%s", b.startOf(s.traceStartEpochNanos()), s.name()),
            k -> new double[3]);
        a[0]++;
        if (s.value() != null) {
          a[1] += s.value();
          a[2]++;
        }
      }
      List<ScoreStore.ScoreAggregate> want = new ArrayList<>();
      acc.forEach((k, a) -> want.add(new ScoreStore.ScoreAggregate(Long.parseLong(k.substring(0, 20)), k.substring(21),
          (long) a[0], a[2] == 0 ? null : a[1] / a[2])));
      want.sort(Comparator.comparingLong(ScoreStore.ScoreAggregate::bucketStartEpochNanos)
          .thenComparing(ScoreStore.ScoreAggregate::name));
      assertThat(scores.aggregate(q)).as(b.name()).containsExactlyElementsOf(want);
    }
  }

  @Test
  void purgesDeleteInRoundsAndSayHowManyTheyDeleted() {
    ScoreStore scores = store.scores().orElseThrow();
    for (int i = 0; i < 25; i++) {
      scores.put(new TraceScore("s" + i, "p1", String.format("a%031x", i), 1_000L * i, null, "q", 1.0, null, "", "api",
          "u1", NOW));
    }
    scores.put(new TraceScore("other", "p2", String.format("a%031x", 1), 0, null, "q", 1.0, null, "", "api", "u1", NOW));
    // before 20_000: scores 0..19, in rounds of 8 as the engine asks
    assertThat(scores.purge("p1", 20_000, 8)).isEqualTo(8);
    assertThat(scores.purge("p1", 20_000, 8)).isEqualTo(8);
    assertThat(scores.purge("p1", 20_000, 8)).isEqualTo(4);
    assertThat(scores.purge("p1", 20_000, 8)).isZero();
    assertThat(MONGO.get().database().getCollection(Schema.TRACE_SCORES).countDocuments()).isEqualTo(6);
    assertThat(scores.forTrace("p2", String.format("a%031x", 1))).hasSize(1);
  }

  @Test
  void resultsWrittenOneAtATimeFromManyThreadsAreStoredOncePerItem() throws Exception {
    store.experiments().orElseThrow().create(new Experiment("x1", "u1", "p1", "d1", 1, "run", "{}",
        Experiment.Status.RUNNING, 40, 0, 0, null, NOW, NOW, null, null));
    MongoStore other = MONGO.get().open();
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        MongoStore s = t % 2 == 0 ? store : other;
        int writer = t;
        writers.add(pool.submit(() -> {
          go.await();
          // every writer writes every item: the same keys race on experiment_results_key
          for (int i = 0; i < 40; i++) {
            s.experiments().orElseThrow().putResults(List.of(new ExperimentResult("x1", String.format("item-%02d", i),
                "out " + writer, 1_000L, 1L, 2L, 0.5, null, List.of(EvalScore.of("exact_match", writer % 2)), null)));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      other.close();
    }
    List<ExperimentResult> results = store.experiments().orElseThrow().results("x1", null, 100);
    assertThat(results).extracting(ExperimentResult::itemId).hasSize(40).doesNotHaveDuplicates().isSorted();
    assertThat(results).allSatisfy(r -> assertThat(r.output()).matches("out [0-5]"));
    assertThat(MONGO.get().database().getCollection(Schema.EXPERIMENT_RESULTS).countDocuments()).isEqualTo(40);
  }

  @Test
  void leasesOfAnyNameAreDocumentsOnlyWhileHeld() {
    MongoCollection<Document> leases = MONGO.get().database().getCollection(Schema.LEASES);
    Duration ttl = Duration.ofMinutes(5);
    List<String> names = List.of("retention", "dataset:0f3a", "experiment:x/1", "$weird.name", "a.b.c");
    for (String name : names) {
      assertThat(store.retention().tryAcquireLease(name, "host-a", NOW, ttl)).as(name).isTrue();
      assertThat(store.retention().tryAcquireLease(name, "host-b", NOW.plusSeconds(1), ttl)).as(name).isFalse();
    }
    assertThat(leases.distinct("_id", String.class).into(new ArrayList<>())).containsExactlyInAnyOrderElementsOf(names);
    store.retention().releaseLease("dataset:0f3a", "host-b");
    assertThat(leases.countDocuments()).isEqualTo(names.size());
    for (String name : names) {
      store.retention().releaseLease(name, "host-a");
    }
    assertThat(leases.countDocuments()).isZero();
    // an expired lease left behind is taken over by its next holder
    store.retention().tryAcquireLease("dataset:0f3a", "crashed", NOW, ttl);
    assertThat(store.retention().tryAcquireLease("dataset:0f3a", "host-b", NOW.plus(ttl), ttl)).isTrue();
    assertThat(leases.find().first().getString("holder")).isEqualTo("host-b");
  }
}
