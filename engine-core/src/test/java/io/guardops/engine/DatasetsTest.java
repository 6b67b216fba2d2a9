package io.guardops.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetFormat;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.ImportOptions;
import io.guardops.api.dataset.ItemSink;
import io.guardops.api.store.Store;
import io.guardops.engine.internal.InMemoryStore;
import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset versions, the change lease, imports that publish all or nothing, and trace snapshots. */
class DatasetsTest {
  static final Caller ALICE = Caller.claimedUser("alice");
  static final Caller BOB = Caller.claimedUser("bob");

  @TempDir
  Path dir;

  final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
  final Store store = new InMemoryStore();
  Engine engine;

  /** A tiny line format for the engine's tests: {@code input<TAB>expected}; a line without a tab is an error. */
  static final class TabFormat implements DatasetFormat {
    @Override
    public String name() {
      return "tab";
    }

    @Override
    public String fileExtension() {
      return "tsv";
    }

    @Override
    public String mediaType() {
      return "text/tab-separated-values";
    }

    @Override
    public void read(InputStream in, ImportOptions options, ItemSink sink) throws IOException {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      long n = 0;
      int errors = 0;
      while ((line = r.readLine()) != null && errors < options.maxErrors()) {
        n++;
        int tab = line.indexOf('\t');
        if (tab < 0) {
          sink.error(n, "no tab");
          errors++;
        } else {
          sink.item(n, new DatasetItem("line-" + n, line.substring(0, tab), null, line.substring(tab + 1), null, null,
              null, null));
        }
      }
    }

    @Override
    public void write(Iterator<DatasetItem> items, OutputStream out) throws IOException {
      while (items.hasNext()) {
        DatasetItem i = items.next();
        out.write((i.input() + "\t" + i.expected() + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @BeforeEach
  void start() {
    engine = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(store).tokenCache(new MapTokenCache()).setting("guardops.auth", "unprotected")
        .clock(clock).startScheduler(false).datasetFormat(new TabFormat()).build();
    engine.users().provision("alice");
    engine.users().provision("bob");
  }

  @AfterEach
  void close() {
    engine.close();
  }

  static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyChangeIsAVersionAndAnImportWithABadLinePublishesNothing() throws IOException {
    Datasets ds = engine.datasets();
    Dataset d = ds.create(ALICE, "qa", "questions");
    Datasets.ImportReport ok = ds.importFile(ALICE, d.datasetId(), "tab", text("a\t1\nb\t2\n"), ImportOptions.defaults(),
        false);
    assertThat(ok.ok()).isTrue();
    assertThat(ok.items()).isEqualTo(2);
    assertThat(ok.dataset().version()).isEqualTo(1);
    Datasets.ImportReport bad = ds.importFile(ALICE, d.datasetId(), "tab", text("c\t3\nbroken\nd\t4\nalso broken\n"),
        ImportOptions.defaults(), false);
    assertThat(bad.ok()).isFalse();
    assertThat(bad.errors()).containsExactly(new Datasets.LineError(2, "no tab"), new Datasets.LineError(4, "no tab"));
    Dataset after = ds.get(ALICE, d.datasetId()).dataset();
    assertThat(after.version()).as("nothing published").isEqualTo(1);
    assertThat(ds.items(ALICE, d.datasetId(), null, null, 10).items()).extracting(DatasetItem::input)
        .containsExactly("a", "b");
    Datasets.ImportReport replaced = ds.importFile(ALICE, d.datasetId(), "tab", text("z\t9\n"), ImportOptions.defaults(),
        true);
    assertThat(replaced.dataset().version()).isEqualTo(2);
    assertThat(replaced.dataset().itemCount()).isEqualTo(1);
    assertThat(ds.items(ALICE, d.datasetId(), 1L, null, 10).items()).hasSize(2);
    assertThat(ds.versions(ALICE, d.datasetId())).extracting(v -> v.note())
        .containsExactly("import (tab)", "import (tab), replacing all items");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ds.export(ALICE, d.datasetId(), 1L, "tab").writeTo(out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a\t1\nb\t2\n");
    assertThat(ExperimentsTest.kind(() -> ds.export(ALICE, d.datasetId(), 3L, "tab")))
        .isEqualTo(EngineException.Kind.NOT_FOUND);
    assertThat(ExperimentsTest.kind(() -> ds.export(ALICE, d.datasetId(), null, "xml")))
        .isEqualTo(EngineException.Kind.BAD_REQUEST);
  }

  @Test
  void oneChangeAtATimeAnotherGets409UntilTheLeaseIsFreeOrExpired() {
    Datasets ds = engine.datasets();
    Dataset d = ds.create(ALICE, "qa", "");
    // another instance is importing into it
    assertThat(store.retention().tryAcquireLease("dataset:" + d.datasetId(), "other-instance", clock.instant(),
        Duration.ofMinutes(2))).isTrue();
    List<Datasets.ItemDraft> one = List.of(new Datasets.ItemDraft("x", "in", null, null, null, null));
    assertThat(ExperimentsTest.kind(() -> ds.addItems(ALICE, d.datasetId(), one)))
        .isEqualTo(EngineException.Kind.CONFLICT);
    assertThat(ds.get(ALICE, d.datasetId()).dataset().version()).isZero();
    clock.advance(Duration.ofMinutes(3)); // the other instance died: its lease expires
    assertThat(ds.addItems(ALICE, d.datasetId(), one).version()).isEqualTo(1);
  }

  @Test
  void membersReadOutsidersSeeNothingOnlyTheOwnerChanges() {
    Datasets ds = engine.datasets();
    Dataset d = ds.create(ALICE, "qa", "");
    ds.addItems(ALICE, d.datasetId(), List.of(new Datasets.ItemDraft("x", "in", "out", null, null, null)));
    assertThat(ExperimentsTest.kind(() -> ds.items(BOB, d.datasetId(), null, null, 10)))
        .isEqualTo(EngineException.Kind.NOT_FOUND);
    assertThat(ds.importShared(BOB, ds.share(ALICE, d.datasetId()).code()).datasetId()).isEqualTo(d.datasetId());
    assertThat(ds.list(BOB)).singleElement().satisfies(v -> assertThat(v.shared()).isTrue());
    assertThat(ds.forEval(BOB, d.datasetId())).containsExactly(new Datasets.EvalRow("in", "out"));
    assertThat(ExperimentsTest.kind(() -> ds.deleteItems(BOB, d.datasetId(), List.of("x"))))
        .isEqualTo(EngineException.Kind.FORBIDDEN);
    assertThat(ExperimentsTest.kind(() -> ds.share(BOB, d.datasetId()))).isEqualTo(EngineException.Kind.FORBIDDEN);
    assertThat(ExperimentsTest.kind(() -> ds.delete(BOB, d.datasetId()))).isEqualTo(EngineException.Kind.FORBIDDEN);
    assertThat(ds.get(ALICE, d.datasetId()).dataset().version()).isEqualTo(1);
  }

  @Test
  void anItemFromATraceIsASnapshotThatOutlivesTheTrace() {
    String p = engine.projects().create(ALICE, new Projects.Draft("bot", "", List.of(), 1, null, null)).projectId();
    long t = Instant.parse("2026-05-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    String trace = "0af7651916cd43dd8448eb211c80319c";
    engine.ingest().spans(List.of(
        Span.builder().projectId(p).traceId(trace).spanId("b7ad6b7169203331").name("agent").startEpochNanos(t)
            .endEpochNanos(t + 2_000_000_000L).build(),
        Span.builder().projectId(p).traceId(trace).spanId("c7ad6b7169203332").parentSpanId("b7ad6b7169203331")
            .name("chat").startEpochNanos(t + 1).endEpochNanos(t + 1_000_000_000L)
            .llm(LlmFields.builder().requestModel("gpt-4o-mini").prompt("What is 2+2?").output("4").inputTokens(7L)
                .outputTokens(1L).build()).build()));
    Datasets ds = engine.datasets();
    Dataset d = ds.create(ALICE, "from traces", "");
    assertThat(ExperimentsTest.kind(() -> ds.addTraces(ALICE, d.datasetId(), List.of("0x" + trace,
        "0x" + "f".repeat(32)), null))).isEqualTo(EngineException.Kind.NOT_FOUND);
    assertThat(ds.get(ALICE, d.datasetId()).dataset().version()).as("nothing added").isZero();
    ds.addTraces(ALICE, d.datasetId(), List.of("0x" + trace), null);
    DatasetItem item = ds.items(ALICE, d.datasetId(), null, null, 10).items().get(0);
    assertThat(item.itemId()).isEqualTo(trace);
    assertThat(item.input()).isEqualTo("What is 2+2?");
    assertThat(item.output()).isEqualTo("4");
    assertThat(item.sourceTraceId()).isEqualTo(trace);
    assertThat(item.sourceSpanId()).as("the model call, the root has no prompt").isEqualTo("c7ad6b7169203332");
    assertThat(item.metadata()).containsEntry("project_id", p).containsEntry("model", "gpt-4o-mini")
        .containsEntry("input_tokens", 7L).containsKey("cost");
    // the trace goes with retention (1 day); the item stays
    assertThat(engine.retention().sweep(Retention.Progress.none()).deletedTraces()).isEqualTo(1);
    assertThat(store.spans().findTrace(p, trace)).isEmpty();
    assertThat(ds.items(ALICE, d.datasetId(), null, null, 10).items()).containsExactly(item);
  }
}
