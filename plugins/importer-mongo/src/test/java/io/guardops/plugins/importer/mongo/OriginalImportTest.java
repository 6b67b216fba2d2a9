package io.guardops.plugins.importer.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import io.guardops.api.ApiKey;
import io.guardops.api.CleanupRecord;
import io.guardops.api.Grant;
import io.guardops.api.Project;
import io.guardops.api.SharedKind;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.TraceSummary;
import io.guardops.api.importer.ImportProgress;
import io.guardops.api.importer.ImportReport;
import io.guardops.api.store.Store;
import io.guardops.api.store.TraceQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link OriginalImport} from a database shaped as the original FastAPI backend wrote it (users with
 * embedded projects and raw keys, library-form spans, Traces with raw access tokens, Cleanup runs)
 * into a MongoDB store (store-mongo, through its public provider). The import only uses the plugin API
 * on the target side; host-app's {@code ImportMongoCliIT} imports into the SQLite store through the CLI.
 */
class OriginalImportTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String RAW_A = "coai-" + "A".repeat(40);
  private static final String RAW_B = "coai-" + "B".repeat(40);
  private static final String RAW_C = "coai-" + "C".repeat(40);
  private static final String T1 = "5b8efff798038103d269b633813fc60c";
  private static final String T2 = "00000000000000000000000000000a02";
  private static final String T3 = "00000000000000000000000000000a03";
  private static final String T4 = "00000000000000000000000000000a04";
  @RegisterExtension
  static final SourceAndTarget MONGO = new SourceAndTarget();

  private MongoDatabase source;
  private MongoDatabase targetDatabase;
  private Store target;

  @BeforeEach
  void setUp() {
    source = MONGO.database(MONGO.databaseName("original"));
    source.drop();
    targetDatabase = MONGO.database(MONGO.databaseName("target"));
    targetDatabase.drop();
    target = MONGO.openStore(targetDatabase.getName());
    writeOriginal(source);
  }

  @AfterEach
  void tearDown() {
    target.close();
    source.drop();
  }

  /** The library's form: microseconds and a Z. */
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static String iso(Instant t) {
    return ISO.format(t);
  }

  private static Document librarySpan(String trace, String span, String parent, String name, String kind,
      Instant start, Instant end, String status, Document attributes) {
    return new Document("name", name)
        .append("context", new Document("trace_id", "0x" + trace).append("span_id", "0x" + span)
            .append("trace_state", "[]"))
        .append("kind", kind).append("parent_id", parent == null ? null : "0x" + parent)
        .append("start_time", iso(start)).append("end_time", iso(end))
        .append("status", new Document("status_code", status))
        .append("attributes", attributes)
        .append("events", List.of()).append("links", List.of())
        .append("resource", new Document("attributes", new Document("service_name", "llm-tracing")).append("schema_url", ""));
  }

  private static final Instant DAY1 = Instant.parse("2025-12-31T10:00:00.123456Z");
  private static final Instant OLD = NOW.minus(Duration.ofDays(60));

  /** The original's collections, as its backend and the Python library wrote them. */
  static void writeOriginal(MongoDatabase db) {
    ObjectId userA = new ObjectId(Date.from(Instant.parse("2024-03-01T12:00:00Z")));
    ObjectId userB = new ObjectId(Date.from(Instant.parse("2024-04-01T12:00:00Z")));
    db.getCollection("Users").insertMany(List.of(
        new Document("_id", userA).append("user_id", "github|1")
            .append("projects", List.of(
                new Document("project_id", "p-default").append("name", "Default Project")
                    .append("description", "This is the coai default project created after registration")
                    .append("tags", List.of("coai")).append("retention", 0),
                new Document("project_id", "p-ret").append("name", "Retained").append("description", "30 days")
                    .append("tags", "prod, chat").append("retention", 30)))
            .append("keys", List.of(new Document("key", RAW_A).append("hint", "coai...AAAA")
                .append("created", Date.from(Instant.parse("2024-05-01T00:00:00Z")))
                .append("lastused", Date.from(Instant.parse("2025-12-01T00:00:00Z"))))),
        new Document("_id", userB).append("user_id", "auth0|2")
            .append("projects", List.of(
                new Document("project_id", "p-b").append("name", "B's").append("tags", List.of()).append("retention", 7),
                // p-ret was shared with B: the importer's copy of the entry
                new Document("project_id", "p-ret").append("name", "Retained").append("retention", 30)
                    .append("shared", true)))
            .append("keys", List.of(RAW_B, new Document("hash", OriginalImport.sha256(RAW_C)).append("hint", "coai...CCCC"))),
        new Document("note", "a document without a user id")));

    db.getCollection("Traces").insertMany(List.of(
        new Document("trace_id", "0x" + T1).append("access_token", RAW_A).append("project_id", "p-default")
            .append("playground_id", null),
        new Document("trace_id", "0x" + T2).append("access_token", RAW_A).append("project_id", "p-ret"),
        new Document("trace_id", "0x" + T3).append("access_token", RAW_A).append("project_id", "p-ret"),
        new Document("trace_id", "0x" + T4).append("access_token", RAW_B).append("project_id", "p-b"),
        new Document("trace_id", "0x" + "f".repeat(32)).append("access_token", RAW_A).append("project_id", null)
            .append("playground_id", "pg-1"),
        new Document("trace_id", "0x" + "e".repeat(32)).append("access_token", RAW_A).append("project_id", "gone")));

    Document llmAttributes = new Document("llm_request_type", "chat").append("gen_ai_system", "OpenAI")
        .append("llm_request_model", "gpt-3.5-turbo").append("llm_response_model", "gpt-3.5-turbo-0125")
        .append("gen_ai_prompt_0_role", "user").append("gen_ai_prompt_0_content", "What is the capital of France?")
        .append("gen_ai_completion_0_content", "Paris").append("llm_usage_prompt_tokens", 12)
        .append("llm_usage_completion_tokens", 30).append("llm_usage_total_tokens", 42)
        .append("gen_ai_usage_cache_read_input_tokens", 5)
        .append("response", "{\"llm_request_type\": \"chat\"}")
        .append("output", "Paris\n").append("prompt", "What is the capital of France?\n")
        .append("model", "gpt-3.5-turbo-0125");
    List<Document> spans = new ArrayList<>(List.of(
        librarySpan(T1, "00000000000000a1", null, "agent", "SpanKind.INTERNAL", DAY1, DAY1.plusMillis(900), "UNSET",
            new Document("model", "").append("prompt", "").append("output", "")),
        librarySpan(T1, "00000000000000a2", "00000000000000a1", "openai.chat", "SpanKind.CLIENT", DAY1.plusMillis(10),
            DAY1.plusMillis(800), "OK", llmAttributes),
        librarySpan(T1, "00000000000000a3", "00000000000000a1", "tool", "SpanKind.INTERNAL", DAY1.plusMillis(801),
            DAY1.plusMillis(850), "ERROR", new Document("tool_name", "search").append("nested", new Document("a_b", List.of(1, 2))))
            .append("events", List.of(new Document("name", "exception").append("timestamp", iso(DAY1.plusMillis(849)))
                .append("attributes", new Document("exception_type", "ValueError")))),
        librarySpan(T2, "0000000000000b01", null, "old root", "SpanKind.INTERNAL", OLD, OLD.plusSeconds(1), "UNSET",
            new Document()),
        librarySpan(T2, "0000000000000b02", "0000000000000b01", "old child", "SpanKind.CLIENT", OLD.plusMillis(1),
            OLD.plusMillis(500), "UNSET", new Document()),
        librarySpan(T3, "0000000000000c01", null, "recent", "SpanKind.INTERNAL", NOW.minus(Duration.ofDays(1)),
            NOW.minus(Duration.ofDays(1)).plusSeconds(2), "UNSET", new Document()),
        librarySpan(T4, "0000000000000d01", null, "b's trace", "SpanKind.SERVER", OLD, OLD.plusSeconds(3), "UNSET",
            new Document()),
        librarySpan("f".repeat(32), "0000000000000e01", null, "playground", "SpanKind.CLIENT", DAY1, DAY1.plusSeconds(1),
            "UNSET", new Document()),
        librarySpan("e".repeat(32), "0000000000000e02", null, "orphan", "SpanKind.CLIENT", DAY1, DAY1.plusSeconds(1),
            "UNSET", new Document()),
        librarySpan("d".repeat(32), "0000000000000e03", null, "no trace document", "SpanKind.CLIENT", DAY1,
            DAY1.plusSeconds(1), "UNSET", new Document())));
    // broken ids: the backend stored what it got
    spans.add(librarySpan("zz", "0000000000000e04", null, "bad", "SpanKind.CLIENT", DAY1, DAY1, "UNSET", new Document())
        .append("project_id", "p-default"));
    db.getCollection("Spans").insertMany(spans);

    db.getCollection("Cleanup").insertMany(List.of(
        new Document("_id", new ObjectId(Date.from(Instant.parse("2025-06-01T00:00:00Z"))))
            .append("Execution_time", Date.from(Instant.parse("2025-06-01T00:00:01Z"))).append("deleted_traces", 2)
            .append("traces", List.of("0x1", "0x2")).append("deleted_spans", 5).append("spans", List.of("a", "b", "c", "d", "e")),
        new Document("_id", new ObjectId(Date.from(Instant.parse("2025-06-02T00:00:00Z"))))
            .append("Execution_time", Date.from(Instant.parse("2025-06-02T00:00:01Z"))).append("deleted_traces", 0)
            .append("traces", List.of()).append("deleted_spans", 0).append("spans", List.of())));
    db.getCollection("Datasets").insertOne(new Document("dataset_id", "d1"));
    db.getCollection("Evaluations").insertOne(new Document("evaluation_id", "e1"));
  }

  private OriginalImport.Report importOnce(OriginalImport.KeyPolicy keys, List<String> progress) {
    return new OriginalImport(source, target, Clock.fixed(NOW, ZoneOffset.UTC), keys, new ImportProgress() {
      @Override
      public void progress(String what, long done, long total) {
        progress.add(what + " " + done + "/" + total);
      }

      @Override
      public void note(String message) {
        progress.add("note " + message);
      }
    }).run();
  }

  /** Everything the target holds, through the API. */
  private Map<String, Object> snapshot() {
    Map<String, Object> m = new TreeMap<>();
    m.put("users", target.users().listIds());
    List<Project> projects = target.projects().findAll(List.of("p-default", "p-ret", "p-b", "gone"));
    m.put("projects", projects);
    m.put("grants", target.sharing().listGrants(SharedKind.PROJECT, "p-ret"));
    m.put("keys", List.of(target.apiKeys().listOwnedBy("github|1"), target.apiKeys().listOwnedBy("auth0|2")));
    for (Project p : projects) {
      List<TraceSummary> traces = target.spans().findTraces(TraceQuery.page(p.projectId(), 0, 100)).traces();
      m.put("traces " + p.projectId(), traces);
      m.put("spans " + p.projectId(), target.spans().findSpans(p.projectId(),
          traces.stream().map(TraceSummary::traceId).collect(Collectors.toList())));
    }
    m.put("cleanup", target.retention().listCleanupRecords(null, 100));
    return m;
  }

  @Test
  void importsUsersProjectsKeysSpansAndCleanupAndAgainChangesNothing() {
    List<String> progress = new ArrayList<>();
    OriginalImport.Report first = importOnce(OriginalImport.KeyPolicy.HASH, progress);

    assertThat(first.usersImported()).isEqualTo(2);
    assertThat(first.usersPresent()).isZero();
    assertThat(first.projectsImported()).isEqualTo(3);
    assertThat(first.grantsImported()).isEqualTo(1);
    assertThat(first.keysImported()).isEqualTo(3);
    assertThat(first.spansRead()).isEqualTo(11);
    assertThat(first.spansWritten()).isEqualTo(7);
    assertThat(first.cleanupRecords()).isEqualTo(2);
    assertThat(first.skipped()).containsOnly(
        Map.entry("user documents without a usable user_id", 1L),
        Map.entry("spans of playground traces (no project; playgrounds are not imported)", 1L),
        Map.entry("spans of projects that no user lists", 1L),
        Map.entry("spans whose trace has no Traces document naming a project", 1L),
        Map.entry("spans that are invalid (context.trace_id is not a N-digit hex id)", 1L));
    assertThat(first.notes()).isEmpty();
    assertThat(first.collectionsNotImported()).containsExactly("Datasets", "Evaluations");
    ImportReport asReported = first.toImportReport();
    assertThat(asReported.imported()).containsExactlyInAnyOrderEntriesOf(Map.of("users", 2L, "projects", 3L,
        "project grants", 1L, "api keys", 3L, "spans", 7L, "cleanup records", 2L));
    assertThat(asReported.skipped()).containsAllEntriesOf(first.skipped()).doesNotContainKey("users already in the store");
    assertThat(asReported.notes()).anyMatch(n -> n.contains("raw API keys are never copied"))
        .contains("not imported (the store has no part for them yet): Datasets, Evaluations");
    assertThat(progress).contains("users 3/3", "spans 11/11", "cleanup 2/2");

    // users and projects, with the owner of a shared project and a grant for the other user
    assertThat(target.users().listIds()).containsExactly("github|1", "auth0|2");
    assertThat(target.users().find("github|1").orElseThrow().createdAt()).isEqualTo(Instant.parse("2024-03-01T12:00:00Z"));
    Project retained = target.projects().find("p-ret").orElseThrow();
    assertThat(retained.ownerId()).isEqualTo("github|1");
    assertThat(retained.retentionDays()).isEqualTo(30);
    assertThat(retained.tags()).containsExactly("prod", "chat");
    assertThat(target.projects().find("p-default").orElseThrow().tags()).containsExactly("coai");
    assertThat(target.projects().listOwnedBy("github|1")).extracting(Project::projectId).containsExactly("p-default", "p-ret");
    assertThat(target.projects().listOwnedBy("auth0|2")).extracting(Project::projectId).containsExactly("p-b");
    assertThat(target.sharing().listGrantsTo("auth0|2", SharedKind.PROJECT)).extracting(Grant::resourceId, Grant::grantedBy)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("p-ret", "github|1"));

    // keys: only sha256(sha256(raw)); the library's key_hash = sha256(raw) still finds them through the engine
    ApiKey a = target.apiKeys().findByHash(OriginalImport.sha256(OriginalImport.sha256(RAW_A))).orElseThrow();
    assertThat(a.ownerId()).isEqualTo("github|1");
    assertThat(a.hint()).isEqualTo("coai...AAAA");
    assertThat(a.createdAt()).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
    assertThat(a.lastUsedAt()).isEqualTo(Instant.parse("2025-12-01T00:00:00Z"));
    assertThat(target.apiKeys().findByHash(OriginalImport.sha256(OriginalImport.sha256(RAW_B))).orElseThrow().hint())
        .isEqualTo("...BBBB");
    assertThat(target.apiKeys().findByHash(OriginalImport.sha256(OriginalImport.sha256(RAW_C)))).isPresent();
    String everything = dump(targetDatabase);
    for (String secret : List.of(RAW_A, RAW_B, RAW_C, OriginalImport.sha256(RAW_A), OriginalImport.sha256(RAW_B),
        OriginalImport.sha256(RAW_C))) {
      assertThat(everything).as("the target database holds no usable credential").doesNotContain(secret);
    }

    // spans in the model's form, LLM fields from the library's attributes, summaries by the shared rule
    List<Span> t1 = target.spans().findSpans("p-default", List.of(T1));
    assertThat(t1).extracting(Span::spanId).containsExactly("00000000000000a1", "00000000000000a2", "00000000000000a3");
    Span chat = t1.get(1);
    assertThat(chat.parentSpanId()).isEqualTo("00000000000000a1");
    assertThat(chat.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(chat.status()).isEqualTo(StatusCode.OK);
    assertThat(chat.startEpochNanos()).isEqualTo(OriginalImport.nanos(DAY1.plusMillis(10)));
    assertThat(chat.attributes()).containsEntry("llm_usage_total_tokens", 42L).containsKey("response")
        .containsEntry("gen_ai_prompt_0_content", "What is the capital of France?");
    assertThat(chat.resource()).containsEntry("service_name", "llm-tracing");
    assertThat(chat.llm().responseModel()).isEqualTo("gpt-3.5-turbo-0125");
    assertThat(chat.llm().requestModel()).isEqualTo("gpt-3.5-turbo");
    assertThat(chat.llm().provider()).isEqualTo("OpenAI");
    assertThat(chat.llm().operation()).isEqualTo("chat");
    assertThat(chat.llm().inputTokens()).isEqualTo(12);
    assertThat(chat.llm().outputTokens()).isEqualTo(30);
    assertThat(chat.llm().totalTokens()).isEqualTo(42);
    assertThat(chat.llm().prompt()).isEqualTo("What is the capital of France?");
    assertThat(chat.llm().output()).isEqualTo("Paris");
    assertThat(chat.llm().cost()).isNull();
    assertThat(t1.get(0).llm().isEmpty()).as("blank model/prompt/output are no LLM data").isTrue();
    Span tool = t1.get(2);
    assertThat(tool.status()).isEqualTo(StatusCode.ERROR);
    assertThat(tool.events()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo("exception");
      assertThat(e.attributes()).containsEntry("exception_type", "ValueError");
    });
    assertThat(tool.attributes()).containsEntry("nested", Map.of("a_b", List.of(1L, 2L)));
    TraceSummary s1 = target.spans().findTrace("p-default", T1).orElseThrow();
    assertThat(s1).isEqualTo(TraceSummary.of("p-default", T1,
        t1.stream().map(TraceSummary.SpanFacts::of).collect(Collectors.toList())));
    assertThat(s1.rootName()).isEqualTo("agent");
    assertThat(s1.spanCount()).isEqualTo(3);
    assertThat(s1.errorCount()).isEqualTo(1);
    assertThat(s1.totalTokens()).isEqualTo(42);
    assertThat(s1.model()).isEqualTo("gpt-3.5-turbo-0125");
    assertThat(target.spans().countTraces(List.of("p-default", "p-ret", "p-b")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("p-default", 1L, "p-ret", 2L, "p-b", 1L));

    // cleanup runs of the original were for every project at once
    List<CleanupRecord> cleanup = target.retention().listCleanupRecords(null, 10);
    assertThat(cleanup).extracting(CleanupRecord::projectId).containsOnly(OriginalImport.ALL_PROJECTS);
    assertThat(cleanup.get(1).recordId()).startsWith("original-").hasSize("original-".length() + 24);
    assertThat(cleanup.get(1).executedAt()).isEqualTo(Instant.parse("2025-06-01T00:00:01Z"));
    assertThat(cleanup.get(1).deletedTraces()).isEqualTo(2);
    assertThat(cleanup.get(1).deletedSpans()).isEqualTo(5);

    // twice: nothing new, nothing changed
    Map<String, Object> before = snapshot();
    OriginalImport.Report second = importOnce(OriginalImport.KeyPolicy.HASH, new ArrayList<>());
    assertThat(second.usersImported()).isZero();
    assertThat(second.usersPresent()).isEqualTo(2);
    assertThat(second.projectsImported()).isZero();
    assertThat(second.projectsPresent()).isEqualTo(3);
    assertThat(second.grantsImported()).isZero();
    assertThat(second.keysImported()).isZero();
    assertThat(second.keysPresent()).isEqualTo(3);
    assertThat(second.spansWritten()).isEqualTo(first.spansWritten());
    assertThat(second.skipped()).isEqualTo(first.skipped());
    assertThat(second.toImportReport().skipped()).containsEntry("users already in the store", 2L)
        .containsEntry("projects already in the store", 3L).containsEntry("API keys already in the store", 3L);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void keysCanBeLeftBehind() {
    OriginalImport.Report r = importOnce(OriginalImport.KeyPolicy.SKIP, new ArrayList<>());
    assertThat(r.keysImported()).isZero();
    assertThat(r.skipped()).containsEntry("API keys (key policy SKIP)", 3L);
    assertThat(r.notes()).anyMatch(n -> n.contains("create new keys"));
    assertThat(target.apiKeys().listOwnedBy("github|1")).isEmpty();
  }

  @Test
  void purgesAfterTheImportDeleteWhatTheOriginalRetentionPipelineSelects() {
    // the original retention job (deployment guide), run on the original data as of NOW
    List<Document> selected = new ArrayList<>();
    source.getCollection("Users").aggregate(originalRetentionPipeline(Date.from(NOW))).into(selected);
    Set<String> originalTraces = new HashSet<>();
    Set<String> originalSpans = new HashSet<>();
    for (Document d : selected) {
      d.getList("trace_id", String.class).forEach(t -> originalTraces.add(t.substring(2)));
      d.getList("span_id", String.class).forEach(s -> originalSpans.add(s.substring(2)));
    }
    assertThat(originalTraces).as("the fixture has old traces in projects with retention").containsExactlyInAnyOrder(T2, T4);

    importOnce(OriginalImport.KeyPolicy.HASH, new ArrayList<>());
    Set<String> purgedTraces = new HashSet<>();
    Set<String> purgedSpans = new HashSet<>();
    for (Project p : target.projects().listWithRetention()) {
      List<String> before = target.spans().findTraces(TraceQuery.page(p.projectId(), 0, 100)).traces().stream()
          .map(TraceSummary::traceId).collect(Collectors.toList());
      List<Span> spansBefore = target.spans().findSpans(p.projectId(), before);
      target.spans().purgeTraces(p.projectId(), OriginalImport.nanos(NOW.minus(Duration.ofDays(p.retentionDays()))), 100);
      Set<String> after = target.spans().findTraces(TraceQuery.page(p.projectId(), 0, 100)).traces().stream()
          .map(TraceSummary::traceId).collect(Collectors.toSet());
      before.stream().filter(t -> !after.contains(t)).forEach(purgedTraces::add);
      spansBefore.stream().filter(s -> !after.contains(s.traceId())).forEach(s -> purgedSpans.add(s.spanId()));
    }
    assertThat(purgedTraces).isEqualTo(originalTraces);
    // the original deleted old spans; we delete whole traces, so at least those
    assertThat(purgedSpans).containsAll(originalSpans);
  }

  /** The aggregation of the original retention script (reference/000_cd05dcfda0d10ec6.txt). */
  private static List<Document> originalRetentionPipeline(Date now) {
    return List.of(
        Document.parse("{$addFields: {projects: {$filter: {input: '$projects', as: 'proj', cond: {$gt: ['$$proj.retention', 0]}}}}}"),
        Document.parse("{$unwind: '$projects'}"),
        Document.parse("{$lookup: {from: 'Traces', localField: 'projects.project_id', foreignField: 'project_id', as: 'matched_traces'}}"),
        Document.parse("{$match: {matched_traces: {$ne: []}}}"),
        Document.parse("{$unwind: '$matched_traces'}"),
        Document.parse("{$lookup: {from: 'Spans', localField: 'matched_traces.trace_id', foreignField: 'context.trace_id', as: 'joined_spans'}}"),
        Document.parse("{$unwind: '$joined_spans'}"),
        new Document("$addFields", new Document("time", new Document("$toDate", "$joined_spans.start_time"))
            .append("current_timestamp", now)
            .append("retention_limit", new Document("$add", List.of(new Document("$toDate", "$joined_spans.start_time"),
                new Document("$multiply", List.of("$projects.retention", 24 * 60 * 60 * 1000)))))),
        Document.parse("{$match: {$expr: {$lte: ['$retention_limit', '$current_timestamp']}}}"),
        Document.parse("{$group: {_id: '$projects.project_id', matched_traces: {$addToSet: '$matched_traces'},"
            + " joined_spans: {$push: '$joined_spans'}, projects: {$first: '$projects'}}}"),
        Document.parse("{$project: {_id: 0, trace_id: '$matched_traces.trace_id', project_id: '$projects.project_id',"
            + " project_retention: '$projects.retention', span_id: '$joined_spans.context.span_id', time: 1,"
            + " current_timestamp: 1, retention_limit: 1}}"));
  }

  private static String dump(MongoDatabase db) {
    StringBuilder sb = new StringBuilder();
    for (String name : db.listCollectionNames()) {
      for (Document d : db.getCollection(name).find()) {
        sb.append(d.toJson()).append('\n');
      }
    }
    return sb.toString();
  }
}
