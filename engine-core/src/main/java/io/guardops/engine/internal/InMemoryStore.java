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
import io.guardops.api.User;
import io.guardops.api.store.ApiKeyStore;
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
  private static final Comparator<TraceSummary> LIST_ORDER =
      Comparator.comparingLong(TraceSummary::startEpochNanos).thenComparing(TraceSummary::traceId).reversed();

  /** The data, shareable by several store instances. */
  public static final class Backend {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, User> users = new HashMap<>();
    private final Map<String, Project> projects = new HashMap<>();
    private final Map<String, ApiKey> keysById = new HashMap<>();
    private final Map<String, ShareCode> codesByHash = new HashMap<>();
    private final Map<String, Grant> grants = new HashMap<>();
    /** project -> trace -> span id -> span. */
    private final Map<String, Map<String, Map<String, Span>>> spans = new HashMap<>();
    /** project -> trace -> summary. */
    private final Map<String, Map<String, TraceSummary>> summaries = new HashMap<>();
    private final Map<String, CleanupRecord> cleanups = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, String> meta = new HashMap<>();

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
        cleanups.clear();
        leases.clear();
        meta.clear();
      } finally {
        lock.writeLock().unlock();
      }
    }
  }

  private record Lease(String holder, Instant until) {}

  private final Backend b;
  private volatile boolean closed;
  private final Users users = new Users();
  private final Projects projects = new Projects();
  private final Sharing sharing = new Sharing();
  private final Keys keys = new Keys();
  private final Spans spans = new Spans();
  private final Retention retention = new Retention();
  private final Meta meta = new Meta();

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
  public Health check() {
    if (closed) {
      return Health.down("closed");
    }
    return read(() -> {
      long spanCount = b.spans.values().stream().flatMap(m -> m.values().stream()).mapToLong(Map::size).sum();
      return Health.up("memory, " + spanCount + " spans (not durable)");
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
          b.spans.computeIfAbsent(s.projectId(), p -> new HashMap<>())
              .computeIfAbsent(s.traceId(), t -> new LinkedHashMap<>())
              .put(s.spanId(), s);
          touched.computeIfAbsent(s.projectId(), p -> new LinkedHashSet<>()).add(s.traceId());
        }
        touched.forEach((project, traces) -> {
          for (String trace : traces) {
            b.summaries.computeIfAbsent(project, p -> new HashMap<>())
                .put(trace, summarise(project, trace, b.spans.get(project).get(trace).values()));
          }
        });
        return null;
      });
    }

    @Override
    public TracePage findTraces(TraceQuery q) {
      Objects.requireNonNull(q, "query");
      return read(() -> {
        List<TraceSummary> matching = b.summaries.getOrDefault(q.projectId(), Map.of()).values().stream()
            .filter(t -> q.after() == null || q.after().precedes(t.startEpochNanos(), t.traceId()))
            .filter(t -> matches(q, t))
            .sorted(LIST_ORDER)
            .toList();
        int from = Math.min(q.offset(), matching.size());
        int to = Math.min(from + q.limit(), matching.size());
        return new TracePage(matching.subList(from, to), to < matching.size());
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
        Map<String, TraceSummary> m = b.summaries.get(projectId);
        if (m == null) {
          return PurgeResult.NOTHING;
        }
        List<String> old = m.values().stream()
            .filter(t -> t.startEpochNanos() < cutoffEpochNanos)
            .sorted(Comparator.comparingLong(TraceSummary::startEpochNanos).thenComparing(TraceSummary::traceId))
            .map(TraceSummary::traceId)
            .toList();
        long deletedSpans = 0;
        int n = Math.min(maxTraces, old.size());
        for (int i = 0; i < n; i++) {
          String trace = old.get(i);
          m.remove(trace);
          Map<String, Span> gone = b.spans.get(projectId).remove(trace);
          deletedSpans += gone == null ? 0 : gone.size();
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
}
