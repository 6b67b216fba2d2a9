package io.guardops.engine.internal;

import io.guardops.api.ApiKey;
import io.guardops.api.Attributes;
import io.guardops.api.CleanupRecord;
import io.guardops.api.Grant;
import io.guardops.api.Health;
import io.guardops.api.LlmFields;
import io.guardops.api.Project;
import io.guardops.api.ShareCode;
import io.guardops.api.SharedKind;
import io.guardops.api.Span;
import io.guardops.api.StatusCode;
import io.guardops.api.TraceSummary;
import io.guardops.api.StoredRecord;
import io.guardops.api.User;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.DatasetVersion;
import io.guardops.api.eval.Evaluation;
import io.guardops.api.eval.EvaluationEntry;
import io.guardops.api.eval.Experiment;
import io.guardops.api.eval.ExperimentResult;
import io.guardops.api.eval.OnlineRule;
import io.guardops.api.eval.TraceScore;
import io.guardops.api.store.ApiKeyStore;
import io.guardops.api.store.DatasetStore;
import io.guardops.api.store.EvaluationStore;
import io.guardops.api.store.ExperimentStore;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.RecordStore;
import io.guardops.api.store.ScoreStore;
import io.guardops.api.store.MetaStore;
import io.guardops.api.store.ProjectStore;
import io.guardops.api.store.PurgeResult;
import io.guardops.api.store.RetentionStore;
import io.guardops.api.store.SharingStore;
import io.guardops.api.store.SpanStat;
import io.guardops.api.store.SpanStore;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreException;
import io.guardops.api.store.TracePage;
import io.guardops.api.store.TraceQuery;
import io.guardops.api.store.UserStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The reference implementation of {@link Store}: everything in memory, guarded by one read-write
 * lock per {@link Backend}. It defines the contract's semantics in the simplest code and runs every
 * contract suite first; use it for tests and for embedding where persistence is not wanted. Several
 * instances may share one backend (as host instances share a database). Internal: not API (select
 * it with {@code guardops.store=memory}).
 */
public final class InMemoryStore implements Store {

  /** The data, shareable by several store instances. */
  public static final class Backend {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /** Most spans kept; beyond it whole traces go, oldest start first. */
    private final long maxSpans;
    private final Map<String, User> users = new HashMap<>();
    private final Map<String, Project> projects = new HashMap<>();
    private final Map<String, ApiKey> keysById = new HashMap<>();
    private final Map<String, ShareCode> codesByHash = new HashMap<>();
    private final Map<String, Grant> grants = new HashMap<>();
    /** project -> trace -> span id -> span. */
    private final Map<String, Map<String, Map<String, Span>>> spans = new HashMap<>();
    /** project -> trace -> summary. */
    private final Map<String, Map<String, TraceSummary>> summaries = new HashMap<>();
    /** project -> its summaries in list order, so a page is read in order instead of sorting the project. */
    private final Map<String, TreeMap<TraceKey, TraceSummary>> listed = new HashMap<>();
    /** Every trace, oldest start first: what the bound evicts. */
    private final TreeSet<AgeKey> byAge = new TreeSet<>();
    private long spanCount;
    private long evictedTraces;
    private final Map<String, CleanupRecord> cleanups = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, String> meta = new HashMap<>();
    private final Map<String, Dataset> datasets = new HashMap<>();
    /** dataset -> item id -> rows (each valid over a range of versions). */
    private final Map<String, TreeMap<String, List<ItemRow>>> items = new HashMap<>();
    private final Map<String, List<DatasetVersion>> versions = new HashMap<>();
    private final Map<String, Evaluation> evaluations = new HashMap<>();
    private final Map<String, EvaluationEntry> entries = new HashMap<>();
    private final Map<String, OnlineRule> rules = new HashMap<>();
    private final Map<String, Experiment> experiments = new HashMap<>();
    /** experiment -> item id -> result. */
    private final Map<String, TreeMap<String, ExperimentResult>> results = new HashMap<>();
    private final Map<String, TraceScore> scores = new HashMap<>();
    /** kind + "\u0000" + id -> record. */
    private final Map<String, StoredRecord> records = new HashMap<>();

    /** A backend without a bound on spans (the reference store of the contract tests). */
    public Backend() {
      this(Long.MAX_VALUE);
    }

    /**
     * A backend that keeps at most {@code maxSpans} spans: a write that goes beyond evicts whole traces,
     * oldest start first (those a retention sweep would purge first).
     */
    public Backend(long maxSpans) {
      if (maxSpans < 1) {
        throw new IllegalArgumentException("max-spans must be at least 1, was " + maxSpans);
      }
      this.maxSpans = maxSpans;
    }

    /** Removes everything. */
    public void clear() {
      lock.writeLock().lock();
      try {
        users.clear();
        projects.clear();
        keysById.clear();
        codesByHash.clear();
        grants.clear();
        spans.clear();
        summaries.clear();
        listed.clear();
        byAge.clear();
        spanCount = 0;
        evictedTraces = 0;
        cleanups.clear();
        leases.clear();
        meta.clear();
        datasets.clear();
        items.clear();
        versions.clear();
        evaluations.clear();
        entries.clear();
        rules.clear();
        experiments.clear();
        results.clear();
        scores.clear();
        records.clear();
      } finally {
        lock.writeLock().unlock();
      }
    }
  }

  private record Lease(String holder, Instant until) {}

  /** A trace in list order: start descending, then trace id descending. */
  private record TraceKey(long start, String traceId) implements Comparable<TraceKey> {
    @Override
    public int compareTo(TraceKey o) {
      int c = Long.compare(o.start, start);
      return c != 0 ? c : o.traceId.compareTo(traceId);
    }
  }

  /** A trace of any project by age: start ascending, then project, then trace id. */
  private record AgeKey(long start, String projectId, String traceId) implements Comparable<AgeKey> {
    @Override
    public int compareTo(AgeKey o) {
      int c = Long.compare(start, o.start);
      if (c == 0) {
        c = projectId.compareTo(o.projectId);
      }
      return c != 0 ? c : traceId.compareTo(o.traceId);
    }
  }

  /** One version range of a dataset item: part of versions {@code from} to {@code to - 1} ({@code to} 0: still current). */
  private record ItemRow(DatasetItem item, long from, long to) {
    boolean in(long version) {
      return from <= version && (to == 0 || to > version);
    }
  }

  private final Backend b;
  private volatile boolean closed;
  private final Users users = new Users();
  private final Projects projects = new Projects();
  private final Sharing sharing = new Sharing();
  private final Keys keys = new Keys();
  private final Spans spans = new Spans();
  private final Retention retention = new Retention();
  private final Meta meta = new Meta();
  private final Datasets datasets = new Datasets();
  private final Evaluations evaluations = new Evaluations();
  private final Experiments experiments = new Experiments();
  private final Scores scores = new Scores();
  private final Records records = new Records();

  /** A store over a backend of its own. */
  public InMemoryStore() {
    this(new Backend());
  }

  /** Another instance over {@code backend}. */
  public InMemoryStore(Backend backend) {
    this.b = Objects.requireNonNull(backend, "backend");
  }

  @Override
  public UserStore users() {
    return users;
  }

  @Override
  public ProjectStore projects() {
    return projects;
  }

  @Override
  public SharingStore sharing() {
    return sharing;
  }

  @Override
  public ApiKeyStore apiKeys() {
    return keys;
  }

  @Override
  public SpanStore spans() {
    return spans;
  }

  @Override
  public RetentionStore retention() {
    return retention;
  }

  @Override
  public MetaStore meta() {
    return meta;
  }

  @Override
  public Optional<DatasetStore> datasets() {
    return Optional.of(datasets);
  }

  @Override
  public Optional<EvaluationStore> evaluations() {
    return Optional.of(evaluations);
  }

  @Override
  public Optional<ExperimentStore> experiments() {
    return Optional.of(experiments);
  }

  @Override
  public Optional<ScoreStore> scores() {
    return Optional.of(scores);
  }

  @Override
  public Optional<RecordStore> records() {
    return Optional.of(records);
  }

  @Override
  public Health check() {
    if (closed) {
      return Health.down("closed");
    }
    return read(() -> {
      String traces = b.byAge.size() + " traces";
      if (b.maxSpans == Long.MAX_VALUE) {
        return Health.up("memory, " + b.spanCount + " spans in " + traces + ", no bound (not durable)");
      }
      return Health.up("memory, " + b.spanCount + " of " + b.maxSpans + " spans (" + (b.spanCount * 100 / b.maxSpans)
          + "% full) in " + traces + ", " + b.evictedTraces + " oldest traces evicted so far (not durable)");
    });
  }

  @Override
  public void close() {
    closed = true;
  }

  private void open() {
    if (closed) {
      throw new StoreException("store is closed");
    }
  }

  private <T> T read(Supplier<T> body) {
    open();
    b.lock.readLock().lock();
    try {
      return body.get();
    } finally {
      b.lock.readLock().unlock();
    }
  }

  private <T> T write(Supplier<T> body) {
    open();
    b.lock.writeLock().lock();
    try {
      return body.get();
    } finally {
      b.lock.writeLock().unlock();
    }
  }

  // ---------------------------------------------------------------- users

  private final class Users implements UserStore {
    @Override
    public boolean create(User user) {
      Objects.requireNonNull(user, "user");
      return write(() -> b.users.putIfAbsent(user.userId(), user) == null);
    }

    @Override
    public Optional<User> find(String userId) {
      Objects.requireNonNull(userId, "userId");
      return read(() -> Optional.ofNullable(b.users.get(userId)));
    }

    @Override
    public List<String> listIds() {
      return read(() -> b.users.values().stream()
          .sorted(Comparator.comparing(User::createdAt).thenComparing(User::userId))
          .map(User::userId).toList());
    }
  }

  // ---------------------------------------------------------------- projects

  private static final Comparator<Project> PROJECT_ORDER =
      Comparator.comparing(Project::createdAt).thenComparing(Project::projectId);

  private final class Projects implements ProjectStore {
    @Override
    public void create(Project project) {
      Objects.requireNonNull(project, "project");
      write(() -> {
        if (b.projects.putIfAbsent(project.projectId(), project) != null) {
          throw new IllegalArgumentException("a project with id " + project.projectId() + " already exists");
        }
        return null;
      });
    }

    @Override
    public Optional<Project> find(String projectId) {
      Objects.requireNonNull(projectId, "projectId");
      return read(() -> Optional.ofNullable(b.projects.get(projectId)));
    }

    @Override
    public List<Project> findAll(Collection<String> projectIds) {
      Set<String> wanted = new HashSet<>(projectIds);
      return read(() -> wanted.stream().map(b.projects::get).filter(Objects::nonNull).sorted(PROJECT_ORDER).toList());
    }

    @Override
    public List<Project> listOwnedBy(String ownerId) {
      Objects.requireNonNull(ownerId, "ownerId");
      return read(() -> b.projects.values().stream().filter(p -> p.ownerId().equals(ownerId))
          .sorted(PROJECT_ORDER).toList());
    }

    @Override
    public List<Project> listWithRetention() {
      return read(() -> b.projects.values().stream().filter(p -> p.retentionDays() > 0).sorted(PROJECT_ORDER).toList());
    }

    @Override
    public boolean update(Project project) {
      Objects.requireNonNull(project, "project");
      return write(() -> {
        Project old = b.projects.get(project.projectId());
        if (old == null) {
          return false;
        }
        b.projects.put(project.projectId(), project.toBuilder().ownerId(old.ownerId()).createdAt(old.createdAt())
            .build());
        return true;
      });
    }

    @Override
    public boolean delete(String projectId) {
      Objects.requireNonNull(projectId, "projectId");
      return write(() -> b.projects.remove(projectId) != null);
    }
  }

  // ---------------------------------------------------------------- sharing

  private static String grantKey(SharedKind kind, String resourceId, String userId) {
    return kind + "\u0000" + resourceId + "\u0000" + userId;
  }

  private final class Sharing implements SharingStore {
    @Override
    public void createCode(ShareCode code) {
      Objects.requireNonNull(code, "code");
      write(() -> {
        if (b.codesByHash.containsKey(code.codeHash())
            || b.codesByHash.values().stream().anyMatch(c -> c.codeId().equals(code.codeId()))) {
          throw new IllegalArgumentException("a share code with this id or hash already exists");
        }
        b.codesByHash.put(code.codeHash(), code);
        return null;
      });
    }

    @Override
    public Optional<ShareCode> findCode(String codeHash) {
      Objects.requireNonNull(codeHash, "codeHash");
      return read(() -> Optional.ofNullable(b.codesByHash.get(codeHash)));
    }

    @Override
    public List<ShareCode> listCodes(SharedKind kind, String resourceId) {
      return read(() -> b.codesByHash.values().stream()
          .filter(c -> c.kind() == kind && c.resourceId().equals(resourceId))
          .sorted(Comparator.comparing(ShareCode::createdAt).thenComparing(ShareCode::codeId)).toList());
    }

    @Override
    public Redemption redeem(String codeHash, String userId, Instant now) {
      Objects.requireNonNull(userId, "userId");
      Objects.requireNonNull(now, "now");
      return write(() -> {
        ShareCode c = b.codesByHash.get(codeHash);
        if (c == null) {
          return Redemption.UNKNOWN;
        }
        if (c.usedBy() != null) {
          return c.usedBy().equals(userId) ? Redemption.ALREADY_REDEEMED_BY_YOU : Redemption.USED;
        }
        if (c.revokedAt() != null) {
          return Redemption.REVOKED;
        }
        if (!now.isBefore(c.expiresAt())) {
          return Redemption.EXPIRED;
        }
        b.codesByHash.put(codeHash, new ShareCode(c.codeId(), c.codeHash(), c.hint(), c.kind(), c.resourceId(),
            c.createdBy(), c.createdAt(), c.expiresAt(), userId, now, null));
        return Redemption.REDEEMED;
      });
    }

    @Override
    public boolean revokeCode(SharedKind kind, String resourceId, String codeId, Instant now) {
      return write(() -> {
        for (ShareCode c : b.codesByHash.values()) {
          if (c.codeId().equals(codeId) && c.kind() == kind && c.resourceId().equals(resourceId)) {
            if (c.usedBy() != null || c.revokedAt() != null) {
              return false;
            }
            b.codesByHash.put(c.codeHash(), new ShareCode(c.codeId(), c.codeHash(), c.hint(), c.kind(),
                c.resourceId(), c.createdBy(), c.createdAt(), c.expiresAt(), null, null, now));
            return true;
          }
        }
        return false;
      });
    }

    @Override
    public boolean addGrant(Grant grant) {
      Objects.requireNonNull(grant, "grant");
      return write(() -> b.grants.putIfAbsent(grantKey(grant.kind(), grant.resourceId(), grant.userId()), grant) == null);
    }

    @Override
    public Optional<Grant> findGrant(SharedKind kind, String resourceId, String userId) {
      return read(() -> Optional.ofNullable(b.grants.get(grantKey(kind, resourceId, userId))));
    }

    @Override
    public List<Grant> listGrants(SharedKind kind, String resourceId) {
      return read(() -> b.grants.values().stream().filter(g -> g.kind() == kind && g.resourceId().equals(resourceId))
          .sorted(Comparator.comparing(Grant::createdAt).thenComparing(Grant::userId)).toList());
    }

    @Override
    public List<Grant> listGrantsTo(String userId, SharedKind kind) {
      return read(() -> b.grants.values().stream().filter(g -> g.kind() == kind && g.userId().equals(userId))
          .sorted(Comparator.comparing(Grant::createdAt).thenComparing(Grant::resourceId)).toList());
    }

    @Override
    public boolean removeGrant(SharedKind kind, String resourceId, String userId) {
      return write(() -> b.grants.remove(grantKey(kind, resourceId, userId)) != null);
    }

    @Override
    public void removeAll(SharedKind kind, String resourceId) {
      write(() -> {
        b.grants.values().removeIf(g -> g.kind() == kind && g.resourceId().equals(resourceId));
        b.codesByHash.values().removeIf(c -> c.kind() == kind && c.resourceId().equals(resourceId));
        return null;
      });
    }
  }

  // ---------------------------------------------------------------- keys

  private final class Keys implements ApiKeyStore {
    @Override
    public void create(ApiKey key) {
      Objects.requireNonNull(key, "key");
      write(() -> {
        if (b.keysById.containsKey(key.keyId())
            || b.keysById.values().stream().anyMatch(k -> k.hashOfHash().equals(key.hashOfHash()))) {
          throw new IllegalArgumentException("an API key with this id or hash already exists");
        }
        b.keysById.put(key.keyId(), key);
        return null;
      });
    }

    @Override
    public Optional<ApiKey> findByHash(String hashOfHash) {
      Objects.requireNonNull(hashOfHash, "hashOfHash");
      return read(() -> b.keysById.values().stream().filter(k -> k.hashOfHash().equals(hashOfHash)).findFirst());
    }

    @Override
    public List<ApiKey> listOwnedBy(String ownerId) {
      return read(() -> b.keysById.values().stream().filter(k -> k.ownerId().equals(ownerId))
          .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::keyId)).toList());
    }

    @Override
    public boolean delete(String ownerId, String keyId) {
      return write(() -> {
        ApiKey k = b.keysById.get(keyId);
        if (k == null || !k.ownerId().equals(ownerId)) {
          return false;
        }
        b.keysById.remove(keyId);
        return true;
      });
    }

    @Override
    public void touch(String keyId, Instant when) {
      Objects.requireNonNull(when, "when");
      write(() -> b.keysById.computeIfPresent(keyId, (id, k) -> k.withLastUsedAt(when)));
    }
  }

  // ---------------------------------------------------------------- spans

  private final class Spans implements SpanStore {
    @Override
    public void write(List<Span> batch) {
      Objects.requireNonNull(batch, "spans");
      if (batch.isEmpty()) {
        return;
      }
      InMemoryStore.this.write(() -> {
        Map<String, Set<String>> touched = new LinkedHashMap<>();
        for (Span s : batch) {
          Map<String, Span> trace = b.spans.computeIfAbsent(s.projectId(), p -> new HashMap<>())
              .computeIfAbsent(s.traceId(), t -> new LinkedHashMap<>());
          if (trace.put(s.spanId(), s) == null) {
            b.spanCount++;
          }
          touched.computeIfAbsent(s.projectId(), p -> new LinkedHashSet<>()).add(s.traceId());
        }
        touched.forEach((project, traces) -> {
          for (String trace : traces) {
            index(summarise(project, trace, b.spans.get(project).get(trace).values()));
          }
        });
        // the bound: whole traces go, oldest start first, until the spans fit again
        while (b.spanCount > b.maxSpans && !b.byAge.isEmpty()) {
          AgeKey oldest = b.byAge.first();
          removeTrace(oldest.projectId(), oldest.traceId());
          b.evictedTraces++;
        }
        return null;
      });
    }

    /** Stores a trace's new summary and moves it in the list and age orders. */
    private void index(TraceSummary t) {
      TraceSummary old = b.summaries.computeIfAbsent(t.projectId(), p -> new HashMap<>()).put(t.traceId(), t);
      TreeMap<TraceKey, TraceSummary> listed = b.listed.computeIfAbsent(t.projectId(), p -> new TreeMap<>());
      if (old != null) {
        listed.remove(new TraceKey(old.startEpochNanos(), old.traceId()));
        b.byAge.remove(new AgeKey(old.startEpochNanos(), old.projectId(), old.traceId()));
      }
      listed.put(new TraceKey(t.startEpochNanos(), t.traceId()), t);
      b.byAge.add(new AgeKey(t.startEpochNanos(), t.projectId(), t.traceId()));
    }

    /** Removes a trace with its spans; the number of spans removed. */
    private int removeTrace(String projectId, String traceId) {
      TraceSummary t = b.summaries.get(projectId).remove(traceId);
      b.listed.get(projectId).remove(new TraceKey(t.startEpochNanos(), traceId));
      b.byAge.remove(new AgeKey(t.startEpochNanos(), projectId, traceId));
      Map<String, Span> gone = b.spans.get(projectId).remove(traceId);
      int n = gone == null ? 0 : gone.size();
      b.spanCount -= n;
      return n;
    }

    @Override
    public TracePage findTraces(TraceQuery q) {
      Objects.requireNonNull(q, "query");
      return read(() -> {
        TreeMap<TraceKey, TraceSummary> listed = b.listed.getOrDefault(q.projectId(), new TreeMap<>());
        // in list order from the cursor: a page costs what it skips and reads, not a sort of the project
        Collection<TraceSummary> candidates = q.after() == null ? listed.values()
            : listed.tailMap(new TraceKey(q.after().startEpochNanos(), q.after().traceId()), false).values();
        List<TraceSummary> page = new ArrayList<>();
        int skip = q.offset();
        boolean more = false;
        for (TraceSummary t : candidates) {
          if (!matches(q, t)) {
            continue;
          }
          if (skip > 0) {
            skip--;
          } else if (page.size() < q.limit()) {
            page.add(t);
          } else {
            more = true;
            break;
          }
        }
        return new TracePage(page, more);
      });
    }

    private boolean matches(TraceQuery q, TraceSummary t) {
      if (q.fromEpochNanos() != null && t.startEpochNanos() < q.fromEpochNanos()
          || q.toEpochNanos() != null && t.startEpochNanos() >= q.toEpochNanos()) {
        return false;
      }
      if (q.status() == TraceQuery.StatusFilter.ERROR && t.errorCount() == 0
          || q.status() == TraceQuery.StatusFilter.OK && t.errorCount() > 0) {
        return false;
      }
      if (q.minDurationNanos() != null && t.durationNanos() < q.minDurationNanos()) {
        return false;
      }
      if (q.model() != null && !q.model().equals(t.model())) {
        return false;
      }
      if (q.text() == null && q.attributeKey() == null) {
        return true;
      }
      Collection<Span> traceSpans = b.spans.get(q.projectId()).get(t.traceId()).values();
      if (q.text() != null && traceSpans.stream().noneMatch(s -> contains(s.llm().prompt(), q.text())
          || contains(s.llm().output(), q.text()))) {
        return false;
      }
      return q.attributeKey() == null || traceSpans.stream().anyMatch(s -> {
        Object v = s.attributes().get(q.attributeKey());
        return v != null && q.attributeValue().equals(Attributes.asString(v));
      });
    }

    @Override
    public Optional<TraceSummary> findTrace(String projectId, String traceId) {
      return read(() -> Optional.ofNullable(b.summaries.getOrDefault(projectId, Map.of()).get(traceId)));
    }

    @Override
    public List<Span> findSpans(String projectId, Collection<String> traceIds) {
      return read(() -> {
        Map<String, Map<String, Span>> byTrace = b.spans.getOrDefault(projectId, Map.of());
        List<Span> out = new ArrayList<>();
        for (String trace : new TreeSet<>(traceIds)) {
          Map<String, Span> m = byTrace.get(trace);
          if (m != null) {
            m.values().stream()
                .sorted(Comparator.comparingLong(Span::startEpochNanos).thenComparing(Span::spanId))
                .forEach(out::add);
          }
        }
        return out;
      });
    }

    @Override
    public Map<String, Long> countTraces(Collection<String> projectIds) {
      return read(() -> {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String id : projectIds) {
          out.put(id, (long) b.summaries.getOrDefault(id, Map.of()).size());
        }
        return out;
      });
    }

    @Override
    public List<SpanStat> spanStats(String projectId, long fromEpochNanos, long toEpochNanos, int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("limit must not be negative, was " + limit);
      }
      return read(() -> b.spans.getOrDefault(projectId, Map.of()).values().stream()
          .flatMap(m -> m.values().stream())
          .filter(s -> s.startEpochNanos() >= fromEpochNanos && s.startEpochNanos() < toEpochNanos)
          .filter(s -> s.llm().model() != null && !s.llm().usageIsAggregate())
          .sorted(Comparator.comparingLong(Span::startEpochNanos))
          .limit(limit)
          .map(InMemoryStore::stat)
          .toList());
    }

    @Override
    public PurgeResult purgeTraces(String projectId, long cutoffEpochNanos, int maxTraces) {
      if (maxTraces < 1) {
        throw new IllegalArgumentException("maxTraces must be at least 1, was " + maxTraces);
      }
      return InMemoryStore.this.write(() -> {
        TreeMap<TraceKey, TraceSummary> listed = b.listed.get(projectId);
        if (listed == null) {
          return PurgeResult.NOTHING;
        }
        // oldest first: the end of the list order
        List<TraceSummary> old = new ArrayList<>();
        for (TraceSummary t : listed.descendingMap().values()) {
          if (t.startEpochNanos() >= cutoffEpochNanos || old.size() > maxTraces) {
            break;
          }
          old.add(t);
        }
        long deletedSpans = 0;
        int n = Math.min(maxTraces, old.size());
        for (int i = 0; i < n; i++) {
          deletedSpans += removeTrace(projectId, old.get(i).traceId());
        }
        return new PurgeResult(n, deletedSpans, n == old.size());
      });
    }
  }

  private static boolean contains(String haystack, String needle) {
    return haystack != null && haystack.contains(needle);
  }

  /** The summary rules every store follows: {@link TraceSummary#of}. */
  static TraceSummary summarise(String projectId, String traceId, Collection<Span> traceSpans) {
    List<TraceSummary.SpanFacts> facts = new ArrayList<>(traceSpans.size());
    for (Span s : traceSpans) {
      facts.add(TraceSummary.SpanFacts.of(s));
    }
    return TraceSummary.of(projectId, traceId, facts);
  }

  static SpanStat stat(Span s) {
    LlmFields l = s.llm();
    return new SpanStat(s.startEpochNanos(), s.durationNanos(), l.model(), s.status() == StatusCode.ERROR,
        l.inputTokens() != null ? l.inputTokens() : 0, l.outputTokens() != null ? l.outputTokens() : 0, l.cost());
  }

  // ---------------------------------------------------------------- retention bookkeeping

  private final class Retention implements RetentionStore {
    @Override
    public void addCleanupRecord(CleanupRecord record) {
      Objects.requireNonNull(record, "record");
      write(() -> b.cleanups.put(record.recordId(), record));
    }

    @Override
    public List<CleanupRecord> listCleanupRecords(String projectId, int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("limit must not be negative, was " + limit);
      }
      return read(() -> b.cleanups.values().stream()
          .filter(r -> projectId == null || r.projectId().equals(projectId))
          .sorted(Comparator.comparing(CleanupRecord::executedAt).thenComparing(CleanupRecord::recordId).reversed())
          .limit(limit)
          .toList());
    }

    @Override
    public boolean tryAcquireLease(String name, String holder, Instant now, Duration ttl) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(holder, "holder");
      if (ttl.isZero() || ttl.isNegative()) {
        throw new IllegalArgumentException("lease ttl must be positive, was " + ttl);
      }
      return write(() -> {
        Lease l = b.leases.get(name);
        if (l == null || l.holder().equals(holder) || !l.until().isAfter(now)) {
          b.leases.put(name, new Lease(holder, now.plus(ttl)));
          return true;
        }
        return false;
      });
    }

    @Override
    public void releaseLease(String name, String holder) {
      write(() -> b.leases.computeIfPresent(name, (n, l) -> l.holder().equals(holder) ? null : l));
    }
  }

  // ---------------------------------------------------------------- meta

  private final class Meta implements MetaStore {
    @Override
    public Optional<String> get(String key) {
      Objects.requireNonNull(key, "key");
      return read(() -> Optional.ofNullable(b.meta.get(key)));
    }

    @Override
    public String putIfAbsent(String key, String value) {
      Objects.requireNonNull(value, "value");
      return write(() -> {
        String old = b.meta.putIfAbsent(key, value);
        return old == null ? value : old;
      });
    }

    @Override
    public void put(String key, String value) {
      Objects.requireNonNull(value, "value");
      write(() -> b.meta.put(key, value));
    }
  }

  // ---------------------------------------------------------------- datasets

  private final class Datasets implements DatasetStore {
    private final Comparator<Dataset> order = Comparator.comparing(Dataset::createdAt).thenComparing(Dataset::datasetId);

    @Override
    public void create(Dataset dataset) {
      Objects.requireNonNull(dataset, "dataset");
      write(() -> {
        if (b.datasets.putIfAbsent(dataset.datasetId(), dataset) != null) {
          throw new IllegalArgumentException("a dataset with id " + dataset.datasetId() + " already exists");
        }
        return null;
      });
    }

    @Override
    public Optional<Dataset> find(String datasetId) {
      return read(() -> Optional.ofNullable(b.datasets.get(datasetId)));
    }

    @Override
    public List<Dataset> findAll(Collection<String> datasetIds) {
      Set<String> wanted = new HashSet<>(datasetIds);
      return read(() -> wanted.stream().map(b.datasets::get).filter(Objects::nonNull).sorted(order).toList());
    }

    @Override
    public List<Dataset> listOwnedBy(String ownerId) {
      return read(() -> b.datasets.values().stream().filter(d -> d.ownerId().equals(ownerId)).sorted(order).toList());
    }

    @Override
    public boolean update(Dataset dataset) {
      return write(() -> {
        Dataset old = b.datasets.get(dataset.datasetId());
        if (old == null) {
          return false;
        }
        b.datasets.put(old.datasetId(), old.withText(dataset.name(), dataset.description(), dataset.updatedAt()));
        return true;
      });
    }

    @Override
    public boolean delete(String datasetId) {
      return write(() -> {
        b.items.remove(datasetId);
        b.versions.remove(datasetId);
        return b.datasets.remove(datasetId) != null;
      });
    }

    @Override
    public void stageItems(String datasetId, long version, List<DatasetItem> staged) {
      write(() -> {
        TreeMap<String, List<ItemRow>> byId = b.items.computeIfAbsent(datasetId, d -> new TreeMap<>());
        for (DatasetItem item : staged) {
          List<ItemRow> rows = byId.computeIfAbsent(item.itemId(), i -> new ArrayList<>());
          rows.removeIf(r -> r.from() == version);
          end(rows, version);
          rows.add(new ItemRow(item, version, 0));
        }
        return null;
      });
    }

    /** Ends the row current before {@code version} at it. */
    private void end(List<ItemRow> rows, long version) {
      for (int i = 0; i < rows.size(); i++) {
        ItemRow r = rows.get(i);
        if (r.to() == 0 && r.from() < version) {
          rows.set(i, new ItemRow(r.item(), r.from(), version));
        }
      }
    }

    @Override
    public void stageRemovals(String datasetId, long version, Collection<String> itemIds) {
      write(() -> {
        TreeMap<String, List<ItemRow>> byId = b.items.getOrDefault(datasetId, new TreeMap<>());
        for (String id : itemIds) {
          List<ItemRow> rows = byId.get(id);
          if (rows != null) {
            rows.removeIf(r -> r.from() == version);
            end(rows, version);
          }
        }
        return null;
      });
    }

    @Override
    public boolean publish(String datasetId, long version, String note, Instant at) {
      return write(() -> {
        Dataset d = b.datasets.get(datasetId);
        if (d == null || d.version() != version - 1) {
          return false;
        }
        long count = count(datasetId, version);
        b.datasets.put(datasetId, new Dataset(d.datasetId(), d.ownerId(), d.name(), d.description(), version, count,
            d.createdAt(), at));
        b.versions.computeIfAbsent(datasetId, x -> new ArrayList<>()).add(new DatasetVersion(version, at, count, note));
        return true;
      });
    }

    @Override
    public void discard(String datasetId, long version) {
      write(() -> {
        TreeMap<String, List<ItemRow>> byId = b.items.get(datasetId);
        if (byId == null) {
          return null;
        }
        for (List<ItemRow> rows : byId.values()) {
          rows.removeIf(r -> r.from() == version);
          rows.replaceAll(r -> r.to() == version ? new ItemRow(r.item(), r.from(), 0) : r);
        }
        byId.values().removeIf(List::isEmpty);
        return null;
      });
    }

    @Override
    public List<DatasetItem> items(String datasetId, long version, String afterItemId, int limit) {
      return read(() -> {
        TreeMap<String, List<ItemRow>> byId = b.items.getOrDefault(datasetId, new TreeMap<>());
        Map<String, List<ItemRow>> tail = afterItemId == null ? byId : byId.tailMap(afterItemId, false);
        List<DatasetItem> out = new ArrayList<>();
        for (List<ItemRow> rows : tail.values()) {
          if (out.size() >= limit) {
            break;
          }
          rows.stream().filter(r -> r.in(version)).findFirst().ifPresent(r -> out.add(r.item()));
        }
        return out;
      });
    }

    @Override
    public Optional<DatasetItem> item(String datasetId, long version, String itemId) {
      return read(() -> b.items.getOrDefault(datasetId, new TreeMap<>()).getOrDefault(itemId, List.of()).stream()
          .filter(r -> r.in(version)).map(ItemRow::item).findFirst());
    }

    @Override
    public long countItems(String datasetId, long version) {
      return read(() -> count(datasetId, version));
    }

    private long count(String datasetId, long version) {
      return b.items.getOrDefault(datasetId, new TreeMap<>()).values().stream()
          .filter(rows -> rows.stream().anyMatch(r -> r.in(version))).count();
    }

    @Override
    public List<DatasetVersion> versions(String datasetId) {
      return read(() -> List.copyOf(b.versions.getOrDefault(datasetId, List.of())));
    }
  }

  // ---------------------------------------------------------------- evaluations

  private final class Evaluations implements EvaluationStore {
    @Override
    public boolean createEvaluation(Evaluation evaluation) {
      return write(() -> b.evaluations.putIfAbsent(evaluation.evaluationId(), evaluation) == null);
    }

    @Override
    public Optional<Evaluation> findEvaluation(String evaluationId) {
      return read(() -> Optional.ofNullable(b.evaluations.get(evaluationId)));
    }

    @Override
    public List<Evaluation> listEvaluations(String projectId) {
      return read(() -> b.evaluations.values().stream().filter(e -> e.projectId().equals(projectId))
          .sorted(Comparator.comparing(Evaluation::createdAt).thenComparing(Evaluation::evaluationId)).toList());
    }

    @Override
    public boolean updateEvaluation(Evaluation evaluation) {
      return write(() -> {
        Evaluation old = b.evaluations.get(evaluation.evaluationId());
        if (old == null) {
          return false;
        }
        b.evaluations.put(old.evaluationId(), new Evaluation(old.evaluationId(), old.projectId(), old.ownerId(),
            evaluation.title(), evaluation.description(), evaluation.date(), old.createdAt()));
        return true;
      });
    }

    @Override
    public boolean deleteEvaluation(String evaluationId) {
      return write(() -> {
        b.entries.values().removeIf(e -> e.evaluationId().equals(evaluationId));
        return b.evaluations.remove(evaluationId) != null;
      });
    }

    @Override
    public void putEntry(EvaluationEntry entry) {
      write(() -> b.entries.put(entry.evalId(), entry));
    }

    @Override
    public List<EvaluationEntry> entries(String evaluationId) {
      return read(() -> b.entries.values().stream().filter(e -> e.evaluationId().equals(evaluationId))
          .sorted(Comparator.comparing(EvaluationEntry::createdAt).thenComparing(EvaluationEntry::evalId)).toList());
    }

    @Override
    public List<EvaluationEntry> projectEntries(String projectId, int limit) {
      return read(() -> b.entries.values().stream().filter(e -> e.projectId().equals(projectId))
          .sorted(Comparator.comparing(EvaluationEntry::createdAt).thenComparing(EvaluationEntry::evalId).reversed())
          .limit(limit).toList());
    }

    @Override
    public void putRule(OnlineRule rule) {
      write(() -> b.rules.put(rule.ruleId(), rule));
    }

    @Override
    public List<OnlineRule> rules(String projectId) {
      return read(() -> b.rules.values().stream().filter(r -> r.projectId().equals(projectId))
          .sorted(Comparator.comparing(OnlineRule::createdAt).thenComparing(OnlineRule::ruleId)).toList());
    }

    @Override
    public List<OnlineRule> enabledRules() {
      return read(() -> b.rules.values().stream().filter(OnlineRule::enabled)
          .sorted(Comparator.comparing(OnlineRule::createdAt).thenComparing(OnlineRule::ruleId)).toList());
    }

    @Override
    public boolean deleteRule(String projectId, String ruleId) {
      return write(() -> {
        OnlineRule r = b.rules.get(ruleId);
        if (r == null || !r.projectId().equals(projectId)) {
          return false;
        }
        b.rules.remove(ruleId);
        return true;
      });
    }
  }

  // ---------------------------------------------------------------- experiments

  private final class Experiments implements ExperimentStore {
    @Override
    public void create(Experiment experiment) {
      write(() -> {
        if (b.experiments.putIfAbsent(experiment.experimentId(), experiment) != null) {
          throw new IllegalArgumentException("an experiment with id " + experiment.experimentId() + " already exists");
        }
        return null;
      });
    }

    @Override
    public Optional<Experiment> find(String experimentId) {
      return read(() -> Optional.ofNullable(b.experiments.get(experimentId)));
    }

    @Override
    public List<Experiment> listForDataset(String datasetId, int limit) {
      return read(() -> b.experiments.values().stream().filter(e -> e.datasetId().equals(datasetId))
          .sorted(Comparator.comparing(Experiment::createdAt).thenComparing(Experiment::experimentId).reversed())
          .limit(limit).toList());
    }

    @Override
    public boolean update(Experiment experiment) {
      return write(() -> b.experiments.replace(experiment.experimentId(), experiment) != null);
    }

    @Override
    public void putResults(List<ExperimentResult> batch) {
      write(() -> {
        for (ExperimentResult r : batch) {
          b.results.computeIfAbsent(r.experimentId(), x -> new TreeMap<>()).put(r.itemId(), r);
        }
        return null;
      });
    }

    @Override
    public List<ExperimentResult> results(String experimentId, String afterItemId, int limit) {
      return read(() -> {
        TreeMap<String, ExperimentResult> m = b.results.getOrDefault(experimentId, new TreeMap<>());
        return (afterItemId == null ? m : m.tailMap(afterItemId, false)).values().stream().limit(limit).toList();
      });
    }

    @Override
    public boolean delete(String experimentId) {
      return write(() -> {
        b.results.remove(experimentId);
        return b.experiments.remove(experimentId) != null;
      });
    }
  }

  // ---------------------------------------------------------------- scores

  private record ScoreKey(long bucket, String name) {}

  private final class Scores implements ScoreStore {
    @Override
    public void put(TraceScore score) {
      write(() -> b.scores.put(score.scoreId(), score));
    }

    @Override
    public List<TraceScore> forTrace(String projectId, String traceId) {
      return read(() -> b.scores.values().stream()
          .filter(s -> s.projectId().equals(projectId) && s.traceId().equals(traceId))
          .sorted(Comparator.comparing(TraceScore::createdAt).thenComparing(TraceScore::scoreId)).toList());
    }

    @Override
    public boolean delete(String projectId, String scoreId) {
      return write(() -> {
        TraceScore s = b.scores.get(scoreId);
        if (s == null || !s.projectId().equals(projectId)) {
          return false;
        }
        b.scores.remove(scoreId);
        return true;
      });
    }

    @Override
    public List<ScoreAggregate> aggregate(MetricsQuery q) {
      return read(() -> {
        Map<ScoreKey, double[]> acc = new HashMap<>();
        for (TraceScore s : b.scores.values()) {
          long start = s.traceStartEpochNanos();
          if (!s.projectId().equals(q.projectId()) || start < q.fromEpochNanos() || start >= q.toEpochNanos()) {
            continue;
          }
          double[] a = acc.computeIfAbsent(new ScoreKey(q.bucket().startOf(start), s.name()), k -> new double[3]);
          a[0]++;
          if (s.value() != null) {
            a[1] += s.value();
            a[2]++;
          }
        }
        List<ScoreKey> keys = new ArrayList<>(acc.keySet());
        keys.sort(Comparator.comparingLong(ScoreKey::bucket).thenComparing(ScoreKey::name));
        List<ScoreAggregate> out = new ArrayList<>(keys.size());
        for (ScoreKey k : keys) {
          double[] a = acc.get(k);
          out.add(new ScoreAggregate(k.bucket(), k.name(), (long) a[0], a[2] == 0 ? null : a[1] / a[2]));
        }
        return out;
      });
    }

    @Override
    public long purge(String projectId, long cutoffEpochNanos, int max) {
      return write(() -> {
        List<String> old = b.scores.values().stream()
            .filter(s -> s.projectId().equals(projectId) && s.traceStartEpochNanos() < cutoffEpochNanos)
            .map(TraceScore::scoreId).limit(max).toList();
        old.forEach(b.scores::remove);
        return (long) old.size();
      });
    }
  }

  // ---------------------------------------------------------------- records

  private final class Records implements RecordStore {
    private String k(String kind, String id) {
      return kind + "\u0000" + id;
    }

    @Override
    public boolean create(StoredRecord record) {
      return write(() -> b.records.putIfAbsent(k(record.kind(), record.id()), record) == null);
    }

    @Override
    public Optional<StoredRecord> find(String kind, String id) {
      return read(() -> Optional.ofNullable(b.records.get(k(kind, id))));
    }

    @Override
    public List<StoredRecord> list(String kind, String ownerId, String afterId, int limit) {
      return read(() -> b.records.values().stream()
          .filter(r -> r.kind().equals(kind) && r.ownerId().equals(ownerId))
          .filter(r -> afterId == null || r.id().compareTo(afterId) > 0)
          .sorted(Comparator.comparing(StoredRecord::id)).limit(limit).toList());
    }

    @Override
    public List<StoredRecord> findByKey(String kind, String ownerId, String key) {
      return read(() -> b.records.values().stream()
          .filter(r -> r.kind().equals(kind) && r.ownerId().equals(ownerId) && key.equals(r.key()))
          .sorted(Comparator.comparing(StoredRecord::id)).toList());
    }

    @Override
    public boolean replace(StoredRecord record) {
      return write(() -> {
        StoredRecord old = b.records.get(k(record.kind(), record.id()));
        if (old == null || old.version() != record.version() - 1) {
          return false;
        }
        b.records.put(k(record.kind(), record.id()), record);
        return true;
      });
    }

    @Override
    public boolean delete(String kind, String id) {
      return write(() -> b.records.remove(k(kind, id)) != null);
    }
  }
}
