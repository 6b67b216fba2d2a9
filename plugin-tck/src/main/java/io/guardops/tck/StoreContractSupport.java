package io.guardops.tck;

import io.guardops.api.ApiKey;
import io.guardops.api.LlmFields;
import io.guardops.api.Project;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.Store;
import io.guardops.api.store.TracePage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of every store part's contract suite: opens the backend before each test (skipping the
 * test with the backend's message when it is unavailable), clears it, opens a store over it, and
 * closes both afterwards. Time is always passed explicitly (the store API takes instants and epoch
 * nanos), so no test sleeps. An implementation's test class nests one subclass of each suite, each
 * saying how to open the backend:
 *
 * <pre>{@code
 * class SqliteStoreContractsTest {
 *   @Nested class Users extends UserStoreContract {
 *     @Override protected StoreBackend backend(Path dir) { return new SqliteBackend(dir); }
 *   }
 *   ...
 * }
 * }</pre>
 */
public abstract class StoreContractSupport {
  /** 2023-11-14T22:13:20Z in nanos: a round base for span times. */
  protected static final long T0 = 1_700_000_000_000_000_000L;
  protected static final long MS = 1_000_000L;
  protected static final long SECOND = 1_000_000_000L;
  protected static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  /** A fresh directory per test, for backends that keep files. */
  @TempDir
  protected Path dir;

  /** The backend of the current test. */
  protected StoreBackend backend;

  /** The store under test, opened before each test and closed after it. */
  protected Store store;

  /**
   * The backend to test over {@code dir} (a fresh, empty directory). A server-backed store returns a
   * backend over a shared server here; the suite clears it before each test.
   */
  protected abstract StoreBackend backend(Path dir) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    backend = backend(dir);
    java.util.Optional<String> why = backend.unavailable();
    if (why.isPresent()) {
      backend.close();
      backend = null;
      Assumptions.abort(why.get());
    }
    backend.clear();
    store = backend.open();
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store != null) {
      store.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  /** Closes the current store and opens a new one over the same backend (a restart). */
  protected Store reopen() throws Exception {
    store.close();
    store = backend.open();
    return store;
  }

  // ------------------------------------------------------------------------------- helpers

  /** A valid trace id derived from {@code n}. */
  protected static String traceId(int n) {
    return String.format("a%031x", n);
  }

  /** A valid span id derived from {@code n}. */
  protected static String spanId(int n) {
    return String.format("b%015x", n);
  }

  /** A span builder with the required fields set; times are offsets in milliseconds from {@link #T0}. */
  protected static Span.Builder span(String projectId, String traceId, String spanId, String parent, String name,
      long startMs, long endMs) {
    return Span.builder().projectId(projectId).traceId(traceId).spanId(spanId).parentSpanId(parent).name(name)
        .kind(SpanKind.INTERNAL).startEpochNanos(T0 + startMs * MS).endEpochNanos(T0 + endMs * MS)
        .status(StatusCode.UNSET);
  }

  /** A root span of trace {@code n} in {@code projectId}. */
  protected static Span root(String projectId, int n, long startMs, long endMs) {
    return span(projectId, traceId(n), spanId(n * 100), null, "root-" + n, startMs, endMs).build();
  }

  /** LLM fields with the given model and tokens. */
  protected static LlmFields llm(String model, Long in, Long out, Double cost) {
    return LlmFields.builder().operation("chat").provider("openai").requestModel(model).responseModel(model)
        .inputTokens(in).outputTokens(out).cost(cost).build();
  }

  protected static Project project(String id, String owner, Instant createdAt) {
    return Project.builder().projectId(id).ownerId(owner).name("Project " + id).description("about " + id)
        .tags(List.of("a", "b")).retentionDays(0).createdAt(createdAt).build();
  }

  protected static String hash(int n) {
    return String.format("%064x", n + 1);
  }

  protected static ApiKey key(String id, String owner, int n, Instant createdAt) {
    return new ApiKey(id, owner, hash(n), "gk-...x" + n, createdAt, null);
  }

  protected TraceSummary summary(String projectId, String traceId) {
    return store.spans().findTrace(projectId, traceId)
        .orElseThrow(() -> new AssertionError("no summary for " + traceId));
  }

  protected static List<String> ids(TracePage page) {
    return page.traces().stream().map(TraceSummary::traceId).collect(Collectors.toList());
  }

  /** The summary the shared rule gives for the spans stored now. */
  protected TraceSummary expectedSummary(Store s, String projectId, String traceId) {
    return TraceSummary.of(projectId, traceId, s.spans().findSpans(projectId, List.of(traceId)).stream()
        .map(TraceSummary.SpanFacts::of).collect(Collectors.toList()));
  }
}
