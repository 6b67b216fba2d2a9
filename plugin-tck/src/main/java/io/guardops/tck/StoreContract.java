package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.guardops.api.ApiKey;
import io.guardops.api.CleanupRecord;
import io.guardops.api.Health;
import io.guardops.api.LlmFields;
import io.guardops.api.Project;
import io.guardops.api.PurgeResult;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.SpanStat;
import io.guardops.api.StatusCode;
import io.guardops.api.Store;
import io.guardops.api.TracePage;
import io.guardops.api.TraceQuery;
import io.guardops.api.TraceQuery.StatusFilter;
import io.guardops.api.TraceSummary;
import io.guardops.api.User;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite every {@link Store} passes. An implementation's test extends this class
 * and says how to open a store over a directory; each test gets a fresh, empty directory. Time is
 * always passed explicitly (the store API takes instants and epoch nanos), so no test sleeps.
 *
 * <p>Where the {@link Store} javadoc leaves a choice open, this suite pins the reading every store
 * must share:
 * <ul>
 *   <li>trace time filters select by trace start: {@code from} inclusive, {@code to} exclusive;</li>
 *   <li>the model filter matches the trace summary's model, which is the model of the trace's
 *       earliest non-aggregate span that has one (else of any span);</li>
 *   <li>{@code minDurationNanos} compares with the summary's {@code end - start};</li>
 *   <li>{@code totalTokens} of a summary sums {@link LlmFields#effectiveTotalTokens()};</li>
 *   <li>{@link Store#findSpans} orders by trace id, then start time;</li>
 *   <li>{@link PurgeResult#complete()} is true when no trace older than the cutoff remains.</li>
 * </ul>
 */
public abstract class StoreContract {
  /** 2023-11-14T22:13:20Z in nanos: a round base for span times. */
  protected static final long T0 = 1_700_000_000_000_000_000L;
  protected static final long MS = 1_000_000L;
  protected static final long SECOND = 1_000_000_000L;
  protected static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  protected Path dir;

  /** The store under test, opened by {@link #newStore} before each test and closed after it. */
  protected Store store;

  /**
   * Opens a store over {@code dir}. Called once per test with a fresh empty directory, and again
   * with the same directory by tests that check persistence (when {@link #persistent()}).
   */
  protected abstract Store newStore(Path dir) throws Exception;

  /** Whether a store reopened over the same directory sees what the previous one wrote. */
  protected boolean persistent() {
    return true;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = newStore(dir);
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
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

  private TraceSummary summary(String projectId, String traceId) {
    return store.findTrace(projectId, traceId).orElseThrow(() -> new AssertionError("no summary for " + traceId));
  }

  private List<String> ids(TracePage page) {
    return page.traces().stream().map(TraceSummary::traceId).collect(Collectors.toList());
  }

  // ------------------------------------------------------------------------------- lifecycle

  @Test
  void checkReportsHealthy() {
    Health h = store.check();
    assertThat(h.healthy()).as(h.detail()).isTrue();
  }

  @Test
  void closeIsIdempotent() {
    store.close();
    store.close();
    store = null;
  }

  @Test
  void emptyWriteIsANoOp() {
    store.writeSpans(List.of());
    assertThat(store.findTraces(TraceQuery.page("p1", 0, 10)).traces()).isEmpty();
  }

  @Test
  void dataSurvivesReopen() throws Exception {
    assumeThat(persistent()).as("store is not persistent").isTrue();
    store.createUser(new User("u1", NOW));
    store.createProject(project("p1", "u1", NOW));
    store.writeSpans(List.of(root("p1", 1, 0, 100)));
    store.close();
    store = newStore(dir);
    assertThat(store.findUser("u1")).isPresent();
    assertThat(store.findProject("p1")).isPresent();
    assertThat(store.findTrace("p1", traceId(1))).isPresent();
    assertThat(store.findSpans("p1", List.of(traceId(1)))).hasSize(1);
  }

  // ------------------------------------------------------------------------------- users

  @Test
  void createUserIsIdempotent() {
    assertThat(store.createUser(new User("u1", NOW))).isTrue();
    assertThat(store.createUser(new User("u1", NOW.plusSeconds(60)))).isFalse();
    assertThat(store.findUser("u1")).contains(new User("u1", NOW));
    assertThat(store.findUser("nobody")).isEmpty();
    assertThat(store.listUserIds()).containsExactly("u1");
  }

  @Test
  void listUserIdsInCreationOrder() {
    store.createUser(new User("zed", NOW));
    store.createUser(new User("github|42", NOW.minusSeconds(5)));
    store.createUser(new User("0", NOW.plusSeconds(5)));
    store.createUser(new User("zed", NOW));
    assertThat(store.listUserIds()).containsExactly("zed", "github|42", "0");
  }

  // ------------------------------------------------------------------------------- projects

  @Test
  void createAndFindProject() {
    Project p = project("p1", "u1", NOW).toBuilder().retentionDays(30).latencyWarningSeconds(2)
        .latencyCriticalSeconds(4).tags(List.of("prod", "chat")).build();
    store.createProject(p);
    assertThat(store.findProject("p1")).contains(p);
    assertThat(store.findProject("p2")).isEmpty();
  }

  @Test
  void createProjectWithExistingIdIsRejected() {
    store.createProject(project("p1", "u1", NOW));
    assertThatThrownBy(() -> store.createProject(project("p1", "u2", NOW)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.findProject("p1").orElseThrow().ownerId()).isEqualTo("u1");
  }

  @Test
  void listProjectsShowsOnlyTheOwnersOldestFirst() {
    store.createProject(project("p-new", "u1", NOW.plusSeconds(10)));
    store.createProject(project("p-other", "u2", NOW));
    store.createProject(project("p-old", "u1", NOW));
    assertThat(store.listProjects("u1")).extracting(Project::projectId).containsExactly("p-old", "p-new");
    assertThat(store.listProjects("u2")).extracting(Project::projectId).containsExactly("p-other");
    assertThat(store.listProjects("u3")).isEmpty();
  }

  @Test
  void listProjectsWithRetention() {
    store.createProject(project("keep", "u1", NOW));
    store.createProject(project("r30", "u1", NOW).toBuilder().retentionDays(30).build());
    store.createProject(project("r1", "u2", NOW.plusSeconds(1)).toBuilder().retentionDays(1).build());
    assertThat(store.listProjectsWithRetention()).extracting(Project::projectId)
        .containsExactlyInAnyOrder("r30", "r1");
  }

  @Test
  void updateProjectReplacesMutableFieldsOnly() {
    store.createProject(project("p1", "u1", NOW));
    Project changed = Project.builder().projectId("p1").ownerId("intruder").name("Renamed").description("new")
        .tags(List.of("x")).retentionDays(7).latencyWarningSeconds(1).latencyCriticalSeconds(3)
        .createdAt(NOW.plusSeconds(999)).build();
    assertThat(store.updateProject(changed)).isTrue();
    Project stored = store.findProject("p1").orElseThrow();
    assertThat(stored.ownerId()).isEqualTo("u1");
    assertThat(stored.createdAt()).isEqualTo(NOW);
    assertThat(stored.name()).isEqualTo("Renamed");
    assertThat(stored.description()).isEqualTo("new");
    assertThat(stored.tags()).containsExactly("x");
    assertThat(stored.retentionDays()).isEqualTo(7);
    assertThat(stored.latencyWarningSeconds()).isEqualTo(1.0);
    assertThat(stored.latencyCriticalSeconds()).isEqualTo(3.0);
    assertThat(store.listProjectsWithRetention()).extracting(Project::projectId).containsExactly("p1");
    assertThat(store.updateProject(project("missing", "u1", NOW))).isFalse();
    assertThat(store.findProject("missing")).isEmpty();
  }

  @Test
  void deleteProjectWithoutCascadeKeepsItsTraces() {
    store.createProject(project("p1", "u1", NOW));
    store.writeSpans(List.of(root("p1", 1, 0, 10)));
    assertThat(store.deleteProject("p1", false)).isTrue();
    assertThat(store.findProject("p1")).isEmpty();
    assertThat(store.listProjects("u1")).isEmpty();
    assertThat(store.findTrace("p1", traceId(1))).isPresent();
    assertThat(store.findSpans("p1", List.of(traceId(1)))).hasSize(1);
    assertThat(store.deleteProject("p1", false)).isFalse();
  }

  @Test
  void deleteProjectWithCascadeRemovesSpansAndSummaries() {
    store.createProject(project("p1", "u1", NOW));
    store.createProject(project("p2", "u1", NOW));
    store.writeSpans(List.of(root("p1", 1, 0, 10), root("p1", 2, 0, 10), root("p2", 1, 0, 10)));
    assertThat(store.deleteProject("p1", true)).isTrue();
    assertThat(store.findProject("p1")).isEmpty();
    assertThat(store.findTrace("p1", traceId(1))).isEmpty();
    assertThat(store.findSpans("p1", List.of(traceId(1), traceId(2)))).isEmpty();
    assertThat(store.findTraces(TraceQuery.page("p1", 0, 10)).traces()).isEmpty();
    assertThat(store.countTraces(List.of("p1", "p2"))).containsEntry("p1", 0L).containsEntry("p2", 1L);
    assertThat(store.findTrace("p2", traceId(1))).isPresent();
    assertThat(store.deleteProject("p1", true)).isFalse();
    assertThat(store.deleteProject("never", true)).isFalse();
  }

  @Test
  void countTracesInOneCallIncludingZeros() {
    store.writeSpans(List.of(root("p1", 1, 0, 10), root("p1", 2, 0, 10), root("p1", 3, 0, 10),
        root("p2", 1, 0, 10),
        span("p1", traceId(1), spanId(7), spanId(100), "child", 1, 2).build()));
    Map<String, Long> counts = store.countTraces(List.of("p1", "p2", "p3"));
    assertThat(counts).containsOnly(Map.entry("p1", 3L), Map.entry("p2", 1L), Map.entry("p3", 0L));
    assertThat(store.countTraces(List.of())).isEmpty();
  }

  // ------------------------------------------------------------------------------- API keys

  @Test
  void apiKeysAreFoundByHash() {
    ApiKey k = key("k1", "u1", 1, NOW);
    store.createApiKey(k);
    assertThat(store.findApiKeyByHash(hash(1))).contains(k);
    assertThat(store.findApiKeyByHash(hash(2))).isEmpty();
  }

  @Test
  void duplicateKeyIdOrHashIsRejected() {
    store.createApiKey(key("k1", "u1", 1, NOW));
    assertThatThrownBy(() -> store.createApiKey(key("k1", "u1", 2, NOW)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.createApiKey(key("k2", "u2", 1, NOW)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.listApiKeys("u2")).isEmpty();
    assertThat(store.findApiKeyByHash(hash(2))).isEmpty();
  }

  @Test
  void apiKeysListedByOwnerOldestFirst() {
    store.createApiKey(key("k-new", "u1", 1, NOW.plusSeconds(10)));
    store.createApiKey(key("k-other", "u2", 2, NOW));
    store.createApiKey(key("k-old", "u1", 3, NOW));
    assertThat(store.listApiKeys("u1")).extracting(ApiKey::keyId).containsExactly("k-old", "k-new");
    assertThat(store.listApiKeys("u3")).isEmpty();
  }

  @Test
  void deleteApiKeyOnlyDeletesTheOwnersKey() {
    store.createApiKey(key("k1", "u1", 1, NOW));
    assertThat(store.deleteApiKey("u2", "k1")).isFalse();
    assertThat(store.findApiKeyByHash(hash(1))).isPresent();
    assertThat(store.deleteApiKey("u1", "k1")).isTrue();
    assertThat(store.findApiKeyByHash(hash(1))).isEmpty();
    assertThat(store.deleteApiKey("u1", "k1")).isFalse();
  }

  @Test
  void touchApiKeyRecordsLastUse() {
    store.createApiKey(key("k1", "u1", 1, NOW));
    store.touchApiKey("k1", NOW.plusSeconds(30));
    store.touchApiKey("missing", NOW);
    assertThat(store.findApiKeyByHash(hash(1)).orElseThrow().lastUsedAt()).isEqualTo(NOW.plusSeconds(30));
    assertThat(store.listApiKeys("u1").get(0).lastUsedAt()).isEqualTo(NOW.plusSeconds(30));
  }

  // ------------------------------------------------------------------------------- spans

  @Test
  void spansRoundTripWithAllFields() {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("gen_ai.system", "openai");
    attrs.put("count", 3L);
    attrs.put("ratio", 0.25);
    attrs.put("flag", true);
    attrs.put("list", List.of("x", "y"));
    attrs.put("nested", Map.of("k", "v"));
    attrs.put("quote\"and\\slash", "line\nbreak \u00e9\u4e2d");
    Span s = span("p1", traceId(1), spanId(1), spanId(2), "chat gpt-4o", 0, 1234)
        .kind(SpanKind.CLIENT).status(StatusCode.ERROR).statusMessage("boom")
        .attributes(attrs)
        .events(List.of(new SpanEvent("exception", T0 + 5 * MS, Map.of("exception.message", "bad"))))
        .resource(Map.of("service.name", "svc"))
        .llm(LlmFields.builder().operation("chat").provider("openai").requestModel("gpt-4o")
            .responseModel("gpt-4o-2024").inputTokens(10L).outputTokens(20L).cachedInputTokens(3L)
            .reasoningTokens(4L).totalTokens(30L).cost(0.0125).currency("EUR").prompt("hi 'there'")
            .output("hello").sessionId("s1").userId("end-user").usageIsAggregate(false).build())
        .build();
    store.writeSpans(List.of(s));
    assertThat(store.findSpans("p1", List.of(traceId(1)))).containsExactly(s);
  }

  @Test
  void resendingASpanNeverDuplicatesIt() {
    List<Span> trace = List.of(
        root("p1", 1, 0, 100).withLlm(llm("gpt-4o", 10L, 5L, 0.01)),
        span("p1", traceId(1), spanId(1), spanId(100), "llm", 10, 50).llm(llm("gpt-4o", 7L, 3L, 0.02)).build());
    store.writeSpans(trace);
    store.writeSpans(trace);
    store.writeSpans(List.of(trace.get(1)));
    assertThat(store.findSpans("p1", List.of(traceId(1)))).hasSize(2);
    TraceSummary s = summary("p1", traceId(1));
    assertThat(s.spanCount()).isEqualTo(2);
    assertThat(s.inputTokens()).isEqualTo(17);
    assertThat(s.outputTokens()).isEqualTo(8);
    assertThat(s.cost()).isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(store.countTraces(List.of("p1"))).containsEntry("p1", 1L);
  }

  @Test
  void duplicateSpanWithinOneBatchIsStoredOnce() {
    Span s = root("p1", 1, 0, 100);
    store.writeSpans(List.of(s, s));
    assertThat(store.findSpans("p1", List.of(traceId(1)))).hasSize(1);
    assertThat(summary("p1", traceId(1)).spanCount()).isEqualTo(1);
  }

  @Test
  void resentSpanReplacesTheStoredOne() {
    Span child = span("p1", traceId(1), spanId(1), spanId(100), "first", 10, 20).build();
    store.writeSpans(List.of(root("p1", 1, 0, 100), child));
    assertThat(summary("p1", traceId(1)).errorCount()).isZero();
    Span changed = span("p1", traceId(1), spanId(1), spanId(100), "second", 10, 20).status(StatusCode.ERROR).build();
    store.writeSpans(List.of(changed));
    assertThat(store.findSpans("p1", List.of(traceId(1)))).contains(changed).hasSize(2);
    assertThat(summary("p1", traceId(1)).errorCount()).isEqualTo(1);
  }

  @Test
  void childrenBeforeRootThenRootFixesTheSummary() {
    String t = traceId(1);
    store.writeSpans(List.of(
        span("p1", t, spanId(2), spanId(1), "late-child", 30, 40).build(),
        span("p1", t, spanId(3), spanId(1), "early-child", 20, 90).build()));
    TraceSummary before = summary("p1", t);
    assertThat(before.rootSpanId()).isNull();
    assertThat(before.rootName()).isEqualTo("early-child");
    assertThat(before.startEpochNanos()).isEqualTo(T0 + 20 * MS);
    assertThat(before.spanCount()).isEqualTo(2);

    store.writeSpans(List.of(span("p1", t, spanId(1), null, "agent run", 10, 50).build()));
    TraceSummary after = summary("p1", t);
    assertThat(after.rootSpanId()).isEqualTo(spanId(1));
    assertThat(after.rootName()).isEqualTo("agent run");
    assertThat(after.startEpochNanos()).isEqualTo(T0 + 10 * MS);
    assertThat(after.endEpochNanos()).isEqualTo(T0 + 90 * MS);
    assertThat(after.spanCount()).isEqualTo(3);
  }

  @Test
  void summaryAggregatesTheTrace() {
    String t = traceId(1);
    LlmFields aggregate = LlmFields.builder().requestModel("gpt-4o").inputTokens(1000L).outputTokens(1000L)
        .totalTokens(2000L).cost(9.0).usageIsAggregate(true).build();
    store.writeSpans(List.of(
        span("p1", t, spanId(1), null, "agent", 0, 500).llm(aggregate).build(),
        span("p1", t, spanId(2), spanId(1), "llm-1", 10, 200).status(StatusCode.ERROR)
            .llm(llm("gpt-4o", 100L, 50L, 0.5)).build(),
        span("p1", t, spanId(3), spanId(1), "llm-2", 200, 700)
            .llm(LlmFields.builder().requestModel("gpt-4o").inputTokens(10L).outputTokens(5L).totalTokens(20L)
                .build()).build(),
        span("p1", t, spanId(4), spanId(1), "tool", 5, 6).status(StatusCode.ERROR).build(),
        span("p1", t, spanId(5), spanId(1), "ok", 7, 8).status(StatusCode.OK).build()));
    TraceSummary s = summary("p1", t);
    assertThat(s.projectId()).isEqualTo("p1");
    assertThat(s.traceId()).isEqualTo(t);
    assertThat(s.rootSpanId()).isEqualTo(spanId(1));
    assertThat(s.rootName()).isEqualTo("agent");
    assertThat(s.startEpochNanos()).isEqualTo(T0);
    assertThat(s.endEpochNanos()).isEqualTo(T0 + 700 * MS);
    assertThat(s.durationNanos()).isEqualTo(700 * MS);
    assertThat(s.spanCount()).isEqualTo(5);
    assertThat(s.errorCount()).isEqualTo(2);
    assertThat(s.inputTokens()).isEqualTo(110);
    assertThat(s.outputTokens()).isEqualTo(55);
    assertThat(s.totalTokens()).isEqualTo(150 + 20);
    assertThat(s.cost()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.model()).isEqualTo("gpt-4o");
  }

  @Test
  void summaryCostIsNullWhenNoSpanHadAPrice() {
    store.writeSpans(List.of(root("p1", 1, 0, 10).withLlm(llm("local-llama", 5L, 5L, null))));
    TraceSummary s = summary("p1", traceId(1));
    assertThat(s.cost()).isNull();
    assertThat(s.totalTokens()).isEqualTo(10);
    store.writeSpans(List.of(root("p1", 2, 0, 10)));
    TraceSummary plain = summary("p1", traceId(2));
    assertThat(plain.cost()).isNull();
    assertThat(plain.model()).isNull();
    assertThat(plain.inputTokens()).isZero();
    assertThat(plain.totalTokens()).isZero();
  }

  @Test
  void aggregateUsageCountsWhenNoSpanReportsItsOwn() {
    // an agent span with usage whose children were not instrumented: its usage is all there is
    LlmFields aggregate = LlmFields.builder().requestModel("gpt-4o").inputTokens(300L).outputTokens(70L)
        .cost(0.25).usageIsAggregate(true).build();
    store.writeSpans(List.of(
        span("p1", traceId(1), spanId(1), null, "agent", 0, 500).llm(aggregate).build(),
        span("p1", traceId(1), spanId(2), spanId(1), "tool", 10, 20).build()));
    TraceSummary s = summary("p1", traceId(1));
    assertThat(s.inputTokens()).isEqualTo(300);
    assertThat(s.outputTokens()).isEqualTo(70);
    assertThat(s.totalTokens()).isEqualTo(370);
    assertThat(s.cost()).isEqualTo(0.25);
    // once a child reports its own usage, the wrapper's repeat of it no longer counts
    store.writeSpans(List.of(span("p1", traceId(1), spanId(3), spanId(1), "llm", 30, 400)
        .llm(llm("gpt-4o", 300L, 70L, 0.25)).build()));
    s = summary("p1", traceId(1));
    assertThat(s.inputTokens()).isEqualTo(300);
    assertThat(s.totalTokens()).isEqualTo(370);
    assertThat(s.cost()).isEqualTo(0.25);
  }

  @Test
  void summaryTieBreaksAndModelPreferenceFollowTheSharedRules() {
    String t = traceId(1);
    LlmFields agentModel = LlmFields.builder().requestModel("agent-model").usageIsAggregate(true).build();
    store.writeSpans(List.of(
        // two roots starting together: the smaller span id is the root
        span("p1", t, spanId(9), null, "root-b", 0, 100).llm(agentModel).build(),
        span("p1", t, spanId(8), null, "root-a", 0, 100).build(),
        // the model comes from the span that made the call, even though the agent span starts first
        span("p1", t, spanId(5), spanId(8), "call-late", 50, 60).llm(llm("late-model", 1L, 1L, null)).build(),
        span("p1", t, spanId(4), spanId(8), "call-early", 20, 30).llm(llm("early-model", 1L, 1L, null)).build()));
    TraceSummary s = summary("p1", t);
    assertThat(s.rootSpanId()).isEqualTo(spanId(8));
    assertThat(s.rootName()).isEqualTo("root-a");
    assertThat(s.model()).isEqualTo("early-model");
    assertThat(s).isEqualTo(TraceSummary.of("p1", t, store.findSpans("p1", List.of(t)).stream()
        .map(TraceSummary.SpanFacts::of).collect(Collectors.toList())));
  }

  @Test
  void summariesMatchTheSharedRulesWhateverTheArrivalOrder() {
    // random traces, spans sent in random batches, children before roots, some spans re-sent changed
    java.util.Random random = new java.util.Random(20261201);
    Map<String, Map<String, Span>> expected = new LinkedHashMap<>();
    List<Span> pending = new ArrayList<>();
    for (int trace = 1; trace <= 30; trace++) {
      String project = trace % 3 == 0 ? "p2" : "p1";
      int spans = 1 + random.nextInt(12);
      for (int i = 0; i < spans; i++) {
        long start = random.nextInt(1000);
        boolean aggregate = i == 0 && random.nextBoolean();
        LlmFields fields = random.nextInt(3) == 0 ? LlmFields.EMPTY : LlmFields.builder()
            .requestModel(random.nextBoolean() ? "model-" + random.nextInt(3) : null)
            .inputTokens(random.nextBoolean() ? (long) random.nextInt(500) : null)
            .outputTokens((long) random.nextInt(100))
            .totalTokens(random.nextInt(4) == 0 ? (long) random.nextInt(900) : null)
            .cost(random.nextBoolean() ? random.nextInt(1000) / 1000.0 : null)
            .usageIsAggregate(aggregate).build();
        Span s = span(project, traceId(trace), spanId(trace * 100 + i), i == 0 ? null : spanId(trace * 100),
            "span-" + i, start, start + random.nextInt(500)).status(StatusCode.values()[random.nextInt(3)])
            .llm(fields).build();
        pending.add(s);
        if (random.nextInt(5) == 0) {
          // a re-send that changes the span: the last one written wins
          pending.add(span(project, traceId(trace), s.spanId(), s.parentSpanId(), "resent-" + i, start + 1,
              start + 600).status(StatusCode.ERROR).llm(llm("model-9", 7L, 3L, 0.5)).build());
        }
      }
    }
    java.util.Collections.shuffle(pending, random);
    // keep each span's re-send after its first version, as a client would
    pending.sort(java.util.Comparator.comparing((Span s) -> s.name().startsWith("resent-")));
    int at = 0;
    while (at < pending.size()) {
      int n = 1 + random.nextInt(25);
      List<Span> batch = pending.subList(at, Math.min(pending.size(), at + n));
      store.writeSpans(batch);
      for (Span s : batch) {
        expected.computeIfAbsent(s.projectId() + "/" + s.traceId(), k -> new LinkedHashMap<>()).put(s.spanId(), s);
      }
      at += n;
    }
    for (Map.Entry<String, Map<String, Span>> e : expected.entrySet()) {
      String[] pt = e.getKey().split("/");
      TraceSummary want = TraceSummary.of(pt[0], pt[1], e.getValue().values().stream()
          .map(TraceSummary.SpanFacts::of).collect(Collectors.toList()));
      assertThat(summary(pt[0], pt[1])).as(e.getKey()).isEqualTo(want);
      assertThat(store.findSpans(pt[0], List.of(pt[1]))).as(e.getKey())
          .containsExactlyInAnyOrderElementsOf(e.getValue().values());
    }
  }

  @Test
  void summaryCountsSpansArrivingInSeveralWrites() {
    String t = traceId(1);
    store.writeSpans(List.of(root("p1", 1, 0, 100)));
    store.writeSpans(List.of(span("p1", t, spanId(1), spanId(100), "a", 10, 20).llm(llm("m", 1L, 1L, 1.0)).build()));
    store.writeSpans(List.of(span("p1", t, spanId(2), spanId(100), "b", 30, 150).llm(llm("m", 2L, 2L, 2.0)).build()));
    TraceSummary s = summary("p1", t);
    assertThat(s.spanCount()).isEqualTo(3);
    assertThat(s.endEpochNanos()).isEqualTo(T0 + 150 * MS);
    assertThat(s.inputTokens()).isEqualTo(3);
    assertThat(s.cost()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void sameTraceIdInTwoProjectsStaysSeparate() {
    String t = traceId(1);
    store.writeSpans(List.of(
        span("p1", t, spanId(1), null, "in-p1", 0, 10).llm(llm("m", 1L, 1L, null)).build(),
        span("p2", t, spanId(1), null, "in-p2", 5, 50).build(),
        span("p2", t, spanId(2), spanId(1), "child-p2", 6, 7).build()));
    assertThat(summary("p1", t).rootName()).isEqualTo("in-p1");
    assertThat(summary("p1", t).spanCount()).isEqualTo(1);
    assertThat(summary("p2", t).rootName()).isEqualTo("in-p2");
    assertThat(summary("p2", t).spanCount()).isEqualTo(2);
    assertThat(store.findSpans("p1", List.of(t))).extracting(Span::name).containsExactly("in-p1");
    assertThat(store.findSpans("p2", List.of(t))).extracting(Span::name).containsExactly("in-p2", "child-p2");
    assertThat(store.findTraces(TraceQuery.page("p3", 0, 10)).traces()).isEmpty();
    assertThat(store.findTrace("p3", t)).isEmpty();
  }

  @Test
  void findSpansOrdersByTraceThenStartAndSkipsUnknownIds() {
    store.writeSpans(List.of(
        span("p1", traceId(2), spanId(1), null, "t2-root", 0, 100).build(),
        span("p1", traceId(1), spanId(2), spanId(3), "t1-late", 50, 60).build(),
        span("p1", traceId(1), spanId(3), null, "t1-root", 10, 100).build(),
        span("p1", traceId(1), spanId(4), spanId(3), "t1-mid", 20, 30).build(),
        span("p1", traceId(3), spanId(5), null, "t3-root", 0, 100).build()));
    List<Span> spans = store.findSpans("p1", List.of(traceId(2), traceId(1), traceId(99)));
    assertThat(spans).extracting(Span::name).containsExactly("t1-root", "t1-mid", "t1-late", "t2-root");
    assertThat(store.findSpans("p1", List.of())).isEmpty();
    assertThat(store.findSpans("p1", List.of(traceId(99)))).isEmpty();
  }

  // ------------------------------------------------------------------------------- findTraces

  @Test
  void findTracesPagesNewestFirst() {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      spans.add(root("p1", i, i * 10L, i * 10L + 5));
    }
    spans.add(root("p2", 99, 1000, 1005));
    store.writeSpans(spans);
    TracePage first = store.findTraces(TraceQuery.page("p1", 0, 10));
    assertThat(ids(first)).containsExactly(traceId(24), traceId(23), traceId(22), traceId(21), traceId(20),
        traceId(19), traceId(18), traceId(17), traceId(16), traceId(15));
    assertThat(first.hasMore()).isTrue();
    TracePage boundary = store.findTraces(TraceQuery.page("p1", 15, 10));
    assertThat(ids(boundary)).hasSize(10).startsWith(traceId(9)).endsWith(traceId(0));
    assertThat(boundary.hasMore()).isFalse();
    TracePage last = store.findTraces(TraceQuery.page("p1", 20, 10));
    assertThat(ids(last)).containsExactly(traceId(4), traceId(3), traceId(2), traceId(1), traceId(0));
    assertThat(last.hasMore()).isFalse();
    TracePage beyond = store.findTraces(TraceQuery.page("p1", 30, 10));
    assertThat(beyond.traces()).isEmpty();
    assertThat(beyond.hasMore()).isFalse();
  }

  @Test
  void findTracesReturnsFullSummaries() {
    store.writeSpans(List.of(root("p1", 1, 0, 10).withLlm(llm("gpt-4o", 3L, 4L, 0.5))));
    TraceSummary listed = store.findTraces(TraceQuery.page("p1", 0, 10)).traces().get(0);
    assertThat(listed).isEqualTo(summary("p1", traceId(1)));
    assertThat(listed.model()).isEqualTo("gpt-4o");
  }

  /** Builds trace queries: the record has only its canonical constructor. */
  protected static final class Q {
    private final String projectId;
    private Long from;
    private Long to;
    private String model;
    private StatusFilter status = StatusFilter.ANY;
    private Long minDuration;
    private String text;
    private String key;
    private String value;
    private int offset;
    private int limit = 100;

    private Q(String projectId) {
      this.projectId = projectId;
    }

    Q from(long v) { from = v; return this; }
    Q to(long v) { to = v; return this; }
    Q model(String v) { model = v; return this; }
    Q status(StatusFilter v) { status = v; return this; }
    Q minDuration(long v) { minDuration = v; return this; }
    Q text(String v) { text = v; return this; }
    Q attribute(String k, String v) { key = k; value = v; return this; }
    Q page(int o, int l) { offset = o; limit = l; return this; }

    TraceQuery build() {
      return new TraceQuery(projectId, from, to, model, status, minDuration, text, key, value, offset, limit);
    }
  }

  private List<String> find(Q q) {
    return ids(store.findTraces(q.build()));
  }

  @Test
  void findTracesFiltersByTimeRangeOnTraceStart() {
    store.writeSpans(List.of(root("p1", 1, 0, 10), root("p1", 2, 100, 110), root("p1", 3, 200, 210),
        root("p1", 4, 300, 310)));
    assertThat(find(new Q("p1").from(T0 + 100 * MS))).containsExactly(traceId(4), traceId(3), traceId(2));
    assertThat(find(new Q("p1").to(T0 + 200 * MS))).containsExactly(traceId(2), traceId(1));
    assertThat(find(new Q("p1").from(T0 + 50 * MS).to(T0 + 250 * MS))).containsExactly(traceId(3), traceId(2));
    assertThat(find(new Q("p1").from(T0 + 301 * MS))).isEmpty();
  }

  @Test
  void findTracesFiltersByModel() {
    store.writeSpans(List.of(root("p1", 1, 0, 10).withLlm(llm("gpt-4o", 1L, 1L, null)),
        root("p1", 2, 10, 20).withLlm(llm("claude-3", 1L, 1L, null)), root("p1", 3, 20, 30),
        root("p2", 4, 30, 40).withLlm(llm("gpt-4o", 1L, 1L, null))));
    assertThat(find(new Q("p1").model("gpt-4o"))).containsExactly(traceId(1));
    assertThat(find(new Q("p1").model("claude-3"))).containsExactly(traceId(2));
    assertThat(find(new Q("p1").model("gpt"))).isEmpty();
  }

  @Test
  void findTracesFiltersByStatus() {
    String t2 = traceId(2);
    store.writeSpans(List.of(root("p1", 1, 0, 10),
        root("p1", 2, 10, 20), span("p1", t2, spanId(1), spanId(200), "fails", 11, 12).status(StatusCode.ERROR).build(),
        root("p1", 3, 20, 30)));
    assertThat(find(new Q("p1").status(StatusFilter.ERROR))).containsExactly(t2);
    assertThat(find(new Q("p1").status(StatusFilter.OK))).containsExactly(traceId(3), traceId(1));
    assertThat(find(new Q("p1").status(StatusFilter.ANY))).hasSize(3);
  }

  @Test
  void findTracesFiltersByMinimumDuration() {
    String t1 = traceId(1);
    store.writeSpans(List.of(root("p1", 1, 0, 10), span("p1", t1, spanId(1), spanId(100), "long child", 5, 2000).build(),
        root("p1", 2, 10, 500), root("p1", 3, 20, 1020)));
    assertThat(find(new Q("p1").minDuration(1000 * MS))).containsExactly(traceId(3), t1);
    assertThat(find(new Q("p1").minDuration(490 * MS))).containsExactly(traceId(3), traceId(2), t1);
  }

  @Test
  void findTracesFiltersByTextInPromptOrOutput() {
    String t1 = traceId(1);
    store.writeSpans(List.of(
        root("p1", 1, 0, 10), span("p1", t1, spanId(1), spanId(100), "llm", 1, 2)
            .llm(LlmFields.builder().prompt("What is the capital of France?").output("Paris").build()).build(),
        root("p1", 2, 10, 20).withLlm(LlmFields.builder().prompt("hello").output("Summer sale: 50% off_now").build()),
        root("p1", 3, 20, 30).withLlm(LlmFields.builder().prompt("50 percent xoff").build()),
        root("p2", 4, 30, 40).withLlm(LlmFields.builder().prompt("capital").build())));
    assertThat(find(new Q("p1").text("capital"))).containsExactly(t1);
    assertThat(find(new Q("p1").text("Paris"))).containsExactly(t1);
    assertThat(find(new Q("p1").text("50% off_"))).containsExactly(traceId(2));
    assertThat(find(new Q("p1").text("%"))).containsExactly(traceId(2));
    assertThat(find(new Q("p1").text("_"))).containsExactly(traceId(2));
    assertThat(find(new Q("p1").text("nowhere"))).isEmpty();
  }

  @Test
  void findTracesFiltersBySpanAttribute() {
    String t1 = traceId(1);
    store.writeSpans(List.of(
        root("p1", 1, 0, 10), span("p1", t1, spanId(1), spanId(100), "llm", 1, 2)
            .attributes(Map.of("user.tier", "gold", "retries", 2L, "cached", true)).build(),
        span("p1", traceId(2), spanId(200), null, "root-2", 10, 20).attributes(Map.of("user.tier", "silver", "retries", 42L)).build(),
        span("p1", traceId(3), spanId(300), null, "root-3", 20, 30).attributes(Map.of("tier", "gold")).build(),
        span("p2", traceId(4), spanId(400), null, "root-4", 30, 40).attributes(Map.of("user.tier", "gold")).build()));
    assertThat(find(new Q("p1").attribute("user.tier", "gold"))).containsExactly(t1);
    assertThat(find(new Q("p1").attribute("user.tier", "silver"))).containsExactly(traceId(2));
    assertThat(find(new Q("p1").attribute("retries", "42"))).containsExactly(traceId(2));
    assertThat(find(new Q("p1").attribute("cached", "true"))).containsExactly(t1);
    assertThat(find(new Q("p1").attribute("tier", "gold"))).containsExactly(traceId(3));
    assertThat(find(new Q("p1").attribute("user.tier", "gol"))).isEmpty();
  }

  @Test
  void findTracesCombinesFiltersAndPages() {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      StatusCode status = i % 2 == 0 ? StatusCode.ERROR : StatusCode.OK;
      spans.add(span("p1", traceId(i), spanId(i + 1), null, "r" + i, i * 10L, i * 10L + i)
          .status(status).llm(llm(i % 3 == 0 ? "gpt-4o" : "other", 1L, 1L, null)).build());
    }
    store.writeSpans(spans);
    // errors (even i) with model gpt-4o (i % 3 == 0): i = 0, 6, 12, 18, 24; duration >= 5ms drops i = 0
    Q q = new Q("p1").status(StatusFilter.ERROR).model("gpt-4o").minDuration(5 * MS);
    assertThat(find(q)).containsExactly(traceId(24), traceId(18), traceId(12), traceId(6));
    TracePage page = store.findTraces(q.page(0, 3).build());
    assertThat(ids(page)).containsExactly(traceId(24), traceId(18), traceId(12));
    assertThat(page.hasMore()).isTrue();
    TracePage rest = store.findTraces(q.page(3, 3).build());
    assertThat(ids(rest)).containsExactly(traceId(6));
    assertThat(rest.hasMore()).isFalse();
  }

  // ------------------------------------------------------------------------------- spanStats

  @Test
  void spanStatsServesTheModelSpansOfARangeInStartOrder() {
    String t = traceId(1);
    LlmFields aggregate = LlmFields.builder().requestModel("gpt-4o").inputTokens(100L).outputTokens(100L)
        .usageIsAggregate(true).build();
    store.writeSpans(List.of(
        span("p1", t, spanId(1), null, "agent", 0, 1000).llm(aggregate).build(),
        span("p1", t, spanId(2), spanId(1), "llm-b", 300, 400).status(StatusCode.ERROR)
            .llm(llm("gpt-4o", 10L, 20L, 0.5)).build(),
        span("p1", t, spanId(3), spanId(1), "llm-a", 100, 250).llm(llm("claude", null, 7L, null)).build(),
        span("p1", t, spanId(4), spanId(1), "no model", 150, 160).build(),
        span("p1", t, spanId(5), spanId(1), "too late", 2000, 2100).llm(llm("gpt-4o", 1L, 1L, null)).build(),
        span("p2", t, spanId(6), null, "other project", 200, 300).llm(llm("gpt-4o", 1L, 1L, null)).build()));
    List<SpanStat> stats = store.spanStats("p1", T0, T0 + 2000 * MS, 100);
    // the agent wrapper is not a model call of its own
    assertThat(stats).extracting(SpanStat::startEpochNanos).containsExactly(T0 + 100 * MS, T0 + 300 * MS);
    SpanStat claude = stats.get(0);
    assertThat(claude).isEqualTo(new SpanStat(T0 + 100 * MS, 150 * MS, "claude", false, 0, 7, null));
    SpanStat failed = stats.get(1);
    assertThat(failed).isEqualTo(new SpanStat(T0 + 300 * MS, 100 * MS, "gpt-4o", true, 10, 20, 0.5));
    assertThat(store.spanStats("p1", T0, T0 + 2000 * MS, 1)).hasSize(1);
    assertThat(store.spanStats("p1", T0 + 100 * MS, T0 + 300 * MS, 100)).hasSize(1);
    assertThat(store.spanStats("p3", T0, T0 + 5000 * MS, 100)).isEmpty();
  }

  // ------------------------------------------------------------------------------- purge

  private void writeTraces(String projectId, int from, int count, long startMs, int spansPerTrace) {
    List<Span> spans = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      spans.add(root(projectId, i, startMs + i, startMs + i + 50));
      for (int c = 1; c < spansPerTrace; c++) {
        spans.add(span(projectId, traceId(i), spanId(i * 100 + c), spanId(i * 100), "c", startMs + i + c,
            startMs + i + c + 1).build());
      }
    }
    store.writeSpans(spans);
  }

  @Test
  void purgeDeletesWholeOldTracesOnly() {
    writeTraces("p1", 0, 3, 0, 3);          // old: start 0..2 ms
    writeTraces("p1", 10, 2, 10_000, 2);    // new
    writeTraces("p2", 0, 3, 0, 1);          // other project, old
    // a trace that starts before the cutoff but has a span after it goes as a whole
    store.writeSpans(List.of(span("p1", traceId(0), spanId(77), spanId(0), "late", 20_000, 20_001).build()));
    long cutoff = T0 + 5_000 * MS;
    PurgeResult r = store.purgeTraces("p1", cutoff, 100);
    assertThat(r).isEqualTo(new PurgeResult(3, 10, true));
    assertThat(store.findSpans("p1", List.of(traceId(0), traceId(1), traceId(2)))).isEmpty();
    assertThat(store.findTrace("p1", traceId(0))).isEmpty();
    assertThat(ids(store.findTraces(TraceQuery.page("p1", 0, 10)))).containsExactly(traceId(11), traceId(10));
    assertThat(store.findSpans("p1", List.of(traceId(10), traceId(11)))).hasSize(4);
    assertThat(store.countTraces(List.of("p1", "p2"))).containsEntry("p1", 2L).containsEntry("p2", 3L);
    assertThat(store.purgeTraces("p1", cutoff, 100)).isEqualTo(new PurgeResult(0, 0, true));
  }

  @Test
  void purgeKeepsATraceStartingExactlyAtTheCutoff() {
    writeTraces("p1", 0, 1, 0, 1);
    assertThat(store.purgeTraces("p1", T0, 10)).isEqualTo(new PurgeResult(0, 0, true));
    assertThat(store.purgeTraces("p1", T0 + 1, 10)).isEqualTo(new PurgeResult(1, 1, true));
  }

  @Test
  void purgeInBatchesContinuesWhereItStopped() {
    writeTraces("p1", 0, 5, 0, 2);
    writeTraces("p1", 100, 1, 50_000, 2);
    long cutoff = T0 + 10_000 * MS;
    assertThat(store.purgeTraces("p1", cutoff, 2)).isEqualTo(new PurgeResult(2, 4, false));
    assertThat(store.countTraces(List.of("p1"))).containsEntry("p1", 4L);
    assertThat(store.purgeTraces("p1", cutoff, 2)).isEqualTo(new PurgeResult(2, 4, false));
    assertThat(store.purgeTraces("p1", cutoff, 2)).isEqualTo(new PurgeResult(1, 2, true));
    assertThat(store.purgeTraces("p1", cutoff, 2)).isEqualTo(new PurgeResult(0, 0, true));
    assertThat(ids(store.findTraces(TraceQuery.page("p1", 0, 10)))).containsExactly(traceId(100));
  }

  @Test
  void purgeOfExactlyTheBatchSizeIsComplete() {
    writeTraces("p1", 0, 2, 0, 1);
    assertThat(store.purgeTraces("p1", T0 + 1000 * MS, 2)).isEqualTo(new PurgeResult(2, 2, true));
  }

  @Test
  void purgeOfOneProjectLeavesOthersAlone() {
    writeTraces("p1", 0, 3, 0, 2);
    writeTraces("p2", 0, 3, 0, 2);
    store.purgeTraces("p1", T0 + 1000 * MS, 100);
    assertThat(store.countTraces(List.of("p1", "p2"))).containsEntry("p1", 0L).containsEntry("p2", 3L);
    assertThat(store.findSpans("p2", List.of(traceId(0), traceId(1), traceId(2)))).hasSize(6);
  }

  // ------------------------------------------------------------------------------- cleanup records

  @Test
  void cleanupRecordsNewestFirstPerProjectAndAll() {
    CleanupRecord a = new CleanupRecord("r1", NOW, "p1", NOW.minus(Duration.ofDays(30)), 3, 30, Duration.ofMillis(12));
    CleanupRecord b = new CleanupRecord("r2", NOW.plusSeconds(60), "p2", NOW.minus(Duration.ofDays(7)), 0, 0,
        Duration.ofMillis(1));
    CleanupRecord c = new CleanupRecord("r3", NOW.plusSeconds(120), "p1", NOW.minus(Duration.ofDays(29)), 1, 5,
        Duration.ofNanos(123_456_789));
    store.addCleanupRecord(b);
    store.addCleanupRecord(c);
    store.addCleanupRecord(a);
    assertThat(store.listCleanupRecords("p1", 10)).containsExactly(c, a);
    assertThat(store.listCleanupRecords("p2", 10)).containsExactly(b);
    assertThat(store.listCleanupRecords(null, 10)).containsExactly(c, b, a);
    assertThat(store.listCleanupRecords(null, 2)).containsExactly(c, b);
    assertThat(store.listCleanupRecords("p3", 10)).isEmpty();
  }

  // ------------------------------------------------------------------------------- leases

  @Test
  void leaseIsHeldRenewedAndExpires() {
    Duration ttl = Duration.ofMinutes(5);
    assertThat(store.tryAcquireLease("retention", "host-a", NOW, ttl)).isTrue();
    assertThat(store.tryAcquireLease("retention", "host-b", NOW.plusSeconds(60), ttl)).isFalse();
    assertThat(store.tryAcquireLease("retention", "host-a", NOW.plusSeconds(120), ttl)).isTrue();
    // renewed: host-b is still blocked after the first term would have ended
    assertThat(store.tryAcquireLease("retention", "host-b", NOW.plusSeconds(360), ttl)).isFalse();
    assertThat(store.tryAcquireLease("retention", "host-b", NOW.plusSeconds(421), ttl)).isTrue();
    assertThat(store.tryAcquireLease("retention", "host-a", NOW.plusSeconds(422), ttl)).isFalse();
    assertThat(store.tryAcquireLease("other-lease", "host-a", NOW.plusSeconds(422), ttl)).isTrue();
  }

  @Test
  void leaseIsReleasedOnlyByItsHolder() {
    Duration ttl = Duration.ofMinutes(5);
    assertThat(store.tryAcquireLease("retention", "host-a", NOW, ttl)).isTrue();
    store.releaseLease("retention", "host-b");
    assertThat(store.tryAcquireLease("retention", "host-b", NOW.plusSeconds(1), ttl)).isFalse();
    store.releaseLease("retention", "host-a");
    assertThat(store.tryAcquireLease("retention", "host-b", NOW.plusSeconds(2), ttl)).isTrue();
    store.releaseLease("missing", "host-a");
  }

  @Test
  void concurrentAcquirersExactlyOneWins() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String holder = "host-" + i;
        Callable<Boolean> attempt = () -> {
          go.await();
          return store.tryAcquireLease("retention", holder, NOW, Duration.ofMinutes(1));
        };
        results.add(pool.submit(attempt));
      }
      go.countDown();
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentWritersAllSucceed() throws Exception {
    int threads = 6;
    int perThread = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * perThread;
        results.add(pool.submit(() -> {
          go.await();
          for (int i = base; i < base + perThread; i++) {
            store.writeSpans(List.of(root("p1", i, i, i + 1),
                span("p1", traceId(i), spanId(i * 100 + 1), spanId(i * 100), "c", i, i + 1).build()));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : results) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(store.countTraces(List.of("p1"))).containsEntry("p1", (long) threads * perThread);
      Optional<TraceSummary> any = store.findTrace("p1", traceId(7));
      assertThat(any).isPresent();
      assertThat(any.get().spanCount()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }
}
