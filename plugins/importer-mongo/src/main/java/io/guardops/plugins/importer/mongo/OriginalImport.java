package io.guardops.plugins.importer.mongo;

import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import io.guardops.api.ApiKey;
import io.guardops.api.Attributes;
import io.guardops.api.CleanupRecord;
import io.guardops.api.Grant;
import io.guardops.api.LlmFields;
import io.guardops.api.Project;
import io.guardops.api.SharedKind;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.User;
import io.guardops.api.importer.ImportProgress;
import io.guardops.api.importer.ImportReport;
import io.guardops.api.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Copies an original GuardOps database (the FastAPI backend's MongoDB) into any {@link Store},
 * through the plugin API only. Reads:
 *
 * <ul>
 *   <li>{@code Users}: {@code user_id} (or a string {@code _id}), the embedded {@code projects}
 *       ({@code project_id, name, description, tags, retention}, latency thresholds when present) and
 *       {@code keys}. A project listed by several users belongs to the one whose entry is not marked
 *       {@code shared} (or whom {@code owner}/{@code owner_id} names; else the first user in {@code
 *       _id} order); the others get a grant of it.</li>
 *   <li>{@code Spans} in the Python library's form ({@code context.trace_id} as {@code 0x...},
 *       ISO times, {@code attributes} with {@code _} for {@code .}, {@code status.status_code},
 *       {@code kind} like {@code SpanKind.CLIENT}, {@code parent_id}), each in the project of its
 *       {@code Traces} document ({@code trace_id -> project_id}) or its own {@code project_id}.</li>
 *   <li>{@code Cleanup}: one record per document, with the id {@code original-<_id>}.</li>
 * </ul>
 *
 * API keys were stored in the clear by the original. They are never copied: the store gets only
 * {@code sha256(sha256(raw))} as {@link ApiKey#hashOfHash()} (the Python library authenticates with
 * {@code key_hash = sha256(raw)}, which the engine hashes once more to look the key up), or nothing
 * with {@link KeyPolicy#SKIP}. The raw keys in {@code Traces.access_token} are never read.
 *
 * <p>Idempotent: users by id, projects by id, grants by (project, user), keys by hash, spans by
 * (project, trace, span), cleanup records by their derived id; running it twice changes nothing.
 * {@link LlmFields} are filled minimally from the library's attributes (see {@link #llm}); the engine
 * re-normalises on ingest, but this writes to the store directly. Not thread-safe; one run at a time.
 */
final class OriginalImport {
  /** The project id given to original cleanup records, which were per run, not per project. */
  static final String ALL_PROJECTS = "*";
  /** Spans per store write. */
  static final int BATCH = 1000;
  /** The code id of grants made from a project listed by several original users. */
  static final String IMPORT_CODE_ID = "original-import";

  /** What to do with the original's API keys. */
  enum KeyPolicy {
    /** Import {@code sha256(sha256(raw))}, so the keys keep working with the Python library. */
    HASH,
    /** Import no key; users create new ones. */
    SKIP
  }

  /**
   * What one run did. Counts of what was "present" were in the target already (a second run finds
   * everything present and imports nothing new).
   *
   * @param skipped why records were not imported, with how many of each
   * @param notes decisions worth a look (for example which user was taken as a project's owner)
   * @param collectionsNotImported source collections this store has no part for yet
   */
  record Report(long usersImported, long usersPresent, long projectsImported, long projectsPresent,
      long grantsImported, long keysImported, long keysPresent, long spansRead, long spansWritten,
      long cleanupRecords, Map<String, Long> skipped, List<String> notes, List<String> collectionsNotImported) {

    /**
     * As the plugin API reports it: counts by kind; what was already in the target and the source
     * collections the store has no part for count as skipped, with their reasons.
     */
    ImportReport toImportReport() {
      Map<String, Long> imported = new LinkedHashMap<>();
      imported.put("users", usersImported);
      imported.put("projects", projectsImported);
      imported.put("project grants", grantsImported);
      imported.put("api keys", keysImported);
      imported.put("spans", spansWritten);
      imported.put("cleanup records", cleanupRecords);
      Map<String, Long> skip = new LinkedHashMap<>(skipped);
      putIfPositive(skip, "users already in the store", usersPresent);
      putIfPositive(skip, "projects already in the store", projectsPresent);
      putIfPositive(skip, "API keys already in the store", keysPresent);
      List<String> all = new ArrayList<>(notes);
      all.add("spans and cleanup records are written by their ids: one already in the store is written again"
          + " unchanged, so running the import again is safe");
      if (keysImported + keysPresent > 0) {
        all.add("raw API keys are never copied: only sha256(sha256(key)), which the Python library's key_hash still"
            + " finds");
      }
      if (usersImported + usersPresent > 0) {
        all.add("users keep the original's identity provider ids (such as auth0|...): serve them with guardops.auth=auth0"
            + " and the original's AUTH0_* settings (single-user mode shows only its own user \"0\")");
      }
      if (!collectionsNotImported.isEmpty()) {
        all.add("not imported (the store has no part for them yet): " + String.join(", ", collectionsNotImported));
      }
      return new ImportReport(imported, skip, all);
    }

    private static void putIfPositive(Map<String, Long> m, String key, long n) {
      if (n > 0) {
        m.put(key, n);
      }
    }
  }

  private final MongoDatabase source;
  private final Store target;
  private final Clock clock;
  private final KeyPolicy keyPolicy;
  private final ImportProgress progress;

  private final Map<String, Long> skipped = new TreeMap<>();
  private final List<String> notes = new ArrayList<>();
  private final Set<String> knownProjects = new LinkedHashSet<>();
  private final Set<String> unknownProjects = new LinkedHashSet<>();
  private long usersImported;
  private long usersPresent;
  private long projectsImported;
  private long projectsPresent;
  private long grantsImported;
  private long keysImported;
  private long keysPresent;
  private long spansRead;
  private long spansWritten;
  private long cleanupRecords;

  OriginalImport(MongoDatabase source, Store target, Clock clock, KeyPolicy keyPolicy, ImportProgress progress) {
    this.source = source;
    this.target = target;
    this.clock = clock;
    this.keyPolicy = keyPolicy;
    this.progress = progress;
  }

  /** Runs the import; store failures propagate (running again continues where data is missing). */
  Report run() {
    Instant started = clock.instant();
    importUsers(started);
    importSpans();
    importCleanup();
    List<String> rest = new ArrayList<>();
    for (String name : source.listCollectionNames()) {
      if (!List.of("Users", "Traces", "Spans", "Cleanup").contains(name) && !name.startsWith("system.")) {
        rest.add(name);
      }
    }
    Collections.sort(rest);
    if (keyPolicy == KeyPolicy.SKIP) {
      notes.add("API keys were not imported (key policy SKIP): their users must create new keys");
    }
    return new Report(usersImported, usersPresent, projectsImported, projectsPresent, grantsImported, keysImported,
        keysPresent, spansRead, spansWritten, cleanupRecords, Collections.unmodifiableMap(new TreeMap<>(skipped)),
        List.copyOf(notes), List.copyOf(rest));
  }

  private void skip(String why) {
    skipped.merge(why, 1L, Long::sum);
  }

  // ------------------------------------------------------------------------------- users, projects, keys

  /** One user's listing of a project. */
  private record Listing(String userId, Document entry, Instant createdAt, boolean marked) {}

  private void importUsers(Instant started) {
    long total = source.getCollection("Users").estimatedDocumentCount();
    long done = 0;
    Map<String, List<Listing>> listings = new LinkedHashMap<>();
    for (Document u : source.getCollection("Users").find().sort(Sorts.ascending("_id"))) {
      importUser(u, started, listings);
      progress.progress("users", ++done, total);
    }
    for (Map.Entry<String, List<Listing>> e : listings.entrySet()) {
      importProject(e.getKey(), e.getValue());
    }
  }

  private void importUser(Document u, Instant started, Map<String, List<Listing>> listings) {
    String userId = u.get("user_id") instanceof String s ? s : u.get("_id") instanceof String s2 ? s2 : null;
    if (userId == null || userId.isBlank() || userId.length() > 256) {
      skip("user documents without a usable user_id");
      return;
    }
    Instant created = firstInstant(u, "created", "created_at", "creation_date");
    if (created == null) {
      created = u.get("_id") instanceof ObjectId oid ? oid.getDate().toInstant() : started;
    }
    if (target.users().create(new User(userId, created))) {
      usersImported++;
    } else {
      usersPresent++;
    }
    if (u.get("projects") instanceof List<?> projects) {
      int i = 0;
      for (Object o : projects) {
        if (o instanceof Document p && p.get("project_id") != null) {
          // a listing without a date keeps the array's order: the user's time plus its position
          Instant pc = firstInstant(p, "created", "created_at", "creation_date");
          listings.computeIfAbsent(String.valueOf(p.get("project_id")), k -> new ArrayList<>())
              .add(new Listing(userId, p, pc != null ? pc : created.plusMillis(i), isShared(p, userId)));
        } else {
          skip("project entries without a project_id");
        }
        i++;
      }
    }
    if (u.get("keys") instanceof List<?> keys) {
      for (Object k : keys) {
        importKey(userId, created, k);
      }
    }
  }

  /** Whether an original project entry says it was shared with (imported by) this user. */
  private static boolean isShared(Document p, String userId) {
    Object owner = p.get("owner_id") != null ? p.get("owner_id") : p.get("owner");
    if (owner != null) {
      return !owner.toString().equals(userId);
    }
    return Boolean.TRUE.equals(p.get("shared")) || Boolean.TRUE.equals(p.get("imported"));
  }

  private void importProject(String projectId, List<Listing> listings) {
    Listing owner = listings.stream().filter(l -> !l.marked()).findFirst().orElse(listings.get(0));
    if (listings.size() > 1 && listings.stream().filter(l -> !l.marked()).count() != 1) {
      notes.add("project " + projectId + " is listed by " + listings.size() + " users and none or several are marked"
          + " as its owner; " + owner.userId() + " (the first in _id order) was taken as the owner");
    }
    Project project;
    try {
      project = project(projectId, owner);
    } catch (IllegalArgumentException e) {
      skip("projects that are invalid (" + e.getMessage() + ")");
      return;
    }
    if (target.projects().find(projectId).isPresent()) {
      projectsPresent++;
    } else {
      target.projects().create(project);
      projectsImported++;
    }
    knownProjects.add(projectId);
    for (Listing l : listings) {
      if (l != owner && !l.userId().equals(owner.userId())
          && target.sharing().addGrant(new Grant(SharedKind.PROJECT, projectId, l.userId(), owner.userId(),
              IMPORT_CODE_ID, project.createdAt()))) {
        grantsImported++;
      }
    }
  }

  private static Project project(String projectId, Listing owner) {
    Document p = owner.entry();
    String name = p.get("name") instanceof String s && !s.isBlank() ? s.strip() : "Project " + projectId;
    String description = p.get("description") instanceof String s ? s : "";
    Project.Builder b = Project.builder().projectId(projectId).ownerId(owner.userId())
        .name(name.length() > 200 ? name.substring(0, 200) : name)
        .description(description.length() > 10_000 ? description.substring(0, 10_000) : description)
        .tags(tags(p.get("tags"))).retentionDays(retention(p.get("retention"))).createdAt(owner.createdAt());
    Double warning = Attributes.asDouble(p.get("latency_warning_thresholds"));
    Double critical = Attributes.asDouble(p.get("latency_critical_thresholds"));
    if (warning != null && critical != null && warning > 0 && critical >= warning) {
      b.latencyWarningSeconds(warning).latencyCriticalSeconds(critical);
    }
    return b.build();
  }

  private static List<String> tags(Object raw) {
    List<String> out = new ArrayList<>();
    if (raw instanceof List<?> l) {
      for (Object o : l) {
        if (o != null && !o.toString().isBlank()) {
          out.add(o.toString().strip());
        }
      }
    } else if (raw instanceof String s) {
      // the API took them comma-joined; some documents kept that form
      for (String t : s.split(",")) {
        if (!t.isBlank()) {
          out.add(t.strip());
        }
      }
    }
    return out;
  }

  private static int retention(Object raw) {
    Long days = Attributes.asLong(raw);
    if (days == null || days < 0) {
      return 0;
    }
    return (int) Math.min(days, Project.MAX_RETENTION_DAYS);
  }

  private void importKey(String userId, Instant userCreated, Object entry) {
    String raw = null;
    String hash = null;
    Document d = entry instanceof Document doc ? doc : new Document();
    if (entry instanceof String s) {
      raw = s;
    } else {
      for (String field : List.of("key", "api_key", "raw", "value", "token")) {
        if (d.get(field) instanceof String s && !s.isBlank()) {
          raw = s;
          break;
        }
      }
      for (String field : List.of("key_hash", "hash")) {
        if (raw == null && d.get(field) instanceof String s && isHex(s.strip().toLowerCase(Locale.ROOT), 64)) {
          hash = s.strip().toLowerCase(Locale.ROOT);
          break;
        }
      }
    }
    if (raw == null && hash == null) {
      skip("API key entries with neither a key nor its SHA-256");
      return;
    }
    if (keyPolicy == KeyPolicy.SKIP) {
      skip("API keys (key policy SKIP)");
      return;
    }
    // the library's key_hash is sha256(raw); the store keeps sha256(key_hash)
    String hashOfHash = sha256(raw != null ? sha256(raw) : hash);
    if (target.apiKeys().findByHash(hashOfHash).isPresent()) {
      keysPresent++;
      return;
    }
    String hint = d.get("hint") instanceof String h && !h.isBlank() && (raw == null || !h.contains(raw)) && h.length() <= 64
        ? h : raw != null && raw.length() > 8 ? "..." + raw.substring(raw.length() - 4) : "";
    Instant created = firstInstant(d, "created", "created_at");
    Instant lastUsed = firstInstant(d, "lastused", "last_used", "lastUsed");
    target.apiKeys().create(new ApiKey("original-" + hashOfHash.substring(0, 24), userId, hashOfHash, hint,
        created != null ? created : userCreated, lastUsed));
    keysImported++;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  // ------------------------------------------------------------------------------- spans

  /** A {@code Traces} document's project, or that it belongs to a playground. */
  private record TraceRef(String projectId, boolean playground) {}

  private void importSpans() {
    // the original's Traces may have no index on trace_id: one pass instead of a query per batch
    // (about 150 bytes per trace in memory)
    Map<String, TraceRef> traces = new HashMap<>();
    for (Document t : source.getCollection("Traces").find()
        .projection(new Document("_id", 0).append("trace_id", 1).append("project_id", 1).append("playground_id", 1))) {
      if (t.get("trace_id") != null) {
        traces.putIfAbsent(t.get("trace_id").toString(), new TraceRef(
            t.get("project_id") == null ? null : t.get("project_id").toString(), t.get("playground_id") != null));
      }
    }
    long total = source.getCollection("Spans").estimatedDocumentCount();
    List<Document> batch = new ArrayList<>(BATCH);
    try (MongoCursor<Document> it = source.getCollection("Spans").find().sort(Sorts.ascending("_id"))
        .batchSize(BATCH).iterator()) {
      while (it.hasNext()) {
        batch.add(it.next());
        if (batch.size() == BATCH || !it.hasNext()) {
          writeSpans(batch, traces);
          batch.clear();
          progress.progress("spans", spansRead, total);
        }
      }
    }
  }

  private void writeSpans(List<Document> docs, Map<String, TraceRef> traces) {
    spansRead += docs.size();
    List<Span> out = new ArrayList<>(docs.size());
    for (Document d : docs) {
      Document context = d.get("context") instanceof Document c ? c : new Document();
      TraceRef trace = traces.get(String.valueOf(context.get("trace_id")));
      Object projectRaw = d.get("project_id") != null ? d.get("project_id") : trace == null ? null : trace.projectId();
      if (projectRaw == null) {
        skip(trace != null && trace.playground()
            ? "spans of playground traces (no project; playgrounds are not imported)"
            : "spans whose trace has no Traces document naming a project");
        continue;
      }
      String projectId = projectRaw.toString();
      if (!projectExists(projectId)) {
        skip("spans of projects that no user lists");
        continue;
      }
      try {
        out.add(span(projectId, d));
      } catch (IllegalArgumentException e) {
        // one reason per kind of fault, not per value
        skip("spans that are invalid (" + e.getMessage().replaceAll("'[^']*'", "'...'").replaceAll("[0-9]+", "N") + ")");
      }
    }
    if (!out.isEmpty()) {
      target.spans().write(out);
      spansWritten += out.size();
    }
  }

  private boolean projectExists(String projectId) {
    if (knownProjects.contains(projectId)) {
      return true;
    }
    if (unknownProjects.contains(projectId)) {
      return false;
    }
    boolean exists = target.projects().find(projectId).isPresent();
    (exists ? knownProjects : unknownProjects).add(projectId);
    return exists;
  }

  /** One span in the library's form (see GUARDOPS_WIRE.md, "Ingestion from the Python library"). */
  static Span span(String projectId, Document d) {
    Document context = d.get("context") instanceof Document c ? c : new Document();
    Document status = d.get("status") instanceof Document s ? s : new Document();
    Map<String, Object> attributes = map(d.get("attributes"));
    List<SpanEvent> events = new ArrayList<>();
    if (d.get("events") instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Document e) {
          events.add(new SpanEvent(e.getString("name"), nanos(e.get("timestamp"), "events.timestamp"),
              map(e.get("attributes"))));
        }
      }
    }
    Map<String, Object> resource = d.get("resource") instanceof Document r ? map(r.get("attributes")) : Map.of();
    Object parent = d.get("parent_id");
    return new Span(projectId, hexId(context.get("trace_id"), 32, "context.trace_id"),
        hexId(context.get("span_id"), 16, "context.span_id"),
        parent == null || parent.toString().isBlank() ? null : hexId(parent, 16, "parent_id"),
        d.get("name") == null ? "" : d.get("name").toString(),
        SpanKind.parse(d.get("kind") == null ? null : d.get("kind").toString()),
        nanos(d.get("start_time"), "start_time"), nanos(d.get("end_time"), "end_time"),
        StatusCode.parse(status.get("status_code") == null ? null : status.get("status_code").toString()),
        status.get("description") == null ? "" : status.get("description").toString(), attributes, events, resource,
        llm(attributes));
  }

  /**
   * The few LLM fields the library's attributes give directly: the model ({@code model}, which the
   * library filled from {@code llm_response_model} or {@code gen_ai_response_model}), the requested
   * model, the vendor, the prompt and output it extracted, and token counts from the {@code
   * *_usage_prompt_tokens|input_tokens}, {@code *_usage_completion_tokens|output_tokens} and {@code
   * *_usage_total_tokens} keys. No cost: prices are the engine's business at ingest.
   */
  static LlmFields llm(Map<String, Object> a) {
    LlmFields.Builder b = LlmFields.builder()
        .responseModel(firstText(a, "model", "llm_response_model", "gen_ai_response_model"))
        .requestModel(firstText(a, "llm_request_model", "gen_ai_request_model"))
        .provider(firstText(a, "gen_ai_system", "llm_vendor"))
        .operation(firstText(a, "llm_request_type", "gen_ai_operation_name"))
        .prompt(trimmed(firstText(a, "prompt")))
        .output(trimmed(firstText(a, "output")));
    for (Map.Entry<String, Object> e : a.entrySet()) {
      String k = e.getKey();
      if (!k.contains("_usage_")) {
        continue;
      }
      Long v = Attributes.asLong(e.getValue());
      if (v == null || v < 0) {
        continue;
      }
      if (k.endsWith("_usage_prompt_tokens") || k.endsWith("_usage_input_tokens")) {
        b.inputTokensIfAbsent(v);
      } else if (k.endsWith("_usage_completion_tokens") || k.endsWith("_usage_output_tokens")) {
        b.outputTokensIfAbsent(v);
      } else if (k.endsWith("_usage_total_tokens")) {
        b.totalTokensIfAbsent(v);
      }
    }
    return b.build();
  }

  private static String firstText(Map<String, Object> a, String... keys) {
    for (String k : keys) {
      if (a.get(k) instanceof String s && !s.isBlank()) {
        return s;
      }
    }
    return null;
  }

  /** The library joined prompt and output parts with a newline after each: drop the last one. */
  private static String trimmed(String s) {
    return s != null && s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  /** A stored attribute document as an attribute map (BSON values as the model's value types). */
  private static Map<String, Object> map(Object raw) {
    if (!(raw instanceof Document d)) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    d.forEach((k, v) -> {
      Object value = value(v);
      if (value != null) {
        out.put(k, value);
      }
    });
    return out;
  }

  private static Object value(Object v) {
    if (v instanceof Document) {
      return map(v);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(value(o));
      }
      return out;
    }
    if (v instanceof Date date) {
      return date.toInstant().toString();
    }
    if (v instanceof ObjectId oid) {
      return oid.toHexString();
    }
    return Attributes.normalise(v);
  }

  /** {@code 0x}-prefixed or bare hex, or a number (Python's int ids), as the model's lowercase hex. */
  static String hexId(Object raw, int length, String field) {
    if (raw == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    String s = raw instanceof Number n ? Long.toHexString(n.longValue()) : raw.toString().strip().toLowerCase(Locale.ROOT);
    if (s.startsWith("0x")) {
      s = s.substring(2);
    }
    if (s.length() < length && isHex(s, s.length())) {
      s = "0".repeat(length - s.length()) + s;
    }
    if (!isHex(s, length) || s.chars().allMatch(c -> c == '0')) {
      throw new IllegalArgumentException(field + " is not a " + length + "-digit hex id");
    }
    return s;
  }

  private static boolean isHex(String s, int length) {
    if (s.length() != length || length == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** An ISO-8601 string (no zone means UTC, as Python's naive times) or a BSON date, in epoch nanos. */
  static long nanos(Object raw, String field) {
    Instant t = instant(raw);
    if (t == null) {
      throw new IllegalArgumentException(field + " is not an ISO-8601 time or a date");
    }
    return nanos(t);
  }

  /** An instant as epoch nanoseconds, the model's time unit; years 1678 to 2261 fit. */
  static long nanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("time " + t + " is outside what the store keeps (years 1678 to 2261)");
    }
  }

  private static Instant instant(Object raw) {
    if (raw instanceof Date d) {
      return d.toInstant();
    }
    if (!(raw instanceof String s) || s.isBlank()) {
      return null;
    }
    String t = s.strip();
    try {
      if (t.endsWith("Z") || t.endsWith("z")) {
        return Instant.parse(t.substring(0, t.length() - 1) + "Z");
      }
      int tpos = t.indexOf('T');
      if (tpos > 0 && (t.indexOf('+', tpos) > 0 || t.indexOf('-', tpos) > 0)) {
        return OffsetDateTime.parse(t).toInstant();
      }
      return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static Instant firstInstant(Document d, String... fields) {
    for (String f : fields) {
      Instant t = instant(d.get(f));
      if (t != null) {
        return t;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------- cleanup

  private void importCleanup() {
    long total = source.getCollection("Cleanup").estimatedDocumentCount();
    long done = 0;
    for (Document c : source.getCollection("Cleanup").find().sort(Sorts.ascending("_id"))) {
      importCleanupRecord(c);
      progress.progress("cleanup", ++done, total);
    }
  }

  private void importCleanupRecord(Document c) {
    Object id = c.get("_id");
    Instant executed = firstInstant(c, "Execution_time", "execution_time");
    if (executed == null && id instanceof ObjectId oid) {
      executed = oid.getDate().toInstant();
    }
    if (id == null || executed == null) {
      skip("cleanup documents without an id or execution time");
      return;
    }
    String recordId = "original-" + (id instanceof ObjectId oid ? oid.toHexString() : id.toString());
    Object project = c.get("project_id");
    // the original recorded neither the cutoff nor the duration: the execution time and zero stand in
    target.retention().addCleanupRecord(new CleanupRecord(recordId, executed,
        project == null ? ALL_PROJECTS : project.toString(), executed, count(c, "deleted_traces", "traces"),
        count(c, "deleted_spans", "spans"), Duration.ZERO));
    cleanupRecords++;
  }

  private static long count(Document c, String number, String list) {
    Long n = Attributes.asLong(c.get(number));
    if (n != null && n >= 0) {
      return n;
    }
    return c.get(list) instanceof List<?> l ? l.size() : 0;
  }
}
