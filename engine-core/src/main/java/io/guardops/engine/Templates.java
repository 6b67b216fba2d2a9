package io.guardops.engine;

import io.guardops.api.Json;
import io.guardops.api.StoredRecord;
import io.guardops.api.auth.Caller;
import io.guardops.api.store.RecordStore;
import io.guardops.engine.eval.PromptTemplate;
import io.guardops.engine.internal.IdGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Prompt templates: text with {@code {{variables}}}, kept in numbered, immutable versions; labels such as
 * {@code production} point at one version each and move when set on another; {@code latest} always
 * means the newest. Applications fetch a template by name and label at run time (with their API key) and
 * may have the server render it: a variable the request does not fill is a 400 naming every missing one.
 *
 * <p>A template is its owner's alone (anyone else gets 404). Storage: one record for the template (name,
 * description, latest version, labels) and one per version, created under the version's number, which
 * makes two concurrent new versions take different numbers; the template's record is then moved forward
 * by compare-and-set. Thread-safe. Obtain from {@link Engine#templates()}.
 */
@Singleton
public final class Templates {
  static final String KIND = "template";
  static final String VERSION_KIND = "template_version";
  /** The label that always means the newest version. */
  public static final String LATEST = "latest";

  /** A template: its name, description, newest version and labels (label -> version). */
  public record Template(String templateId, String name, String description, long latestVersion,
      Map<String, Long> labels, Instant createdAt, Instant updatedAt) {}

  /** One version: its text, the variables it uses, a comment, and the labels pointing at it. */
  public record Version(String templateId, String name, long version, String text, List<String> variables,
      String comment, List<String> labels, Instant createdAt) {}

  /** A version rendered with variables. */
  public record Rendered(Version version, String text) {}

  private final Records records;
  private final Access access;
  private final IdGenerator ids;

  @Inject
  Templates(Records records, Access access, IdGenerator ids) {
    this.records = records;
    this.access = access;
    this.ids = ids;
  }

  private RecordStore store() {
    return records.store("prompt templates");
  }

  /** The caller's templates, by name. */
  public List<Template> list(Caller caller) {
    String user = access.userOf(caller);
    List<Template> out = new ArrayList<>();
    for (StoredRecord r : Records.all(store(), KIND, user)) {
      out.add(template(r));
    }
    out.sort(Comparator.comparing(Template::name, String.CASE_INSENSITIVE_ORDER));
    return out;
  }

  /**
   * One of the caller's templates.
   *
   * @throws EngineException NOT_FOUND for a template that is not the caller's
   */
  public Template get(Caller caller, String templateId) {
    return template(owned(access.userOf(caller), templateId));
  }

  /**
   * Creates a template with its first version.
   *
   * @throws EngineException BAD_REQUEST for a bad name, text or label, CONFLICT for a name in use
   */
  public Version create(Caller caller, String name, String description, String text, List<String> labels,
      String comment) {
    String user = access.userOf(caller);
    String n = name(name);
    PromptTemplate parsed = parse(text);
    Set<String> labelSet = labels(labels);
    RecordStore store = store();
    if (!store.findByKey(KIND, user, n).isEmpty()) {
      throw EngineException.conflict("a template named '" + n + "' exists already: add a version to it with"
          + " update_template, or pick another name");
    }
    String id = ids.newId();
    Instant now = records.clock().instant();
    StoredRecord v = StoredRecord.create(VERSION_KIND, versionId(id, 1), user, id, versionJson(1, parsed, comment),
        now);
    store.create(v);
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("name", n);
    head.put("description", description(description));
    head.put("latest", 1L);
    Map<String, Object> labelMap = new TreeMap<>();
    labelSet.forEach(l -> labelMap.put(l, 1L));
    head.put("labels", labelMap);
    StoredRecord t = StoredRecord.create(KIND, id, user, n, Json.write(head), now);
    if (!store.create(t)) {
      store.delete(VERSION_KIND, v.id());
      throw EngineException.conflict("template id " + id + " exists already; retry");
    }
    return version(t, v);
  }

  /**
   * Adds a version (the template's newest) and moves {@code labels} to it.
   *
   * @throws EngineException NOT_FOUND for a template that is not the caller's, BAD_REQUEST for a bad text or label
   */
  public Version addVersion(Caller caller, String templateId, String text, List<String> labels, String comment) {
    String user = access.userOf(caller);
    StoredRecord head = owned(user, templateId);
    PromptTemplate parsed = parse(text);
    Set<String> labelSet = labels(labels);
    RecordStore store = store();
    long n = Records.lng(Records.json(head), "latest") + 1;
    StoredRecord v;
    while (true) {
      v = StoredRecord.create(VERSION_KIND, versionId(head.id(), n), user, head.id(), versionJson(n, parsed, comment),
          records.clock().instant());
      if (store.create(v)) {
        break;
      }
      n++; // another writer took this number
    }
    long version = n;
    StoredRecord updated = records.update(store, KIND, head.id(), r -> {
      Map<String, Object> json = new LinkedHashMap<>(Records.json(r));
      json.put("latest", Math.max(version, Records.lng(json, "latest")));
      Map<String, Object> l = new TreeMap<>(Records.map(json, "labels"));
      labelSet.forEach(label -> l.put(label, version));
      json.put("labels", l);
      return new Records.Update(r.key(), Json.write(json));
    }).orElseThrow(() -> notFound(templateId));
    return version(updated, v);
  }

  /**
   * Renames or redescribes a template (null: unchanged).
   *
   * @throws EngineException NOT_FOUND, BAD_REQUEST, CONFLICT for a name in use
   */
  public Template update(Caller caller, String templateId, String name, String description) {
    String user = access.userOf(caller);
    StoredRecord head = owned(user, templateId);
    String n = name == null || name.isBlank() ? null : name(name);
    if (n != null) {
      for (StoredRecord other : store().findByKey(KIND, user, n)) {
        if (!other.id().equals(head.id())) {
          throw EngineException.conflict("a template named '" + n + "' exists already");
        }
      }
    }
    return template(records.update(store(), KIND, head.id(), r -> {
      Map<String, Object> json = new LinkedHashMap<>(Records.json(r));
      if (n != null) {
        json.put("name", n);
      }
      if (description != null) {
        json.put("description", description(description));
      }
      return new Records.Update(n != null ? n : r.key(), Json.write(json));
    }).orElseThrow(() -> notFound(templateId)));
  }

  /**
   * Points {@code label} at {@code version} (moving it from another version).
   *
   * @throws EngineException NOT_FOUND for an unknown template or version, BAD_REQUEST for a bad label
   */
  public Template setLabel(Caller caller, String templateId, String label, long version) {
    String user = access.userOf(caller);
    StoredRecord head = owned(user, templateId);
    String l = label(label);
    if (store().find(VERSION_KIND, versionId(head.id(), version)).isEmpty()) {
      throw EngineException.notFound("template '" + Records.str(Records.json(head), "name") + "' has no version "
          + version);
    }
    return template(records.update(store(), KIND, head.id(), r -> {
      Map<String, Object> json = new LinkedHashMap<>(Records.json(r));
      Map<String, Object> labels = new TreeMap<>(Records.map(json, "labels"));
      labels.put(l, version);
      json.put("labels", labels);
      return new Records.Update(r.key(), Json.write(json));
    }).orElseThrow(() -> notFound(templateId)));
  }

  /**
   * Removes a label.
   *
   * @throws EngineException NOT_FOUND for an unknown template or a label it does not have
   */
  public Template removeLabel(Caller caller, String templateId, String label) {
    String user = access.userOf(caller);
    StoredRecord head = owned(user, templateId);
    String l = label(label);
    if (!Records.map(Records.json(head), "labels").containsKey(l)) {
      throw EngineException.notFound("template '" + Records.str(Records.json(head), "name") + "' has no label '" + l
          + "'");
    }
    return template(records.update(store(), KIND, head.id(), r -> {
      Map<String, Object> json = new LinkedHashMap<>(Records.json(r));
      Map<String, Object> labels = new TreeMap<>(Records.map(json, "labels"));
      labels.remove(l);
      json.put("labels", labels);
      return new Records.Update(r.key(), Json.write(json));
    }).orElseThrow(() -> notFound(templateId)));
  }

  /**
   * Deletes a template and all its versions.
   *
   * @throws EngineException NOT_FOUND for a template that is not the caller's
   */
  public void delete(Caller caller, String templateId) {
    String user = access.userOf(caller);
    StoredRecord head = owned(user, templateId);
    RecordStore store = store();
    store.delete(KIND, head.id());
    for (StoredRecord v : store.findByKey(VERSION_KIND, user, head.id())) {
      store.delete(VERSION_KIND, v.id());
    }
  }

  /**
   * One version of a template named by id or name: {@code version}, else {@code label}, else the latest.
   *
   * @throws EngineException NOT_FOUND for an unknown template, version or label
   */
  public Version get(Caller caller, String templateId, String name, Long version, String label) {
    String user = access.userOf(caller);
    StoredRecord head = find(user, templateId, name);
    long v = versionOf(head, version, label);
    StoredRecord rec = store().find(VERSION_KIND, versionId(head.id(), v))
        .orElseThrow(() -> EngineException.notFound("template '" + Records.str(Records.json(head), "name")
            + "' has no version " + v));
    return version(head, rec);
  }

  /** Every version of a template, newest first. */
  public List<Version> versions(Caller caller, String templateId, String name) {
    String user = access.userOf(caller);
    StoredRecord head = find(user, templateId, name);
    List<Version> out = new ArrayList<>();
    for (StoredRecord v : store().findByKey(VERSION_KIND, user, head.id())) {
      out.add(version(head, v));
    }
    out.sort(Comparator.comparingLong(Version::version).reversed());
    return out;
  }

  /**
   * A version rendered with {@code variables}.
   *
   * @throws EngineException BAD_REQUEST naming every variable the template uses and {@code variables}
   *     lacks; NOT_FOUND as {@link #get}
   */
  public Rendered render(Caller caller, String templateId, String name, Long version, String label,
      Map<String, String> variables) {
    Version v = get(caller, templateId, name, version, label);
    return new Rendered(v, render(v.text(), variables));
  }

  /**
   * {@code text} with its variables filled.
   *
   * @throws EngineException BAD_REQUEST for a malformed template or naming every missing variable
   */
  static String render(String text, Map<String, String> variables) {
    PromptTemplate t = parse(text);
    List<String> missing = new ArrayList<>();
    for (String v : t.variables()) {
      if (variables == null || variables.get(v) == null) {
        missing.add(v);
      }
    }
    if (!missing.isEmpty()) {
      throw EngineException.badRequest("missing variables: " + String.join(", ", missing) + " (the template uses "
          + String.join(", ", t.variables()) + ")");
    }
    return t.render(variables);
  }

  // ---------------------------------------------------------------- lookup

  private StoredRecord owned(String user, String templateId) {
    if (templateId == null || templateId.isBlank()) {
      throw EngineException.badRequest("template_id is required");
    }
    return store().find(KIND, templateId.trim()).filter(r -> r.ownerId().equals(user))
        .orElseThrow(() -> notFound(templateId));
  }

  private StoredRecord find(String user, String templateId, String name) {
    if (templateId != null && !templateId.isBlank()) {
      return owned(user, templateId);
    }
    if (name == null || name.isBlank()) {
      throw EngineException.badRequest("name the template: template_id or name");
    }
    List<StoredRecord> byName = store().findByKey(KIND, user, name.trim());
    if (byName.isEmpty()) {
      throw EngineException.notFound("template '" + name.trim() + "' not found");
    }
    return byName.get(0);
  }

  private static long versionOf(StoredRecord head, Long version, String label) {
    Map<String, Object> json = Records.json(head);
    if (version != null) {
      return version;
    }
    if (label == null || label.isBlank() || label.trim().equals(LATEST)) {
      return Records.lng(json, "latest");
    }
    Long v = Records.lng(Records.map(json, "labels"), label.trim());
    if (v == null) {
      throw EngineException.notFound("template '" + Records.str(json, "name") + "' has no label '" + label.trim()
          + "' (labels: " + String.join(", ", Records.map(json, "labels").keySet()) + ")");
    }
    return v;
  }

  private static EngineException notFound(String templateId) {
    return EngineException.notFound("template '" + templateId.trim() + "' not found");
  }

  // ---------------------------------------------------------------- fields

  private static String versionId(String templateId, long version) {
    return templateId + ":" + version;
  }

  private static String versionJson(long version, PromptTemplate parsed, String comment) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", version);
    json.put("text", parsed.text());
    json.put("variables", new ArrayList<>(parsed.variables()));
    if (comment != null && !comment.isBlank()) {
      if (comment.length() > 2000) {
        throw EngineException.badRequest("comment must be at most 2000 characters");
      }
      json.put("comment", comment.trim());
    }
    return Json.write(json);
  }

  private static Template template(StoredRecord r) {
    Map<String, Object> json = Records.json(r);
    Map<String, Long> labels = new TreeMap<>();
    Records.map(json, "labels").forEach((k, v) -> labels.put(k, ((Number) v).longValue()));
    return new Template(r.id(), Records.str(json, "name"), Records.str(json, "description"),
        Records.lng(json, "latest"), labels, r.createdAt(), r.updatedAt());
  }

  private static Version version(StoredRecord head, StoredRecord v) {
    Map<String, Object> h = Records.json(head);
    Map<String, Object> json = Records.json(v);
    long n = Records.lng(json, "version");
    List<String> labels = new ArrayList<>();
    Records.map(h, "labels").forEach((k, val) -> {
      if (((Number) val).longValue() == n) {
        labels.add(k);
      }
    });
    if (Records.lng(h, "latest") == n) {
      labels.add(LATEST);
    }
    return new Version(head.id(), Records.str(h, "name"), n, Records.str(json, "text"),
        Records.strings(json, "variables"), Records.str(json, "comment"), labels, v.createdAt());
  }

  private static PromptTemplate parse(String text) {
    try {
      return PromptTemplate.parse(text);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage().replace("the prompt template", "the template"));
    }
  }

  private static String name(String name) {
    if (name == null || name.isBlank()) {
      throw EngineException.badRequest("name is required");
    }
    String n = name.trim();
    if (n.length() > 200 || n.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw EngineException.badRequest("name must be at most 200 characters without control characters");
    }
    return n;
  }

  private static String description(String d) {
    if (d == null) {
      return "";
    }
    if (d.length() > 2000) {
      throw EngineException.badRequest("description must be at most 2000 characters");
    }
    return d.trim();
  }

  private static Set<String> labels(List<String> labels) {
    Set<String> out = new LinkedHashSet<>();
    if (labels != null) {
      for (String raw : labels) {
        for (String l : raw.split(",")) {
          if (!l.isBlank()) {
            out.add(label(l));
          }
        }
      }
    }
    return out;
  }

  private static String label(String label) {
    String l = label == null ? "" : label.trim();
    if (!l.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw EngineException.badRequest("a label is 1 to 64 letters, digits, '.', '_' or '-' (such as production),"
          + " was '" + label + "'");
    }
    if (l.equals(LATEST)) {
      throw EngineException.badRequest("'latest' always means the newest version and cannot be set");
    }
    return l;
  }
}
