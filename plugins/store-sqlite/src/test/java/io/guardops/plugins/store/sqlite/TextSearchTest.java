package io.guardops.plugins.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.TraceSummary;
import io.guardops.api.store.TracePage;
import io.guardops.api.store.TraceQuery;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text filter over the full-text index: what matches (whole words, any case and accents, all words
 * in one span's prompt or output), that nothing else does, checked against a brute-force reading of
 * the same spans, through both query paths (few matches looked up by trace, many checked while walking
 * the listing), and after re-sends and retention purges of indexed and not yet indexed spans.
 */
class TextSearchTest {
  private static final long T0 = Workloads.T0;
  private static final long MS = Workloads.MS;
  private static final List<String> VOCABULARY = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
      "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa");

  @TempDir
  Path dir;

  private SqliteStore store;

  /** The index is brought up to date by the reads that need it, not by the periodic batch (an hour apart). */
  private SqliteStore open() throws Exception {
    store = (SqliteStore) new SqliteStoreProvider().create(ComponentConfig.empty(dir).with("synchronous", "NORMAL")
        .with("index-interval", "1h"), new TestContext());
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private static Span span(String project, int trace, int n, String name, String prompt, String output) {
    long start = T0 + trace * MS + n;
    return Span.builder().projectId(project).traceId(Workloads.traceId(trace)).spanId(String.format("a%015x", n + 1))
        .name(name).startEpochNanos(start).endEpochNanos(start + 10)
        .llm(LlmFields.builder().prompt(prompt).output(output).build()).build();
  }

  private List<String> find(String project, String text) {
    List<String> out = new ArrayList<>();
    TraceQuery.Builder q = TraceQuery.builder(project).text(text).limit(50);
    while (true) {
      TracePage page = store.spans().findTraces(q.build());
      page.traces().forEach(t -> out.add(t.traceId()));
      if (!page.hasMore()) {
        return out;
      }
      TraceSummary last = page.traces().get(page.traces().size() - 1);
      q.after(new io.guardops.api.store.TraceCursor(last.startEpochNanos(), last.traceId()));
    }
  }

  @Test
  void wholeWordsOfPromptsAndOutputsMatchInAnyCaseAndAccent() throws Exception {
    open();
    store.spans().write(List.of(
        span("p1", 1, 1, "chat", "What is the capital of France?", "Paris, of course."),
        span("p1", 2, 2, "chat", "Un café à Reykjavík", null),
        span("p1", 3, 3, "capital", "nothing here", "see attributes"),
        span("p1", 4, 4, "chat", "capitalism and capitals", null),
        span("p2", 5, 5, "chat", "capital", "paris")));
    assertThat(find("p1", "capital")).containsExactly(Workloads.traceId(1));
    assertThat(find("p1", "PARIS")).containsExactly(Workloads.traceId(1));
    assertThat(find("p1", "cafe reykjavik")).containsExactly(Workloads.traceId(2));
    assertThat(find("p1", "Reykjavík, café!")).containsExactly(Workloads.traceId(2));
    // every word, in any order, in one span
    assertThat(find("p1", "paris capital france")).containsExactly(Workloads.traceId(1));
    // no false positives: a word nowhere, a span name, a prefix, a word of another project, one word missing
    assertThat(find("p1", "berlin")).isEmpty();
    assertThat(find("p1", "attributes capital")).isEmpty();
    assertThat(find("p1", "capita")).isEmpty();
    assertThat(find("p1", "capitals")).containsExactly(Workloads.traceId(4));
    assertThat(find("p2", "france")).isEmpty();
    assertThat(find("p1", "paris berlin")).isEmpty();
    assertThat(find("nobody", "paris")).isEmpty();
  }

  @Test
  void allWordsMustBeInOneSpanNotSpreadOverATrace() throws Exception {
    open();
    store.spans().write(List.of(span("p1", 1, 1, "a", "alpha", "bravo"), span("p1", 1, 2, "b", "charlie", null),
        span("p1", 2, 3, "c", "alpha charlie", null)));
    assertThat(find("p1", "alpha bravo")).containsExactly(Workloads.traceId(1));
    assertThat(find("p1", "alpha charlie")).containsExactly(Workloads.traceId(2));
    assertThat(find("p1", "bravo charlie")).isEmpty();
  }

  @Test
  void aResentSpanIsFoundByItsNewTextOnly() throws Exception {
    open();
    store.spans().write(List.of(span("p1", 1, 1, "chat", "first version golf", null)));
    // indexed now (a search catches up), then replaced
    assertThat(find("p1", "golf")).containsExactly(Workloads.traceId(1));
    store.spans().write(List.of(span("p1", 1, 1, "chat", "second version hotel", null)));
    assertThat(find("p1", "golf")).isEmpty();
    assertThat(find("p1", "hotel")).containsExactly(Workloads.traceId(1));
    // replaced before it was ever indexed
    store.spans().write(List.of(span("p1", 2, 2, "chat", "kilo", null)));
    store.spans().write(List.of(span("p1", 2, 2, "chat", "lima", null)));
    assertThat(find("p1", "kilo")).isEmpty();
    assertThat(find("p1", "lima")).containsExactly(Workloads.traceId(2));
  }

  @Test
  void aSearchTextWithoutWordsIsASubstringTest() throws Exception {
    open();
    store.spans().write(List.of(span("p1", 1, 1, "chat", "50% off", null), span("p1", 2, 2, "chat", "fifty", "a_b")));
    assertThat(find("p1", "%")).containsExactly(Workloads.traceId(1));
    assertThat(find("p1", "_")).containsExactly(Workloads.traceId(2));
    assertThat(find("p1", "#")).isEmpty();
  }

  /** The words of a text as the index has them: lower case, accents off. */
  private static Set<String> words(String text) {
    Set<String> out = new HashSet<>();
    if (text == null) {
      return out;
    }
    for (String w : TextSearch.words(text)) {
      out.add(Normalizer.normalize(w, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT));
    }
    return out;
  }

  /** Brute force over the spans: traces of which one span holds every word of {@code query}. */
  private static Set<String> expected(Map<String, Span> spans, String query) {
    Set<String> q = words(query);
    Set<String> out = new HashSet<>();
    for (Span s : spans.values()) {
      Set<String> w = words(s.llm().prompt());
      w.addAll(words(s.llm().output()));
      if (w.containsAll(q)) {
        out.add(s.traceId());
      }
    }
    return out;
  }

  @Test
  void answersEqualABruteForceReadingThroughBothPathsAndAfterPurges() throws Exception {
    open();
    Random random = new Random(42);
    Map<String, Span> spans = new HashMap<>();
    List<Span> batch = new ArrayList<>();
    // "common" is in every span: more matches than the direct path takes, so the listing is walked
    int traces = 1500;
    for (int t = 0; t < traces; t++) {
      for (int n = 0; n < 2; n++) {
        StringBuilder prompt = new StringBuilder("Common words:");
        for (int k = 0; k < 3; k++) {
          // skewed: early words are frequent, late ones rare
          prompt.append(' ').append(VOCABULARY.get(Math.min(random.nextInt(VOCABULARY.size()),
              random.nextInt(VOCABULARY.size()))));
        }
        String output = random.nextInt(4) == 0 ? null : VOCABULARY.get(random.nextInt(VOCABULARY.size())) + "!";
        Span s = span("p1", t, t * 2 + n, "s", prompt.toString(), output);
        spans.put(s.traceId() + s.spanId(), s);
        batch.add(s);
      }
    }
    store.spans().write(batch);
    assertThat(SqliteSpanStore.DIRECT_MATCHES).isLessThan(2 * traces);
    List<String> queries = new ArrayList<>(List.of("common", "COMMON alpha", "papa", "oscar papa", "alpha bravo charlie",
        "zulu", "common zulu"));
    for (int i = 0; i < 20; i++) {
      queries.add(VOCABULARY.get(random.nextInt(VOCABULARY.size())) + " " + VOCABULARY.get(random.nextInt(
          VOCABULARY.size())));
    }
    assertAllMatch(spans, queries);

    // a purge of indexed spans: the index forgets them
    long cutoff = T0 + 500 * MS;
    store.spans().purgeTraces("p1", cutoff, 100_000);
    spans.values().removeIf(s -> s.startEpochNanos() < cutoff);
    assertAllMatch(spans, queries);

    // spans written and purged before any read indexed them: never indexed, never found
    List<Span> late = new ArrayList<>();
    for (int t = 0; t < 300; t++) {
      Span s = span("p1", t, 10_000 + t, "late", "zulu common", null);
      late.add(s);
      spans.put(s.traceId() + s.spanId(), s);
    }
    store.spans().write(late);
    long cutoff2 = T0 + 700 * MS;
    store.spans().purgeTraces("p1", cutoff2, 100_000);
    spans.values().removeIf(s -> s.startEpochNanos() < cutoff2);
    assertThat(expected(spans, "zulu")).isEmpty();
    assertAllMatch(spans, queries);
  }

  private void assertAllMatch(Map<String, Span> spans, List<String> queries) {
    for (String q : queries) {
      List<String> found = find("p1", q);
      assertThat(new LinkedHashSet<>(found)).as("no trace twice for %s", q).hasSameSizeAs(found);
      assertThat(found).as("traces for %s", q).containsExactlyInAnyOrderElementsOf(expected(spans, q));
    }
  }

  @Test
  void fewMatchesAreLookedUpByTraceAndManyCheckedAlongTheListingIndex() throws Exception {
    open();
    List<Span> batch = new ArrayList<>();
    for (int t = 0; t < SqliteSpanStore.DIRECT_MATCHES + 10; t++) {
      batch.add(span("p1", t, t, "s", t < 3 ? "common rare" : "common", null));
    }
    store.spans().write(batch);
    store.spans().catchUp();
    String few = String.join("\n", store.spans().explainFindTraces(TraceQuery.builder("p1").text("rare").build()));
    assertThat(few).as(few).contains("SEARCH t USING INTEGER PRIMARY KEY (rowid=?)").doesNotContain("SCAN t");
    String many = String.join("\n", store.spans().explainFindTraces(TraceQuery.builder("p1").text("common").build()));
    assertThat(many).as(many).contains("SEARCH t USING INDEX trace_summaries_start (project_ref=?)")
        .contains("VIRTUAL TABLE INDEX").doesNotContain("TEMP B-TREE FOR ORDER BY");
    assertThat(find("p1", "rare")).hasSize(3);
    assertThat(find("p1", "common")).hasSize(SqliteSpanStore.DIRECT_MATCHES + 10);
  }
}
