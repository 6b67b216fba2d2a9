package io.guardops.plugins.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.Store;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The summary protocol under the interleavings that break naive "recompute and overwrite": two store
 * instances ("hosts") write spans of one trace, and the first is held between reading the span
 * facts and writing its summary while the second runs a whole write. Its late summary, computed from
 * fewer or older spans, must not replace the newer one (RATIONALE.md walks through each case).
 */
class SummaryInterleavingTest {
  private static final long T0 = 1_700_000_000_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final String TRACE = String.format("a%031x", 1);
  @RegisterExtension
  static final TestMongo.PerClass MONGO = new TestMongo.PerClass();

  private final Pause pause = new Pause();
  private ExecutorService pool;
  private MongoStore slow;
  private MongoStore fast;

  /** Holds the writer thread it is armed for at the seam, until released. */
  private static final class Pause implements Runnable {
    volatile Thread target;
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void run() {
      if (Thread.currentThread() == target) {
        reached.countDown();
        try {
          if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the paused writer was never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }


  @BeforeEach
  void open() {
    MONGO.get().dropDatabase();
    slow = MongoStore.open(MongoSettings.from(MONGO.get().config()), pause);
    fast = MONGO.get().open();
    pool = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void close() {
    pool.shutdownNow();
    slow.close();
    fast.close();
  }

  private static Span span(int n, String parent, long startMs, long endMs, StatusCode status, LlmFields llm) {
    return Span.builder().projectId("p1").traceId(TRACE).spanId(String.format("b%015x", n))
        .parentSpanId(parent == null ? null : String.format("b%015x", Integer.parseInt(parent))).name("span-" + n)
        .kind(SpanKind.INTERNAL).startEpochNanos(T0 + startMs * MS).endEpochNanos(T0 + endMs * MS).status(status)
        .llm(llm).build();
  }

  /** Starts {@code spans} through the slow instance and returns once it is held at the seam. */
  private Future<?> writeAndHold(List<Span> spans) throws Exception {
    CountDownLatch armed = new CountDownLatch(1);
    Future<?> f = pool.submit(() -> {
      pause.target = Thread.currentThread();
      armed.countDown();
      slow.spans().write(spans);
      return null;
    });
    armed.await();
    assertThat(pause.reached.await(30, TimeUnit.SECONDS)).as("the slow writer reached the seam").isTrue();
    return f;
  }

  private static TraceSummary expected(Store s) {
    return TraceSummary.of("p1", TRACE, s.spans().findSpans("p1", List.of(TRACE)).stream()
        .map(TraceSummary.SpanFacts::of).collect(Collectors.toList()));
  }

  @Test
  void aSummaryOfFewerSpansArrivingLateDoesNotReplaceTheNewerOne() throws Exception {
    Span root = span(1, null, 0, 100, StatusCode.UNSET, LlmFields.EMPTY);
    Span child = span(2, "1", 10, 300, StatusCode.ERROR, LlmFields.builder().requestModel("m").inputTokens(5L).build());
    // the slow writer stores the root and reads {root}; the fast one stores the child and summarises {root, child}
    Future<?> late = writeAndHold(List.of(root));
    fast.spans().write(List.of(child));
    assertThat(fast.spans().findTrace("p1", TRACE).orElseThrow().spanCount()).isEqualTo(2);
    pause.release.countDown();
    late.get(30, TimeUnit.SECONDS);
    TraceSummary s = fast.spans().findTrace("p1", TRACE).orElseThrow();
    assertThat(s.spanCount()).isEqualTo(2);
    assertThat(s.errorCount()).isEqualTo(1);
    assertThat(s).isEqualTo(expected(fast));
  }

  @Test
  void aSummaryOfAnOlderVersionOfAResentSpanDoesNotReplaceTheNewerOne() throws Exception {
    Span a = span(1, null, 0, 100, StatusCode.UNSET, LlmFields.EMPTY);
    Span b = span(2, "1", 10, 20, StatusCode.UNSET, LlmFields.EMPTY);
    fast.spans().write(List.of(a, b));
    // same span count throughout: only the versions of the spans tell the summaries apart
    Span aChanged = span(1, null, 0, 150, StatusCode.UNSET, LlmFields.EMPTY);
    Span bChanged = span(2, "1", 10, 900, StatusCode.ERROR, LlmFields.builder().requestModel("m2").build());
    Future<?> late = writeAndHold(List.of(aChanged));
    fast.spans().write(List.of(bChanged));
    pause.release.countDown();
    late.get(30, TimeUnit.SECONDS);
    TraceSummary s = slow.spans().findTrace("p1", TRACE).orElseThrow();
    assertThat(s.endEpochNanos()).isEqualTo(T0 + 900 * MS);
    assertThat(s.errorCount()).isEqualTo(1);
    assertThat(s.model()).isEqualTo("m2");
    assertThat(s).isEqualTo(expected(slow));
  }

  @Test
  void theFirstSummaryRacingANewerOneLosesOnTheUniqueKey() throws Exception {
    // no summary exists yet: the late writer's upsert finds nothing older and its insert hits the
    // newer summary the fast writer inserted meanwhile (a duplicate key); it re-reads and gives up
    Span a = span(1, null, 0, 100, StatusCode.UNSET, LlmFields.EMPTY);
    Future<?> late = writeAndHold(List.of(a));
    fast.spans().write(List.of(span(2, "1", 5, 50, StatusCode.UNSET, LlmFields.EMPTY),
        span(3, "1", 6, 60, StatusCode.UNSET, LlmFields.EMPTY)));
    pause.release.countDown();
    late.get(30, TimeUnit.SECONDS);
    assertThat(fast.spans().findTrace("p1", TRACE).orElseThrow().spanCount()).isEqualTo(3);
    assertThat(fast.spans().findTrace("p1", TRACE).orElseThrow()).isEqualTo(expected(fast));
  }

  @Test
  void aLateSummaryOfAnUnchangedResendChangesNothing() throws Exception {
    // a retried write: the late summary is newer by version but identical in content
    Span a = span(1, null, 0, 100, StatusCode.OK, LlmFields.EMPTY);
    fast.spans().write(List.of(a));
    Future<?> late = writeAndHold(List.of(a));
    TraceSummary between = fast.spans().findTrace("p1", TRACE).orElseThrow();
    pause.release.countDown();
    late.get(30, TimeUnit.SECONDS);
    assertThat(fast.spans().findTrace("p1", TRACE).orElseThrow()).isEqualTo(between).isEqualTo(expected(fast));
  }

  @Test
  void anOlderSummaryWrittenFirstIsReplacedByTheNewerOne() throws Exception {
    // the opposite order: the newer summary comes last and must win over the one already there
    Span a = span(1, null, 0, 100, StatusCode.UNSET, LlmFields.EMPTY);
    fast.spans().write(List.of(a));
    Future<?> late = writeAndHold(List.of(span(2, "1", 1, 500, StatusCode.ERROR, LlmFields.EMPTY)));
    // the late writer read {a, 2}; nothing newer happens, so its summary is the newest when it lands
    TraceSummary before = fast.spans().findTrace("p1", TRACE).orElseThrow();
    assertThat(before.spanCount()).isEqualTo(1);
    pause.release.countDown();
    late.get(30, TimeUnit.SECONDS);
    TraceSummary after = fast.spans().findTrace("p1", TRACE).orElseThrow();
    assertThat(after.spanCount()).isEqualTo(2);
    assertThat(after).isEqualTo(expected(fast));
  }
}
