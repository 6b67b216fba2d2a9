package io.guardops.engine;

import io.guardops.api.Grant;
import io.guardops.api.LlmFields;
import io.guardops.api.SharedKind;
import io.guardops.api.Span;
import io.guardops.api.SpanIds;
import io.guardops.api.TraceSummary;
import io.guardops.api.auth.Caller;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetFormat;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.DatasetVersion;
import io.guardops.api.dataset.ImportOptions;
import io.guardops.api.dataset.ItemSink;
import io.guardops.api.store.DatasetStore;
import io.guardops.api.store.Store;
import io.guardops.engine.internal.EvalComponents;
import io.guardops.engine.internal.IdGenerator;
import io.guardops.engine.internal.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets and their items, always as the caller may see them: their own and those shared with them
 * (share codes like projects'). Only the owner changes, deletes or shares a dataset. Items are
 * snapshots: an item taken from a trace copies the trace's prompt and output, so retention purging
 * the trace leaves the item intact.
 *
 * <p>Every change makes a new version: it is staged under the current version + 1, then published
 * in one atomic step, or discarded when it fails (an import with a bad line publishes nothing). One
 * change runs per dataset at a time, across host instances, through a lease in the store
 * ({@code dataset:<id>}); a concurrent change gets 409. Items are read in pages by item id, never
 * loaded whole. Thread-safe. Obtain from {@link Engine#datasets()}.
 */
@Singleton
public final class Datasets {
  private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);
  /** Most trace ids one {@link #addTraces} call takes. */
  public static final int MAX_TRACE_IDS = 1000;
  /** Most items one {@link #addItems} or {@link #deleteItems} call takes. */
  public static final int MAX_ITEMS_PER_CALL = 10_000;
  /** Most rows {@link #forEval} returns in one reply (the wire contract's whole-dataset read). */
  public static final int MAX_EVAL_ROWS = 100_000;
  /** Items staged per store call, and read per page internally. */
  static final int BATCH = 500;

  private final Store store;
  private final StoreParts parts;
  private final Access access;
  private final Sharing sharing;
  private final EvalComponents eval;
  private final Clock clock;
  private final IdGenerator ids;
  private final Duration leaseTtl;
  private final javax.inject.Provider<Experiments> experiments;

  /** A dataset the caller may see, and whether they own it. */
  public record DatasetView(Dataset dataset, Access.Relation relation) {
    public boolean shared() {
      return relation == Access.Relation.MEMBER;
    }
  }

  /** A new item; a blank id gets a fresh one. */
  public record ItemDraft(String id, String input, String output, String expected, List<String> context,
      Map<String, Object> metadata) {}

  /** Fields of an item to change; {@code null} keeps a field. */
  public record ItemPatch(String input, String output, String expected, List<String> context,
      Map<String, Object> metadata) {}

  /** A page of items of one version, and the item id to continue after (null: last page). */
  public record ItemPage(Dataset dataset, long version, List<DatasetItem> items, String nextAfter) {}

  /** One line of a file that could not be imported. */
  public record LineError(long line, String reason) {}

  /**
   * What an import did: the dataset as published and the items read, or the errors (then nothing was
   * imported and the dataset is unchanged). {@code stopped} says reading stopped at the error limit.
   */
  public record ImportReport(Dataset dataset, long items, List<LineError> errors, boolean stopped) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** One row of the wire contract's {@code get_dataset_for_eval}. */
  public record EvalRow(String prompt, String response) {}

  @Inject
  Datasets(Store store, StoreParts parts, Access access, Sharing sharing, EvalComponents eval, Clock clock,
      IdGenerator ids, Settings settings, javax.inject.Provider<Experiments> experiments) {
    this.experiments = experiments;
    this.store = store;
    this.parts = parts;
    this.access = access;
    this.sharing = sharing;
    this.eval = eval;
    this.clock = clock;
    this.ids = ids;
    this.leaseTtl = settings.datasetLeaseTtl();
  }

  // ---------------------------------------------------------------- datasets

  /** The caller's datasets, then those shared with them, each by (creation time, id). */
  public List<DatasetView> list(Caller caller) {
    String user = access.userOf(caller);
    DatasetStore ds = parts.datasets();
    List<DatasetView> out = new ArrayList<>();
    for (Dataset d : ds.listOwnedBy(user)) {
      out.add(new DatasetView(d, Access.Relation.OWNER));
    }
    Set<String> shared = new LinkedHashSet<>();
    for (Grant g : sharing.grantsTo(user, SharedKind.DATASET)) {
      shared.add(g.resourceId());
    }
    if (!shared.isEmpty()) {
      for (Dataset d : ds.findAll(shared)) {
        if (!d.ownerId().equals(user)) {
          out.add(new DatasetView(d, Access.Relation.MEMBER));
        }
      }
    }
    return out;
  }

  /** One dataset the caller may see. */
  public DatasetView get(Caller caller, String datasetId) {
    Access.DatasetAccess a = access.readableDataset(caller, datasetId);
    return new DatasetView(a.dataset(), a.relation());
  }

  /**
   * Creates an empty dataset owned by the caller.
   *
   * @throws EngineException BAD_REQUEST for a blank or too long name or description
   */
  public Dataset create(Caller caller, String name, String description) {
    String user = access.userOf(caller);
    Instant now = clock.instant();
    Dataset d;
    try {
      d = new Dataset(ids.newId(), user, name == null ? null : name.trim(), description, 0, 0, now, now);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw EngineException.badRequest("dataset_name: " + e.getMessage());
    }
    parts.datasets().create(d);
    return d;
  }

  /**
   * Renames or redescribes one of the caller's datasets; {@code null} keeps a field.
   *
   * @throws EngineException NOT_FOUND if the caller cannot see it, FORBIDDEN for a member
   */
  public Dataset update(Caller caller, String datasetId, String name, String description) {
    Dataset d = access.ownedDataset(caller, datasetId);
    Dataset updated;
    try {
      updated = d.withText(name == null ? d.name() : name.trim(), description == null ? d.description() : description,
          clock.instant());
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
    if (!parts.datasets().update(updated)) {
      throw EngineException.notFound("dataset '" + datasetId + "' not found");
    }
    return parts.datasets().find(d.datasetId()).orElse(updated);
  }

  /**
   * Deletes one of the caller's datasets with its items, versions, grants, share codes and
   * experiments. Traces the items came from are not touched.
   *
   * @throws EngineException NOT_FOUND if the caller cannot see it, FORBIDDEN for a member
   */
  public void delete(Caller caller, String datasetId) {
    Dataset d = access.ownedDataset(caller, datasetId);
    experiments.get().deleteForDataset(d.datasetId());
    sharing.removeAll(SharedKind.DATASET, d.datasetId());
    parts.datasets().delete(d.datasetId());
  }

  /** A new share code for one of the caller's datasets, shown once. */
  public Sharing.IssuedCode share(Caller caller, String datasetId) {
    Dataset d = access.ownedDataset(caller, datasetId);
    return sharing.issue(SharedKind.DATASET, d.datasetId(), d.ownerId());
  }

  /**
   * Redeems a dataset share code: the dataset then shows in the caller's list.
   *
   * @throws EngineException see {@link Sharing#redeem}
   */
  public Dataset importShared(Caller caller, String code) {
    String user = access.userOf(caller);
    DatasetStore ds = parts.datasets();
    String id = sharing.redeem(SharedKind.DATASET, code, user,
        rid -> ds.find(rid).map(d -> d.ownerId().equals(user)).orElse(false));
    return ds.find(id).orElseThrow(() -> EngineException.notFound("the shared dataset no longer exists"));
  }

  /** Published versions of a dataset the caller may see, oldest first. */
  public List<DatasetVersion> versions(Caller caller, String datasetId) {
    Dataset d = access.readableDataset(caller, datasetId).dataset();
    return parts.datasets().versions(d.datasetId());
  }

  // ---------------------------------------------------------------- reading items

  /**
   * A page of items of a version (null: the current one) of a dataset the caller may see, by item id.
   *
   * @param after the item id to continue after (the previous page's {@link ItemPage#nextAfter}), or null
   * @throws EngineException NOT_FOUND for a version the dataset never had
   */
  public ItemPage items(Caller caller, String datasetId, Long version, String after, int limit) {
    Dataset d = access.readableDataset(caller, datasetId).dataset();
    long v = version(d, version);
    int n = Math.max(1, Math.min(limit, 1000));
    List<DatasetItem> items = v == 0 ? List.of() : parts.datasets().items(d.datasetId(), v, blank(after), n + 1);
    String next = null;
    if (items.size() > n) {
      items = items.subList(0, n);
      next = items.get(n - 1).itemId();
    }
    return new ItemPage(d, v, List.copyOf(items), next);
  }

  /**
   * Items {@code offset} to {@code offset + limit} of the current version, for clients that page by
   * number ({@code get_dataset_traces}); walks the keyset pages up to the offset.
   */
  public ItemPage itemsAt(Caller caller, String datasetId, long offset, int limit) {
    Dataset d = access.readableDataset(caller, datasetId).dataset();
    if (d.version() == 0) {
      return new ItemPage(d, 0, List.of(), null);
    }
    DatasetStore ds = parts.datasets();
    String after = null;
    long skip = offset;
    while (skip > 0) {
      int chunk = (int) Math.min(skip, BATCH);
      List<DatasetItem> page = ds.items(d.datasetId(), d.version(), after, chunk);
      if (page.isEmpty()) {
        return new ItemPage(d, d.version(), List.of(), null);
      }
      after = page.get(page.size() - 1).itemId();
      skip -= page.size();
      if (page.size() < chunk) {
        return new ItemPage(d, d.version(), List.of(), null);
      }
    }
    List<DatasetItem> items = ds.items(d.datasetId(), d.version(), after, limit + 1);
    String next = null;
    if (items.size() > limit) {
      items = items.subList(0, limit);
      next = items.get(limit - 1).itemId();
    }
    return new ItemPage(d, d.version(), List.copyOf(items), next);
  }

  /**
   * Every item of the current version as (prompt, response): the wire contract's
   * {@code get_dataset_for_eval}.
   *
   * @throws EngineException BAD_REQUEST when the dataset holds more than {@link #MAX_EVAL_ROWS} items
   */
  public List<EvalRow> forEval(Caller caller, String datasetId) {
    Dataset d = access.readableDataset(caller, datasetId).dataset();
    if (d.itemCount() > MAX_EVAL_ROWS) {
      throw EngineException.badRequest("dataset '" + d.datasetId() + "' has " + d.itemCount() + " items; this call"
          + " returns at most " + MAX_EVAL_ROWS + ": page with get_dataset_items or download it with export_dataset");
    }
    List<EvalRow> rows = new ArrayList<>();
    Iterator<DatasetItem> it = iterate(d.datasetId(), d.version());
    while (it.hasNext()) {
      DatasetItem i = it.next();
      rows.add(new EvalRow(i.input(), i.output() == null ? "" : i.output()));
    }
    return rows;
  }

  /** The items of a version, read lazily a page at a time. */
  Iterator<DatasetItem> iterate(String datasetId, long version) {
    DatasetStore ds = parts.datasets();
    return new Iterator<>() {
      private List<DatasetItem> page = version == 0 ? List.of() : ds.items(datasetId, version, null, BATCH);
      private int i;

      @Override
      public boolean hasNext() {
        if (i < page.size()) {
          return true;
        }
        if (page.size() < BATCH) {
          return false;
        }
        page = ds.items(datasetId, version, page.get(page.size() - 1).itemId(), BATCH);
        i = 0;
        return !page.isEmpty();
      }

      @Override
      public DatasetItem next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.get(i++);
      }
    };
  }

  /** The version to read: {@code requested}, else the current one; refused when the dataset never had it. */
  static long version(Dataset d, Long requested) {
    if (requested == null) {
      return d.version();
    }
    if (requested < 1 || requested > d.version()) {
      throw EngineException.notFound("dataset '" + d.datasetId() + "' has no version " + requested + " (versions 1 to "
          + d.version() + (d.version() == 0 ? ": none published yet" : "") + ")");
    }
    return requested;
  }

  // ---------------------------------------------------------------- changing items

  /**
   * Adds (or, by id, replaces) items of one of the caller's datasets, as a new version.
   *
   * @throws EngineException BAD_REQUEST for an invalid item (naming its index), CONFLICT while another
   *     change runs
   */
  public Dataset addItems(Caller caller, String datasetId, List<ItemDraft> drafts) {
    Dataset d = access.ownedDataset(caller, datasetId);
    if (drafts.isEmpty()) {
      throw EngineException.badRequest("no items to add");
    }
    if (drafts.size() > MAX_ITEMS_PER_CALL) {
      throw EngineException.badRequest("at most " + MAX_ITEMS_PER_CALL + " items per call; import a file for more");
    }
    List<DatasetItem> items = new ArrayList<>(drafts.size());
    for (int i = 0; i < drafts.size(); i++) {
      ItemDraft x = drafts.get(i);
      String id = x.id() == null || x.id().isBlank() ? ids.newId() : x.id().trim();
      items.add(item(i, () -> new DatasetItem(id, x.input(), x.output(), x.expected(), x.context(), x.metadata(), null,
          null)));
    }
    return change(d, "added " + items.size() + " item" + (items.size() == 1 ? "" : "s"), (version, lease) -> {
      for (int from = 0; from < items.size(); from += BATCH) {
        parts.datasets().stageItems(d.datasetId(), version, items.subList(from, Math.min(items.size(), from + BATCH)));
      }
      return true;
    });
  }

  /**
   * Changes fields of one item of one of the caller's datasets, as a new version.
   *
   * @throws EngineException NOT_FOUND for an unknown item
   */
  public Dataset updateItem(Caller caller, String datasetId, String itemId, ItemPatch patch) {
    Dataset d = access.ownedDataset(caller, datasetId);
    if (itemId == null || itemId.isBlank()) {
      throw EngineException.badRequest("item_id is required");
    }
    DatasetItem old = d.version() == 0 ? null : parts.datasets().item(d.datasetId(), d.version(), itemId.trim())
        .orElse(null);
    if (old == null) {
      throw EngineException.notFound("dataset '" + d.datasetId() + "' has no item '" + itemId.trim() + "'");
    }
    DatasetItem updated = item(0, () -> new DatasetItem(old.itemId(),
        patch.input() != null ? patch.input() : old.input(), patch.output() != null ? patch.output() : old.output(),
        patch.expected() != null ? patch.expected() : old.expected(),
        patch.context() != null ? patch.context() : old.context(),
        patch.metadata() != null ? patch.metadata() : old.metadata(), old.sourceTraceId(), old.sourceSpanId()));
    return change(d, "changed item " + old.itemId(), (version, lease) -> {
      parts.datasets().stageItems(d.datasetId(), version, List.of(updated));
      return true;
    });
  }

  /**
   * Removes items of one of the caller's datasets, as a new version.
   *
   * @throws EngineException NOT_FOUND naming the ids the current version does not have (then nothing changes)
   */
  public Dataset deleteItems(Caller caller, String datasetId, List<String> itemIds) {
    Dataset d = access.ownedDataset(caller, datasetId);
    Set<String> wanted = new LinkedHashSet<>();
    for (String id : itemIds) {
      if (id != null && !id.isBlank()) {
        wanted.add(id.trim());
      }
    }
    if (wanted.isEmpty()) {
      throw EngineException.badRequest("item_ids is required (repeat it for several items)");
    }
    if (wanted.size() > MAX_ITEMS_PER_CALL) {
      throw EngineException.badRequest("at most " + MAX_ITEMS_PER_CALL + " items per call");
    }
    List<String> unknown = new ArrayList<>();
    for (String id : wanted) {
      if (d.version() == 0 || parts.datasets().item(d.datasetId(), d.version(), id).isEmpty()) {
        unknown.add(id);
      }
    }
    if (!unknown.isEmpty()) {
      throw EngineException.notFound("dataset '" + d.datasetId() + "' has no item" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown.subList(0, Math.min(20, unknown.size())))
          + (unknown.size() > 20 ? " (and " + (unknown.size() - 20) + " more)" : "") + "; nothing was removed");
    }
    return change(d, "removed " + wanted.size() + " item" + (wanted.size() == 1 ? "" : "s"), (version, lease) -> {
      parts.datasets().stageRemovals(d.datasetId(), version, wanted);
      return true;
    });
  }

  /**
   * Adds traces to one of the caller's datasets, one item per trace (its id is the trace id, so adding
   * a trace again refreshes its item instead of duplicating it). Each trace must be in a project the
   * caller may read: {@code projectId} names it, else the trace is looked up among the caller's own
   * and shared projects. The item is a snapshot of the root span's prompt and output (or, when the root
   * has none, of the first model call's), with the trace's model, tokens, cost and timing in its
   * metadata.
   *
   * @param traceIds in {@code 0x} or plain hex form
   * @throws EngineException BAD_REQUEST for malformed ids, NOT_FOUND naming the ids not found (then
   *     nothing is added)
   */
  public Dataset addTraces(Caller caller, String datasetId, List<String> traceIds, String projectId) {
    Dataset d = access.ownedDataset(caller, datasetId);
    Set<String> wanted = new LinkedHashSet<>();
    List<String> malformed = new ArrayList<>();
    for (String raw : traceIds) {
      for (String part : raw == null ? new String[0] : raw.split(",")) {
        if (part.isBlank()) {
          continue;
        }
        String id = SpanIds.parseHex(part.trim(), SpanIds.TRACE_HEX);
        if (id == null) {
          malformed.add(part.trim());
        } else {
          wanted.add(id);
        }
      }
    }
    if (!malformed.isEmpty()) {
      throw EngineException.badRequest("trace_ids must be 32 hex digits (0x optional): " + String.join(", ",
          malformed.subList(0, Math.min(10, malformed.size()))));
    }
    if (wanted.isEmpty()) {
      throw EngineException.badRequest("trace_ids is required (repeat it for several traces)");
    }
    if (wanted.size() > MAX_TRACE_IDS) {
      throw EngineException.badRequest("at most " + MAX_TRACE_IDS + " trace ids per call");
    }
    List<String> projects = new ArrayList<>();
    if (projectId != null && !projectId.isBlank()) {
      projects.add(access.readable(caller, projectId.trim()).project().projectId());
    } else {
      String user = access.userOf(caller);
      store.projects().listOwnedBy(user).forEach(p -> projects.add(p.projectId()));
      for (Grant g : sharing.grantsTo(user, SharedKind.PROJECT)) {
        if (store.projects().find(g.resourceId()).isPresent() && !projects.contains(g.resourceId())) {
          projects.add(g.resourceId());
        }
      }
    }
    Map<String, TraceSummary> found = new LinkedHashMap<>();
    for (String project : projects) {
      for (String id : wanted) {
        if (!found.containsKey(id)) {
          store.spans().findTrace(project, id).ifPresent(t -> found.put(id, t));
        }
      }
      if (found.size() == wanted.size()) {
        break;
      }
    }
    List<String> missing = new ArrayList<>();
    for (String id : wanted) {
      if (!found.containsKey(id)) {
        missing.add("0x" + id);
      }
    }
    if (!missing.isEmpty()) {
      throw EngineException.notFound((missing.size() == 1 ? "trace " : "traces ")
          + String.join(", ", missing.subList(0, Math.min(20, missing.size())))
          + (missing.size() > 20 ? " (and " + (missing.size() - 20) + " more)" : "")
          + (projectId != null && !projectId.isBlank() ? " not found in project '" + projectId.trim() + "'"
              : " not found in your projects") + "; nothing was added");
    }
    Map<String, List<String>> byProject = new LinkedHashMap<>();
    found.values().forEach(t -> byProject.computeIfAbsent(t.projectId(), p -> new ArrayList<>()).add(t.traceId()));
    Map<String, List<Span>> spansByTrace = new LinkedHashMap<>();
    byProject.forEach((project, traces) -> {
      for (Span s : store.spans().findSpans(project, traces)) {
        spansByTrace.computeIfAbsent(s.traceId(), x -> new ArrayList<>()).add(s);
      }
    });
    List<DatasetItem> items = new ArrayList<>(found.size());
    for (TraceSummary t : found.values()) {
      items.add(snapshot(t, spansByTrace.getOrDefault(t.traceId(), List.of())));
    }
    return change(d, "added " + items.size() + " trace" + (items.size() == 1 ? "" : "s"), (version, lease) -> {
      for (int from = 0; from < items.size(); from += BATCH) {
        parts.datasets().stageItems(d.datasetId(), version, items.subList(from, Math.min(items.size(), from + BATCH)));
      }
      return true;
    });
  }

  /** An item holding a trace's prompt and output as they are now. */
  static DatasetItem snapshot(TraceSummary t, List<Span> spans) {
    List<Span> ordered = new ArrayList<>(spans);
    ordered.sort(Comparator.comparingLong(Span::startEpochNanos));
    Span root = null;
    Span call = null;
    for (Span s : ordered) {
      if (s.isRoot() && root == null) {
        root = s;
      }
      LlmFields l = s.llm();
      if (call == null && !l.usageIsAggregate() && (l.prompt() != null || l.output() != null)) {
        call = s;
      }
    }
    Span source = root != null && (root.llm().prompt() != null || root.llm().output() != null) ? root
        : call != null ? call : root != null ? root : ordered.isEmpty() ? null : ordered.get(0);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("project_id", t.projectId());
    meta.put("trace_name", t.rootName());
    if (source != null) {
      meta.put("span_name", source.name());
    }
    if (t.model() != null) {
      meta.put("model", t.model());
    }
    meta.put("start_time", Instant.ofEpochSecond(0, t.startEpochNanos()).toString());
    meta.put("duration_ms", t.durationNanos() / 1e6);
    if (t.inputTokens() > 0 || t.outputTokens() > 0) {
      meta.put("input_tokens", t.inputTokens());
      meta.put("output_tokens", t.outputTokens());
    }
    if (t.cost() != null) {
      meta.put("cost", t.cost());
    }
    if (t.errorCount() > 0) {
      meta.put("error_count", t.errorCount());
    }
    String input = source == null ? "" : nonNull(source.llm().prompt());
    String output = source == null ? null : source.llm().output();
    return new DatasetItem(t.traceId(), cut(input), cut(output), null, List.of(), meta, t.traceId(),
        source == null ? null : source.spanId());
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  private static String cut(String s) {
    return s == null || s.length() <= DatasetItem.MAX_TEXT ? s : s.substring(0, DatasetItem.MAX_TEXT);
  }

  // ---------------------------------------------------------------- files

  /**
   * Imports a file into one of the caller's datasets, streaming: records are staged in batches as they
   * are read, so the file is never held in memory. With {@code replace} the new version holds only the
   * file's items. Any bad record fails the whole import: nothing is published, and the report lists
   * each bad line and why (up to {@link ImportOptions#maxErrors()}).
   *
   * @throws EngineException BAD_REQUEST for an unknown format or an unreadable upload, CONFLICT while
   *     another change runs
   */
  public ImportReport importFile(Caller caller, String datasetId, String formatName, InputStream in,
      ImportOptions options, boolean replace) {
    Dataset d = access.ownedDataset(caller, datasetId);
    DatasetFormat format = format(formatName);
    List<LineError> errors = new ArrayList<>();
    long[] count = {0};
    boolean[] stopped = {false};
    Dataset published;
    try {
      published = change(d, "import (" + format.name() + ")" + (replace ? ", replacing all items" : ""),
          (version, lease) -> {
            DatasetStore ds = parts.datasets();
            if (replace && d.version() > 0) {
              Iterator<DatasetItem> current = iterate(d.datasetId(), d.version());
              List<String> batch = new ArrayList<>(BATCH);
              while (current.hasNext()) {
                batch.add(current.next().itemId());
                if (batch.size() == BATCH) {
                  ds.stageRemovals(d.datasetId(), version, batch);
                  batch.clear();
                  lease.renewIfDue();
                }
              }
              if (!batch.isEmpty()) {
                ds.stageRemovals(d.datasetId(), version, batch);
              }
            }
            List<DatasetItem> batch = new ArrayList<>(BATCH);
            read(format, in, options, new ItemSink() {
              @Override
              public void item(long line, DatasetItem item) {
                count[0]++;
                if (!errors.isEmpty()) {
                  return; // the import fails anyway: stop staging, keep reading for more errors
                }
                batch.add(item);
                if (batch.size() == BATCH) {
                  ds.stageItems(d.datasetId(), version, List.copyOf(batch));
                  batch.clear();
                  lease.renewIfDue();
                }
              }

              @Override
              public void error(long line, String reason) {
                errors.add(new LineError(line, reason));
                stopped[0] = errors.size() >= options.maxErrors();
              }
            });
            if (!errors.isEmpty()) {
              return false;
            }
            if (!batch.isEmpty()) {
              ds.stageItems(d.datasetId(), version, List.copyOf(batch));
            }
            return true;
          });
    } catch (UncheckedIOException e) {
      throw EngineException.badRequest("the upload could not be read: " + e.getCause().getMessage());
    }
    if (!errors.isEmpty()) {
      return new ImportReport(d, 0, List.copyOf(errors), stopped[0]);
    }
    return new ImportReport(published, count[0], List.of(), false);
  }

  private static void read(DatasetFormat format, InputStream in, ImportOptions options, ItemSink sink) {
    try {
      format.read(in, options, sink);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A dataset version ready to be written in a format, item by item. */
  public final class Export {
    private final Dataset dataset;
    private final long version;
    private final DatasetFormat format;

    private Export(Dataset dataset, long version, DatasetFormat format) {
      this.dataset = dataset;
      this.version = version;
      this.format = format;
    }

    public Dataset dataset() {
      return dataset;
    }

    public long version() {
      return version;
    }

    public DatasetFormat format() {
      return format;
    }

    /** Writes every item, reading them a page at a time. */
    public void writeTo(OutputStream out) throws IOException {
      format.write(iterate(dataset.datasetId(), version), out);
    }
  }

  /**
   * A version (null: the current one) of a dataset the caller may see, to be written in a format.
   * Everything is checked here, before a byte is written.
   *
   * @throws EngineException BAD_REQUEST for an unknown format, NOT_FOUND for an unknown version
   */
  public Export export(Caller caller, String datasetId, Long version, String formatName) {
    Dataset d = access.readableDataset(caller, datasetId).dataset();
    return new Export(d, version(d, version), format(formatName));
  }

  /** The installed dataset format named {@code name}. */
  DatasetFormat format(String name) {
    if (name == null || name.isBlank()) {
      throw EngineException.badRequest("format is required: one of " + formatNames());
    }
    DatasetFormat f = eval.formats().get(name.trim().toLowerCase(java.util.Locale.ROOT));
    if (f == null) {
      throw EngineException.badRequest("unknown dataset format '" + name.trim() + "'; installed: " + formatNames());
    }
    return f;
  }

  private String formatNames() {
    return eval.formats().isEmpty() ? "none (install the datasets plugin)" : String.join(", ", eval.formats().keySet());
  }

  // ---------------------------------------------------------------- versions

  /** The lease of one running change, renewed while a long import runs. */
  final class Lease {
    private final String name;
    private final String holder;
    private Instant renewed;

    Lease(String name, String holder, Instant acquired) {
      this.name = name;
      this.holder = holder;
      this.renewed = acquired;
    }

    /** Renews the lease when a third of its time has passed; fails the change if another holder took it. */
    void renewIfDue() {
      Instant now = clock.instant();
      if (Duration.between(renewed, now).compareTo(leaseTtl.dividedBy(3)) < 0) {
        return;
      }
      if (!store.retention().tryAcquireLease(name, holder, now, leaseTtl)) {
        throw EngineException.conflict("this change took longer than guardops.datasets.lease-ttl (" + leaseTtl
            + ") without renewing its lease, and another change started: nothing was changed; retry");
      }
      renewed = now;
    }
  }

  /** Stages a change under the next version; returns whether to publish it (false discards it). */
  @FunctionalInterface
  interface Stager {
    boolean stage(long version, Lease lease);
  }

  /**
   * Runs one change of a dataset under its lease: stages it under the current version + 1, then
   * publishes it atomically, or discards it when the stager declines or throws.
   *
   * @return the dataset as published, or as it was when the change was discarded
   * @throws EngineException CONFLICT while another change holds the lease or published first
   */
  Dataset change(Dataset d, String note, Stager stager) {
    DatasetStore ds = parts.datasets();
    String leaseName = "dataset:" + d.datasetId();
    String holder = "change-" + ids.newId();
    Instant now = clock.instant();
    if (!store.retention().tryAcquireLease(leaseName, holder, now, leaseTtl)) {
      throw EngineException.conflict("another change to dataset '" + d.datasetId() + "' is in progress (an import?);"
          + " retry when it has finished");
    }
    try {
      Dataset current = ds.find(d.datasetId()).orElseThrow(() -> EngineException.notFound("dataset '"
          + d.datasetId() + "' not found"));
      long version = current.version() + 1;
      // a change that crashed between staging and publishing left rows under this version: drop them
      ds.discard(d.datasetId(), version);
      boolean publish;
      try {
        publish = stager.stage(version, new Lease(leaseName, holder, now));
      } catch (RuntimeException | Error e) {
        discardQuietly(d.datasetId(), version);
        throw e;
      }
      if (!publish) {
        ds.discard(d.datasetId(), version);
        return current;
      }
      if (!ds.publish(d.datasetId(), version, note, clock.instant())) {
        discardQuietly(d.datasetId(), version);
        throw EngineException.conflict("dataset '" + d.datasetId() + "' changed while this change was staged;"
            + " nothing was changed: retry");
      }
      return ds.find(d.datasetId()).orElse(current);
    } finally {
      try {
        store.retention().releaseLease(leaseName, holder);
      } catch (RuntimeException e) {
        LOG.warn("could not release the lease of dataset {} (it expires by itself): {}", d.datasetId(), e.toString());
      }
    }
  }

  private void discardQuietly(String datasetId, long version) {
    try {
      parts.datasets().discard(datasetId, version);
    } catch (RuntimeException e) {
      LOG.warn("could not discard the staged version {} of dataset {} (the next change discards it): {}", version,
          datasetId, e.toString());
    }
  }

  private static DatasetItem item(int index, java.util.function.Supplier<DatasetItem> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw EngineException.badRequest("item " + index + ": " + e.getMessage());
    }
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
