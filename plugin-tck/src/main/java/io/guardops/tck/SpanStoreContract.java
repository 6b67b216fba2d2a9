package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.LatencySketch;
import io.guardops.api.store.MetricsAggregation;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.PurgeResult;
import io.guardops.api.store.SpanStat;
import io.guardops.api.store.TraceCursor;
import io.guardops.api.store.TracePage;
import io.guardops.api.store.TraceQuery;
import io.guardops.api.store.TraceQuery.StatusFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link io.guardops.api.store.SpanStore}: writes under the write contract, summaries by the shared
 * rule, trace search and paging, span stats, metrics aggregation and purges.
 *
 * <p>Where the javadoc leaves a choice open, this suite pins the reading every store must share:
 * <ul>
 *   <li>trace time filters select by trace start: {@code from} inclusive, {@code to} exclusive;</li>
 *   <li>the model filter matches the trace summary's model;</li>
 *   <li>{@code minDurationNanos} compares with the summary's {@code end - start};</li>
 *   <li>{@link io.guardops.api.store.SpanStore#findSpans} orders by trace id, then start time;</li>
 *   <li>{@link PurgeResult#complete()} is true when no trace older than the cutoff remains;</li>
 *   <li>aggregated percentiles equal the exact nearest-rank values within
 *       {@link LatencySketch#RELATIVE_ACCURACY}.</li>
 * </ul>
 */
public abstract class SpanStoreContract extends StoreContractSupport {
  @Test
  void emptyWriteIsANoOp() {
    store.spans().write(List.of());
    assertThat(store.spans().findTraces(TraceQuery.page("p1", 0, 10)).traces()).isEmpty();
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
    store.spans().write(List.of(s));
    assertThat(store.spans().findSpans("p1", List.of(traceId(1)))).containsExactly(s);
  }

  @Test
  void resendingASpanNeverDuplicatesIt() {
    List<Span> trace = List.of(
        root("p1", 1, 0, 100).withLlm(llm("gpt-4o", 10L, 5L, 0.01)),
        span("p1", traceId(1), spanId(1), spanId(100), "llm", 10, 50).llm(llm("gpt-4o", 7L, 3L, 0.02)).build());
    store.spans().write(trace);
    store.spans().write(trace);
    store.spans().write(List.of(trace.get(1)));
    assertThat(store.spans().findSpans("p1", List.of(traceId(1)))).hasSize(2);
    TraceSummary s = summary("p1", traceId(1));
    assertThat(s.spanCount()).isEqualTo(2);
    assertThat(s.inputTokens()).isEqualTo(17);
    assertThat(s.outputTokens()).isEqualTo(8);
    assertThat(s.cost()).isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(store.spans().countTraces(List.of("p1"))).containsEntry("p1", 1L);
  }

  @Test
  void duplicateSpanWithinOneBatchIsStoredOnce() {
    Span s = root("p1", 1, 0, 100);
    store.spans().write(List.of(s, s));
    assertThat(store.spans().findSpans("p1", List.of(traceId(1)))).hasSize(1);
    assertThat(summary("p1", traceId(1)).spanCount()).isEqualTo(1);
  }

  @Test
  void resentSpanReplacesTheStoredOne() {
    Span child = span("p1", traceId(1), spanId(1), spanId(100), "first", 10, 20).build();
    store.spans().write(List.of(root("p1", 1, 0, 100), child));
    assertThat(summary("p1", traceId(1)).errorCount()).isZero();
    Span changed = span("p1", traceId(1), spanId(1), spanId(100), "second", 10, 20).status(StatusCode.ERROR).build();
    store.spans().write(List.of(changed));
    assertThat(store.spans().findSpans("p1", List.of(traceId(1)))).contains(changed).hasSize(2);
    assertThat(summary("p1", traceId(1)).errorCount()).isEqualTo(1);
  }

  @Test
  void childrenBeforeRootThenRootFixesTheSummary() {
    String t = traceId(1);
    store.spans().write(List.of(
        span("p1", t, spanId(2), spanId(1), "late-child", 30, 40).build(),
        span("p1", t, spanId(3), spanId(1), "early-child", 20, 90).build()));
    TraceSummary before = summary("p1", t);
    assertThat(before.rootSpanId()).isNull();
    assertThat(before.rootName()).isEqualTo("early-child");
    assertThat(before.startEpochNanos()).isEqualTo(T0 + 20 * MS);
    assertThat(before.spanCount()).isEqualTo(2);

    store.spans().write(List.of(span("p1", t, spanId(1), null, "agent run", 10, 50).build()));
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
    store.spans().write(List.of(
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
    store.spans().write(List.of(root("p1", 1, 0, 10).withLlm(llm("local-llama", 5L, 5L, null))));
    TraceSummary s = summary("p1", traceId(1));
    assertThat(s.cost()).isNull();
    assertThat(s.totalTokens()).isEqualTo(10);
    store.spans().write(List.of(root("p1", 2, 0, 10)));
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
    store.spans().write(List.of(
        span("p1", traceId(1), spanId(1), null, "agent", 0, 500).llm(aggregate).build(),
        span("p1", traceId(1), spanId(2), spanId(1), "tool", 10, 20).build()));
    TraceSummary s = summary("p1", traceId(1));
    assertThat(s.inputTokens()).isEqualTo(300);
    assertThat(s.outputTokens()).isEqualTo(70);
    assertThat(s.totalTokens()).isEqualTo(370);
    assertThat(s.cost()).isEqualTo(0.25);
    // once a child reports its own usage, the wrapper's repeat of it no longer counts
    store.spans().write(List.of(span("p1", traceId(1), spanId(3), spanId(1), "llm", 30, 400)
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
    store.spans().write(List.of(
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
    assertThat(s).isEqualTo(TraceSummary.of("p1", t, store.spans().findSpans("p1", List.of(t)).stream()
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
      store.spans().write(batch);
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
      assertThat(store.spans().findSpans(pt[0], List.of(pt[1]))).as(e.getKey())
          .containsExactlyInAnyOrderElementsOf(e.getValue().values());
    }
  }

  @Test
  void summaryCountsSpansArrivingInSeveralWrites() {
    String t = traceId(1);
    store.spans().write(List.of(root("p1", 1, 0, 100)));
    store.spans().write(List.of(span("p1", t, spanId(1), spanId(100), "a", 10, 20).llm(llm("m", 1L, 1L, 1.0)).build()));
    store.spans().write(List.of(span("p1", t, spanId(2), spanId(100), "b", 30, 150).llm(llm("m", 2L, 2L, 2.0)).build()));
    TraceSummary s = summary("p1", t);
    assertThat(s.spanCount()).isEqualTo(3);
    assertThat(s.endEpochNanos()).isEqualTo(T0 + 150 * MS);
    assertThat(s.inputTokens()).isEqualTo(3);
    assertThat(s.cost()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void sameTraceIdInTwoProjectsStaysSeparate() {
    String t = traceId(1);
    store.spans().write(List.of(
        span("p1", t, spanId(1), null, "in-p1", 0, 10).llm(llm("m", 1L, 1L, null)).build(),
        span("p2", t, spanId(1), null, "in-p2", 5, 50).build(),
        span("p2", t, spanId(2), spanId(1), "child-p2", 6, 7).build()));
    assertThat(summary("p1", t).rootName()).isEqualTo("in-p1");
    assertThat(summary("p1", t).spanCount()).isEqualTo(1);
    assertThat(summary("p2", t).rootName()).isEqualTo("in-p2");
    assertThat(summary("p2", t).spanCount()).isEqualTo(2);
    assertThat(store.spans().findSpans("p1", List.of(t))).extracting(Span::name).containsExactly("in-p1");
    assertThat(store.spans().findSpans("p2", List.of(t))).extracting(Span::name).containsExactly("in-p2", "child-p2");
    assertThat(store.spans().findTraces(TraceQuery.page("p3", 0, 10)).traces()).isEmpty();
    assertThat(store.spans().findTrace("p3", t)).isEmpty();
  }

  @Test
  void findSpansOrdersByTraceThenStartAndSkipsUnknownIds() {
    store.spans().write(List.of(
        span("p1", traceId(2), spanId(1), null, "t2-root", 0, 100).build(),
        span("p1", traceId(1), spanId(2), spanId(3), "t1-late", 50, 60).build(),
        span("p1", traceId(1), spanId(3), null, "t1-root", 10, 100).build(),
        span("p1", traceId(1), spanId(4), spanId(3), "t1-mid", 20, 30).build(),
        span("p1", traceId(3), spanId(5), null, "t3-root", 0, 100).build()));
    List<Span> spans = store.spans().findSpans("p1", List.of(traceId(2), traceId(1), traceId(99)));
    assertThat(spans).extracting(Span::name).containsExactly("t1-root", "t1-mid", "t1-late", "t2-root");
    assertThat(store.spans().findSpans("p1", List.of())).isEmpty();
    assertThat(store.spans().findSpans("p1", List.of(traceId(99)))).isEmpty();
  }

  // ------------------------------------------------------------------------------- findTraces

  @Test
  void findTracesPagesNewestFirst() {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      spans.add(root("p1", i, i * 10L, i * 10L + 5));
    }
    spans.add(root("p2", 99, 1000, 1005));
    store.spans().write(spans);
    TracePage first = store.spans().findTraces(TraceQuery.page("p1", 0, 10));
    assertThat(ids(first)).containsExactly(traceId(24), traceId(23), traceId(22), traceId(21), traceId(20),
        traceId(19), traceId(18), traceId(17), traceId(16), traceId(15));
    assertThat(first.hasMore()).isTrue();
    TracePage boundary = store.spans().findTraces(TraceQuery.page("p1", 15, 10));
    assertThat(ids(boundary)).hasSize(10).startsWith(traceId(9)).endsWith(traceId(0));
    assertThat(boundary.hasMore()).isFalse();
    TracePage last = store.spans().findTraces(TraceQuery.page("p1", 20, 10));
    assertThat(ids(last)).containsExactly(traceId(4), traceId(3), traceId(2), traceId(1), traceId(0));
    assertThat(last.hasMore()).isFalse();
    TracePage beyond = store.spans().findTraces(TraceQuery.page("p1", 30, 10));
    assertThat(beyond.traces()).isEmpty();
    assertThat(beyond.hasMore()).isFalse();
  }

  @Test
  void findTracesReturnsFullSummaries() {
    store.spans().write(List.of(root("p1", 1, 0, 10).withLlm(llm("gpt-4o", 3L, 4L, 0.5))));
    TraceSummary listed = store.spans().findTraces(TraceQuery.page("p1", 0, 10)).traces().get(0);
    assertThat(listed).isEqualTo(summary("p1", traceId(1)));
    assertThat(listed.model()).isEqualTo("gpt-4o");
  }

  private List<String> find(TraceQuery.Builder q) {
    return ids(store.spans().findTraces(q.limit(100).build()));
  }

  private static TraceQuery.Builder q(String projectId) {
    return TraceQuery.builder(projectId);
  }

  @Test
  void findTracesFiltersByTimeRangeOnTraceStart() {
    store.spans().write(List.of(root("p1", 1, 0, 10), root("p1", 2, 100, 110), root("p1", 3, 200, 210),
        root("p1", 4, 300, 310)));
    assertThat(find(q("p1").from(T0 + 100 * MS))).containsExactly(traceId(4), traceId(3), traceId(2));
    assertThat(find(q("p1").to(T0 + 200 * MS))).containsExactly(traceId(2), traceId(1));
    assertThat(find(q("p1").from(T0 + 50 * MS).to(T0 + 250 * MS))).containsExactly(traceId(3), traceId(2));
    assertThat(find(q("p1").from(T0 + 301 * MS))).isEmpty();
  }

  @Test
  void findTracesFiltersByModel() {
    store.spans().write(List.of(root("p1", 1, 0, 10).withLlm(llm("gpt-4o", 1L, 1L, null)),
        root("p1", 2, 10, 20).withLlm(llm("claude-3", 1L, 1L, null)), root("p1", 3, 20, 30),
        root("p2", 4, 30, 40).withLlm(llm("gpt-4o", 1L, 1L, null))));
    assertThat(find(q("p1").model("gpt-4o"))).containsExactly(traceId(1));
    assertThat(find(q("p1").model("claude-3"))).containsExactly(traceId(2));
    assertThat(find(q("p1").model("gpt"))).isEmpty();
  }

  @Test
  void findTracesFiltersByStatus() {
    String t2 = traceId(2);
    store.spans().write(List.of(root("p1", 1, 0, 10),
        root("p1", 2, 10, 20), span("p1", t2, spanId(1), spanId(200), "fails", 11, 12).status(StatusCode.ERROR).build(),
        root("p1", 3, 20, 30)));
    assertThat(find(q("p1").status(StatusFilter.ERROR))).containsExactly(t2);
    assertThat(find(q("p1").status(StatusFilter.OK))).containsExactly(traceId(3), traceId(1));
    assertThat(find(q("p1").status(StatusFilter.ANY))).hasSize(3);
  }

  @Test
  void findTracesFiltersByMinimumDuration() {
    String t1 = traceId(1);
    store.spans().write(List.of(root("p1", 1, 0, 10), span("p1", t1, spanId(1), spanId(100), "long child", 5, 2000).build(),
        root("p1", 2, 10, 500), root("p1", 3, 20, 1020)));
    assertThat(find(q("p1").minDurationNanos((long) 1000 * MS))).containsExactly(traceId(3), t1);
    assertThat(find(q("p1").minDurationNanos((long) 490 * MS))).containsExactly(traceId(3), traceId(2), t1);
  }

  @Test
  void findTracesFiltersByTextInPromptOrOutput() {
    String t1 = traceId(1);
    store.spans().write(List.of(
        root("p1", 1, 0, 10), span("p1", t1, spanId(1), spanId(100), "llm", 1, 2)
            .llm(LlmFields.builder().prompt("What is the capital of France?").output("Paris").build()).build(),
        root("p1", 2, 10, 20).withLlm(LlmFields.builder().prompt("hello").output("Summer sale: 50% off_now").build()),
        root("p1", 3, 20, 30).withLlm(LlmFields.builder().prompt("50 percent xoff").build()),
        root("p2", 4, 30, 40).withLlm(LlmFields.builder().prompt("capital").build())));
    assertThat(find(q("p1").text("capital"))).containsExactly(t1);
    assertThat(find(q("p1").text("Paris"))).containsExactly(t1);
    assertThat(find(q("p1").text("50% off_"))).containsExactly(traceId(2));
    assertThat(find(q("p1").text("%"))).containsExactly(traceId(2));
    assertThat(find(q("p1").text("_"))).containsExactly(traceId(2));
    assertThat(find(q("p1").text("nowhere"))).isEmpty();
  }

  @Test
  void findTracesFiltersBySpanAttribute() {
    String t1 = traceId(1);
    store.spans().write(List.of(
        root("p1", 1, 0, 10), span("p1", t1, spanId(1), spanId(100), "llm", 1, 2)
            .attributes(Map.of("user.tier", "gold", "retries", 2L, "cached", true)).build(),
        span("p1", traceId(2), spanId(200), null, "root-2", 10, 20).attributes(Map.of("user.tier", "silver", "retries", 42L)).build(),
        span("p1", traceId(3), spanId(300), null, "root-3", 20, 30).attributes(Map.of("tier", "gold")).build(),
        span("p2", traceId(4), spanId(400), null, "root-4", 30, 40).attributes(Map.of("user.tier", "gold")).build()));
    assertThat(find(q("p1").attribute("user.tier", "gold"))).containsExactly(t1);
    assertThat(find(q("p1").attribute("user.tier", "silver"))).containsExactly(traceId(2));
    assertThat(find(q("p1").attribute("retries", "42"))).containsExactly(traceId(2));
    assertThat(find(q("p1").attribute("cached", "true"))).containsExactly(t1);
    assertThat(find(q("p1").attribute("tier", "gold"))).containsExactly(traceId(3));
    assertThat(find(q("p1").attribute("user.tier", "gol"))).isEmpty();
  }

  @Test
  void findTracesCombinesFiltersAndPages() {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      StatusCode status = i % 2 == 0 ? StatusCode.ERROR : StatusCode.OK;
      spans.add(span("p1", traceId(i), spanId(i + 1), null, "r" + i, i * 10L, i * 10L + i)
          .status(status).llm(llm(i % 3 == 0 ? "gpt-4o" : "other", 1L, 1L, null)).build());
    }
    store.spans().write(spans);
    // errors (even i) with model gpt-4o (i % 3 == 0): i = 0, 6, 12, 18, 24; duration >= 5ms drops i = 0
    TraceQuery.Builder q = q("p1").status(StatusFilter.ERROR).model("gpt-4o").minDurationNanos((long) 5 * MS);
    assertThat(find(q)).containsExactly(traceId(24), traceId(18), traceId(12), traceId(6));
    TracePage page = store.spans().findTraces(q.offset(0).limit(3).build());
    assertThat(ids(page)).containsExactly(traceId(24), traceId(18), traceId(12));
    assertThat(page.hasMore()).isTrue();
    TracePage rest = store.spans().findTraces(q.offset(3).limit(3).build());
    assertThat(ids(rest)).containsExactly(traceId(6));
    assertThat(rest.hasMore()).isFalse();
  }

  // ------------------------------------------------------------------------------- spanStats

  @Test
  void spanStatsServesTheModelSpansOfARangeInStartOrder() {
    String t = traceId(1);
    LlmFields aggregate = LlmFields.builder().requestModel("gpt-4o").inputTokens(100L).outputTokens(100L)
        .usageIsAggregate(true).build();
    store.spans().write(List.of(
        span("p1", t, spanId(1), null, "agent", 0, 1000).llm(aggregate).build(),
        span("p1", t, spanId(2), spanId(1), "llm-b", 300, 400).status(StatusCode.ERROR)
            .llm(llm("gpt-4o", 10L, 20L, 0.5)).build(),
        span("p1", t, spanId(3), spanId(1), "llm-a", 100, 250).llm(llm("claude", null, 7L, null)).build(),
        span("p1", t, spanId(4), spanId(1), "no model", 150, 160).build(),
        span("p1", t, spanId(5), spanId(1), "too late", 2000, 2100).llm(llm("gpt-4o", 1L, 1L, null)).build(),
        span("p2", t, spanId(6), null, "other project", 200, 300).llm(llm("gpt-4o", 1L, 1L, null)).build()));
    List<SpanStat> stats = store.spans().spanStats("p1", T0, T0 + 2000 * MS, 100);
    // the agent wrapper is not a model call of its own
    assertThat(stats).extracting(SpanStat::startEpochNanos).containsExactly(T0 + 100 * MS, T0 + 300 * MS);
    SpanStat claude = stats.get(0);
    assertThat(claude).isEqualTo(new SpanStat(T0 + 100 * MS, 150 * MS, "claude", false, 0, 7, null));
    SpanStat failed = stats.get(1);
    assertThat(failed).isEqualTo(new SpanStat(T0 + 300 * MS, 100 * MS, "gpt-4o", true, 10, 20, 0.5));
    assertThat(store.spans().spanStats("p1", T0, T0 + 2000 * MS, 1)).hasSize(1);
    assertThat(store.spans().spanStats("p1", T0 + 100 * MS, T0 + 300 * MS, 100)).hasSize(1);
    assertThat(store.spans().spanStats("p3", T0, T0 + 5000 * MS, 100)).isEmpty();
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
    store.spans().write(spans);
  }

  @Test
  void purgeDeletesWholeOldTracesOnly() {
    writeTraces("p1", 0, 3, 0, 3);          // old: start 0..2 ms
    writeTraces("p1", 10, 2, 10_000, 2);    // new
    writeTraces("p2", 0, 3, 0, 1);          // other project, old
    // a trace that starts before the cutoff but has a span after it goes as a whole
    store.spans().write(List.of(span("p1", traceId(0), spanId(77), spanId(0), "late", 20_000, 20_001).build()));
    long cutoff = T0 + 5_000 * MS;
    PurgeResult r = store.spans().purgeTraces("p1", cutoff, 100);
    assertThat(r).isEqualTo(new PurgeResult(3, 10, true));
    assertThat(store.spans().findSpans("p1", List.of(traceId(0), traceId(1), traceId(2)))).isEmpty();
    assertThat(store.spans().findTrace("p1", traceId(0))).isEmpty();
    assertThat(ids(store.spans().findTraces(TraceQuery.page("p1", 0, 10)))).containsExactly(traceId(11), traceId(10));
    assertThat(store.spans().findSpans("p1", List.of(traceId(10), traceId(11)))).hasSize(4);
    assertThat(store.spans().countTraces(List.of("p1", "p2"))).containsEntry("p1", 2L).containsEntry("p2", 3L);
    assertThat(store.spans().purgeTraces("p1", cutoff, 100)).isEqualTo(new PurgeResult(0, 0, true));
  }

  @Test
  void purgeKeepsATraceStartingExactlyAtTheCutoff() {
    writeTraces("p1", 0, 1, 0, 1);
    assertThat(store.spans().purgeTraces("p1", T0, 10)).isEqualTo(new PurgeResult(0, 0, true));
    assertThat(store.spans().purgeTraces("p1", T0 + 1, 10)).isEqualTo(new PurgeResult(1, 1, true));
  }

  @Test
  void purgeInBatchesContinuesWhereItStopped() {
    writeTraces("p1", 0, 5, 0, 2);
    writeTraces("p1", 100, 1, 50_000, 2);
    long cutoff = T0 + 10_000 * MS;
    assertThat(store.spans().purgeTraces("p1", cutoff, 2)).isEqualTo(new PurgeResult(2, 4, false));
    assertThat(store.spans().countTraces(List.of("p1"))).containsEntry("p1", 4L);
    assertThat(store.spans().purgeTraces("p1", cutoff, 2)).isEqualTo(new PurgeResult(2, 4, false));
    assertThat(store.spans().purgeTraces("p1", cutoff, 2)).isEqualTo(new PurgeResult(1, 2, true));
    assertThat(store.spans().purgeTraces("p1", cutoff, 2)).isEqualTo(new PurgeResult(0, 0, true));
    assertThat(ids(store.spans().findTraces(TraceQuery.page("p1", 0, 10)))).containsExactly(traceId(100));
  }

  @Test
  void purgeOfExactlyTheBatchSizeIsComplete() {
    writeTraces("p1", 0, 2, 0, 1);
    assertThat(store.spans().purgeTraces("p1", T0 + 1000 * MS, 2)).isEqualTo(new PurgeResult(2, 2, true));
  }

  @Test
  void purgeOfOneProjectLeavesOthersAlone() {
    writeTraces("p1", 0, 3, 0, 2);
    writeTraces("p2", 0, 3, 0, 2);
    store.spans().purgeTraces("p1", T0 + 1000 * MS, 100);
    assertThat(store.spans().countTraces(List.of("p1", "p2"))).containsEntry("p1", 0L).containsEntry("p2", 3L);
    assertThat(store.spans().findSpans("p2", List.of(traceId(0), traceId(1), traceId(2)))).hasSize(6);
  }


  // ------------------------------------------------------------------------------- more writes

  @Test
  void attributeKeysWithDotsAndDollarsRoundTrip() {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("$set", "dollar");
    attrs.put("a.b.c", "dots");
    attrs.put("..", 1L);
    attrs.put("", "empty key");
    attrs.put("nested", Map.of("$inner.key", List.of("x", Map.of("k.v", 2.5))));
    Span s = span("p1", traceId(1), spanId(1), null, "root", 0, 10).attributes(attrs)
        .resource(Map.of("service.name", "svc", "$r", "x")).build();
    store.spans().write(List.of(s));
    assertThat(store.spans().findSpans("p1", List.of(traceId(1)))).containsExactly(s);
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
            store.spans().write(List.of(root("p1", i, i, i + 1),
                span("p1", traceId(i), spanId(i * 100 + 1), spanId(i * 100), "c", i, i + 1).build()));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : results) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(store.spans().countTraces(List.of("p1"))).containsEntry("p1", (long) threads * perThread);
      Optional<TraceSummary> any = store.spans().findTrace("p1", traceId(7));
      assertThat(any).isPresent();
      assertThat(any.get().spanCount()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentWritersOfTheSameTracesConverge() throws Exception {
    // every thread writes some spans of every trace: summaries must end as the rule says
    int threads = 4;
    int traces = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < traces; i++) {
            List<Span> batch = new ArrayList<>();
            for (int c = thread; c < 8; c += threads) {
              batch.add(span("p1", traceId(i), spanId(i * 100 + c), c == 0 ? null : spanId(i * 100), "s" + c,
                  c * 10L, c * 10L + 5).llm(llm("m" + (c % 2), (long) c, 1L, c / 10.0)).build());
            }
            store.spans().write(batch);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : results) {
        f.get(60, TimeUnit.SECONDS);
      }
      for (int i = 0; i < traces; i++) {
        assertThat(summary("p1", traceId(i))).isEqualTo(expectedSummary(store, "p1", traceId(i)));
        assertThat(summary("p1", traceId(i)).spanCount()).isEqualTo(8);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------------------- keyset paging

  @Test
  void cursorPagesWalkEveryTraceOnceEvenWithEqualStarts() {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      // groups of three traces share a start time: the trace id breaks the tie
      spans.add(root("p1", i, (i / 3) * 10L, (i / 3) * 10L + 5));
    }
    store.spans().write(spans);
    List<String> all = ids(store.spans().findTraces(TraceQuery.page("p1", 0, 100)));
    List<String> walked = new ArrayList<>();
    TraceCursor cursor = null;
    int pages = 0;
    while (true) {
      TracePage page = store.spans().findTraces(TraceQuery.builder("p1").after(cursor).limit(4).build());
      walked.addAll(ids(page));
      pages++;
      if (page.nextCursor().isEmpty()) {
        assertThat(page.hasMore()).isFalse();
        break;
      }
      cursor = page.nextCursor().get();
    }
    assertThat(walked).containsExactlyElementsOf(all);
    assertThat(pages).isEqualTo(6);
  }

  @Test
  void cursorCombinesWithFilters() {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      spans.add(span("p1", traceId(i), spanId(i + 1), null, "r" + i, i * 10L, i * 10L + 1)
          .status(i % 2 == 0 ? StatusCode.ERROR : StatusCode.OK).build());
    }
    store.spans().write(spans);
    TracePage first = store.spans().findTraces(q("p1").status(StatusFilter.ERROR).limit(2).build());
    assertThat(ids(first)).containsExactly(traceId(10), traceId(8));
    TracePage second = store.spans().findTraces(q("p1").status(StatusFilter.ERROR).after(first.nextCursor().orElseThrow())
        .limit(10).build());
    assertThat(ids(second)).containsExactly(traceId(6), traceId(4), traceId(2), traceId(0));
    assertThat(second.hasMore()).isFalse();
  }

  @Test
  void cursorAfterTheLastTraceGivesAnEmptyPage() {
    store.spans().write(List.of(root("p1", 1, 0, 10)));
    TracePage page = store.spans().findTraces(TraceQuery.builder("p1").after(new TraceCursor(T0, traceId(1))).build());
    assertThat(page.traces()).isEmpty();
    assertThat(page.hasMore()).isFalse();
  }

  // ------------------------------------------------------------------------------- purge everything

  @Test
  void purgeWithMaxCutoffDeletesEveryTraceOfTheProject() {
    store.spans().write(List.of(root("p1", 1, 0, 10), root("p1", 2, 0, 10), root("p2", 1, 0, 10),
        span("p1", traceId(1), spanId(5), spanId(100), "child", 2, 3).build()));
    PurgeResult r = store.spans().purgeTraces("p1", Long.MAX_VALUE, 100);
    assertThat(r).isEqualTo(new PurgeResult(2, 3, true));
    assertThat(store.spans().findSpans("p1", List.of(traceId(1), traceId(2)))).isEmpty();
    assertThat(store.spans().countTraces(List.of("p1", "p2"))).containsEntry("p1", 0L).containsEntry("p2", 1L);
  }

  // ------------------------------------------------------------------------------- aggregate

  /** Model calls of several models over three hours, some errors, some without cost. */
  protected List<Span> metricsWorkload(String projectId, int calls, long seed) {
    Random random = new Random(seed);
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      long startMs = random.nextInt(3 * 3600 * 1000);
      long durMs = 1 + (long) Math.abs(random.nextGaussian() * 900 + 50 * (i % 7));
      String model = i % 10 == 0 ? null : "model-" + random.nextInt(3);
      LlmFields fields = LlmFields.builder().requestModel(model).inputTokens((long) random.nextInt(500))
          .outputTokens((long) random.nextInt(100)).cost(model == null || model.endsWith("2") ? null : 0.001 * (i % 5))
          .build();
      if (model == null) {
        // usage without a model is not a model call: metrics leave it out
        fields = LlmFields.builder().inputTokens(3L).build();
      }
      spans.add(span(projectId, traceId(i / 4), spanId(i + 1), null, "call-" + i, startMs, startMs + durMs)
          .status(random.nextInt(20) == 0 ? StatusCode.ERROR : StatusCode.OK).llm(fields).build());
    }
    // an agent wrapper repeating its children's usage is not a call
    spans.add(span(projectId, traceId(0), spanId(999_999), null, "agent", 0, 5000)
        .llm(LlmFields.builder().requestModel("model-0").inputTokens(99_999L).usageIsAggregate(true).build()).build());
    return spans;
  }

  /** Asserts {@code actual} equals the reference, percentiles within the sketch's relative accuracy. */
  protected static void assertMetricsMatch(List<MetricsRow> actual, List<MetricsRow> reference) {
    assertThat(actual).hasSameSizeAs(reference);
    for (int i = 0; i < reference.size(); i++) {
      MetricsRow a = actual.get(i);
      MetricsRow r = reference.get(i);
      String what = "bucket " + r.bucketStartEpochNanos() + " model " + r.model();
      assertThat(a.bucketStartEpochNanos()).as(what).isEqualTo(r.bucketStartEpochNanos());
      assertThat(a.model()).as(what).isEqualTo(r.model());
      assertThat(a.requests()).as(what).isEqualTo(r.requests());
      assertThat(a.errors()).as(what).isEqualTo(r.errors());
      assertThat(a.inputTokens()).as(what).isEqualTo(r.inputTokens());
      assertThat(a.outputTokens()).as(what).isEqualTo(r.outputTokens());
      if (r.cost() == null) {
        assertThat(a.cost()).as(what).isNull();
      } else {
        assertThat(a.cost()).as(what).isCloseTo(r.cost(), org.assertj.core.data.Offset.offset(1e-9));
      }
      double tolerance = LatencySketch.RELATIVE_ACCURACY;
      assertThat((double) a.latencyP50Nanos()).as(what + " p50")
          .isCloseTo(r.latencyP50Nanos(), org.assertj.core.data.Offset.offset(r.latencyP50Nanos() * tolerance + 1));
      assertThat((double) a.latencyP95Nanos()).as(what + " p95")
          .isCloseTo(r.latencyP95Nanos(), org.assertj.core.data.Offset.offset(r.latencyP95Nanos() * tolerance + 1));
      assertThat((double) a.latencyP99Nanos()).as(what + " p99")
          .isCloseTo(r.latencyP99Nanos(), org.assertj.core.data.Offset.offset(r.latencyP99Nanos() * tolerance + 1));
    }
  }

  private List<MetricsRow> reference(String projectId, long from, long to, MetricsQuery.Bucket bucket) {
    List<SpanStat> stats = store.spans().spanStats(projectId, from, to, 1_000_000);
    return MetricsAggregation.aggregate(stats, bucket);
  }

  @Test
  void aggregateMatchesTheExactReference() {
    store.spans().write(metricsWorkload("p1", 2000, 7));
    store.spans().write(metricsWorkload("p2", 50, 8));
    long from = T0;
    long to = T0 + 3 * 3600 * SECOND + 3600 * SECOND;
    for (MetricsQuery.Bucket b : MetricsQuery.Bucket.values()) {
      List<MetricsRow> rows = store.spans().aggregate(new MetricsQuery("p1", from, to, b));
      assertMetricsMatch(rows, reference("p1", from, to, b));
      assertThat(rows.stream().mapToLong(MetricsRow::requests).sum()).as(b.name())
          .isEqualTo(store.spans().spanStats("p1", from, to, 1_000_000).size());
    }
  }

  @Test
  void aggregateHonoursTheRangeAndTheProject() {
    store.spans().write(metricsWorkload("p1", 500, 11));
    long from = T0 + 3600 * SECOND + 17 * 60 * SECOND;
    long to = T0 + 2 * 3600 * SECOND + 3 * 60 * SECOND + 7;
    assertMetricsMatch(store.spans().aggregate(new MetricsQuery("p1", from, to, MetricsQuery.Bucket.MINUTE)),
        reference("p1", from, to, MetricsQuery.Bucket.MINUTE));
    assertMetricsMatch(store.spans().aggregate(new MetricsQuery("p1", from, to, MetricsQuery.Bucket.HOUR)),
        reference("p1", from, to, MetricsQuery.Bucket.HOUR));
    assertThat(store.spans().aggregate(new MetricsQuery("p9", T0, T0 + 3600 * SECOND, MetricsQuery.Bucket.HOUR)))
        .isEmpty();
  }

  @Test
  void aggregateFollowsResendsAndPurges() {
    List<Span> work = metricsWorkload("p1", 400, 21);
    store.spans().write(work);
    // re-send every third call changed: longer, failed, another model
    List<Span> changed = new ArrayList<>();
    for (int i = 0; i < work.size(); i += 3) {
      Span s = work.get(i);
      changed.add(Span.builder().projectId(s.projectId()).traceId(s.traceId()).spanId(s.spanId())
          .parentSpanId(s.parentSpanId()).name(s.name()).kind(s.kind()).startEpochNanos(s.startEpochNanos())
          .endEpochNanos(s.endEpochNanos() + 777 * MS).status(StatusCode.ERROR)
          .llm(llm("model-9", 1L, 2L, 0.5)).build());
    }
    store.spans().write(changed);
    store.spans().write(changed);
    long from = T0;
    long to = T0 + 4 * 3600 * SECOND;
    assertMetricsMatch(store.spans().aggregate(new MetricsQuery("p1", from, to, MetricsQuery.Bucket.HOUR)),
        reference("p1", from, to, MetricsQuery.Bucket.HOUR));
    store.spans().purgeTraces("p1", T0 + 3600 * SECOND, 10_000);
    assertMetricsMatch(store.spans().aggregate(new MetricsQuery("p1", from, to, MetricsQuery.Bucket.MINUTE)),
        reference("p1", from, to, MetricsQuery.Bucket.MINUTE));
  }

  @Test
  void aggregateOfAnEmptyRangeIsEmpty() {
    assertThat(store.spans().aggregate(new MetricsQuery("p1", T0, T0 + SECOND, MetricsQuery.Bucket.MINUTE))).isEmpty();
  }
}
