package io.guardops.engine.internal;

import io.guardops.api.ApiKey;
import io.guardops.api.CleanupRecord;
import io.guardops.api.Health;
import io.guardops.api.LlmFields;
import io.guardops.api.Project;
import io.guardops.api.PurgeResult;
import io.guardops.api.Span;
import io.guardops.api.SpanStat;
import io.guardops.api.StatusCode;
import io.guardops.api.Store;
import io.guardops.api.StoreException;
import io.guardops.api.TracePage;
import io.guardops.api.TraceQuery;
import io.guardops.api.TraceSummary;
import io.guardops.api.User;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The reference implementation of {@link Store}: everything in memory, guarded by one
 * read-write lock. It defines the contract's semantics in the simplest code and runs the
 * conformance suite first; use it for tests and for embedding where persistence is not wanted.
 * Internal: not API (select it with {@code guardops.store=memory}).
 */
public final class InMemoryStore implements Store {
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, User> users = new LinkedHashMap<>();
  private final Map<String, Project> projects = new LinkedHashMap<>();
  private final Map<String, ApiKey> keysById = new LinkedHashMap<>();
  /** project -> trace -> span id -> span. */
  private final Map<String, Map<String, Map<String, Span>>> spans = new HashMap<>();
  /** project -> trace -> summary. */
  private final Map<String, Map<String, TraceSummary>> summaries = new HashMap<>();
  private final List<CleanupRecord> cleanups = new ArrayList<>();
  private final Map<String, Lease> leases = new HashMap<>();
  private volatile boolean closed;

  private record Lease(String holder, Instant until) {}

  @Override
  public Health check() {
    if (closed) {
      return Health.down("closed");
    }
    lock.readLock().lock();
    try {
      long spanCount = spans.values().stream().flatMap(m -> m.values().stream()).mapToLong(Map::size).sum();
      return Health.up("memory, " + spanCount + " spans (not durable)");
    } finally {
      lock.readLock().unlock();
    }
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

  private <T> T read(java.util.function.Supplier<T> body) {
    open();
    lock.readLock().lock();
    try {
      return body.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private <T> T write(java.util.function.Supplier<T> body) {
    open();
    lock.writeLock().lock();
    try {
      return body.get();
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ---------------------------------------------------------------- users

  @Override
  public boolean createUser(User user) {
    Objects.requireNonNull(user, "user");
    return write(() -> users.putIfAbsent(user.userId(), user) == null);
  }

  @Override
  public Optional<User> findUser(String userId) {
    return read(() -> Optional.ofNullable(users.get(userId)));
  }

  @Override
  public List<String> listUserIds() {
    return read(() -> List.copyOf(users.keySet()));
  }

  // ---------------------------------------------------------------- projects

  @Override
  public void createProject(Project project) {
    Objects.requireNonNull(project, "project");
    write(() -> {
      if (projects.containsKey(project.projectId())) {
        throw new IllegalArgumentException("project " + project.projectId() + " already exists");
      }
      projects.put(project.projectId(), project);
      return null;
    });
  }

  @Override
  public Optional<Project> findProject(String projectId) {
    return read(() -> Optional.ofNullable(projects.get(projectId)));
  }

  @Override
  public List<Project> listProjects(String ownerId) {
    return read(() -> projects.values().stream().filter(p -> p.ownerId().equals(ownerId))
        .sorted(Comparator.comparing(Project::createdAt)).toList());
  }

  @Override
  public List<Project> listProjectsWithRetention() {
    return read(() -> projects.values().stream().filter(p -> p.retentionDays() > 0).toList());
  }

  @Override
  public boolean updateProject(Project project) {
    return write(() -> {
      Project old = projects.get(project.projectId());
      if (old == null) {
        return false;
      }
      projects.put(project.projectId(), project.toBuilder()
          .ownerId(old.ownerId()).createdAt(old.createdAt()).build());
      return true;
    });
  }

  @Override
  public boolean deleteProject(String projectId, boolean cascade) {
    return write(() -> {
      if (projects.remove(projectId) == null) {
        return false;
      }
      if (cascade) {
        spans.remove(projectId);
        summaries.remove(projectId);
      }
      return true;
    });
  }

  @Override
  public Map<String, Long> countTraces(Collection<String> projectIds) {
    return read(() -> {
      Map<String, Long> out = new LinkedHashMap<>();
      for (String id : projectIds) {
        Map<String, TraceSummary> m = summaries.get(id);
        out.put(id, m == null ? 0L : (long) m.size());
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- keys

  @Override
  public void createApiKey(ApiKey key) {
    write(() -> {
      if (keysById.containsKey(key.keyId())
          || keysById.values().stream().anyMatch(k -> k.hashOfHash().equals(key.hashOfHash()))) {
        throw new IllegalArgumentException("API key already exists");
      }
      keysById.put(key.keyId(), key);
      return null;
    });
  }

  @Override
  public Optional<ApiKey> findApiKeyByHash(String hashOfHash) {
    return read(() -> keysById.values().stream().filter(k -> k.hashOfHash().equals(hashOfHash)).findFirst());
  }

  @Override
  public List<ApiKey> listApiKeys(String ownerId) {
    return read(() -> keysById.values().stream().filter(k -> k.ownerId().equals(ownerId))
        .sorted(Comparator.comparing(ApiKey::createdAt)).toList());
  }

  @Override
  public boolean deleteApiKey(String ownerId, String keyId) {
    return write(() -> {
      ApiKey k = keysById.get(keyId);
      if (k == null || !k.ownerId().equals(ownerId)) {
        return false;
      }
      keysById.remove(keyId);
      return true;
    });
  }

  @Override
  public void touchApiKey(String keyId, Instant when) {
    write(() -> {
      keysById.computeIfPresent(keyId, (id, k) -> k.withLastUsedAt(when));
      return null;
    });
  }

  // ---------------------------------------------------------------- spans

  @Override
  public void writeSpans(List<Span> batch) {
    if (batch.isEmpty()) {
      return;
    }
    write(() -> {
      Map<String, java.util.Set<String>> touched = new HashMap<>();
      for (Span s : batch) {
        spans.computeIfAbsent(s.projectId(), p -> new HashMap<>())
            .computeIfAbsent(s.traceId(), t -> new LinkedHashMap<>())
            .put(s.spanId(), s);
        touched.computeIfAbsent(s.projectId(), p -> new java.util.HashSet<>()).add(s.traceId());
      }
      touched.forEach((project, traces) -> {
        for (String trace : traces) {
          summaries.computeIfAbsent(project, p -> new HashMap<>())
              .put(trace, summarise(project, trace, spans.get(project).get(trace).values()));
        }
      });
      return null;
    });
  }

  /** The summary rules every store follows: {@link TraceSummary#of}. */
  static TraceSummary summarise(String projectId, String traceId, Collection<Span> traceSpans) {
    List<TraceSummary.SpanFacts> facts = new ArrayList<>(traceSpans.size());
    for (Span s : traceSpans) {
      facts.add(TraceSummary.SpanFacts.of(s));
    }
    return TraceSummary.of(projectId, traceId, facts);
  }

  @Override
  public TracePage findTraces(TraceQuery q) {
    return read(() -> {
      Map<String, TraceSummary> m = summaries.getOrDefault(q.projectId(), Map.of());
      List<TraceSummary> matching = m.values().stream()
          .filter(t -> matches(q, t))
          .sorted(Comparator.comparingLong(TraceSummary::startEpochNanos).reversed()
              .thenComparing(TraceSummary::traceId))
          .toList();
      int from = Math.min(q.offset(), matching.size());
      int to = Math.min(from + q.limit(), matching.size());
      return new TracePage(matching.subList(from, to), to < matching.size());
    });
  }

  private boolean matches(TraceQuery q, TraceSummary t) {
    if (q.fromEpochNanos() != null && t.startEpochNanos() < q.fromEpochNanos()) {
      return false;
    }
    if (q.toEpochNanos() != null && t.startEpochNanos() >= q.toEpochNanos()) {
      return false;
    }
    if (q.status() == TraceQuery.StatusFilter.ERROR && t.errorCount() == 0
        || q.status() == TraceQuery.StatusFilter.OK && t.errorCount() > 0) {
      return false;
    }
    if (q.minDurationNanos() != null && t.durationNanos() < q.minDurationNanos()) {
      return false;
    }
    if (q.model() == null && q.text() == null && q.attributeKey() == null) {
      return true;
    }
    Collection<Span> traceSpans = spans.get(q.projectId()).get(t.traceId()).values();
    if (q.model() != null && traceSpans.stream().noneMatch(s -> q.model().equals(s.llm().model())
        || q.model().equals(s.llm().requestModel()))) {
      return false;
    }
    if (q.text() != null && traceSpans.stream().noneMatch(s -> contains(s.llm().prompt(), q.text())
        || contains(s.llm().output(), q.text()))) {
      return false;
    }
    if (q.attributeKey() != null && traceSpans.stream().noneMatch(s -> {
      Object v = s.attributes().get(q.attributeKey());
      return v != null && q.attributeValue().equals(io.guardops.api.Attributes.asString(v));
    })) {
      return false;
    }
    return true;
  }

  private static boolean contains(String haystack, String needle) {
    return haystack != null && haystack.contains(needle);
  }

  @Override
  public Optional<TraceSummary> findTrace(String projectId, String traceId) {
    return read(() -> Optional.ofNullable(summaries.getOrDefault(projectId, Map.of()).get(traceId)));
  }

  @Override
  public List<Span> findSpans(String projectId, Collection<String> traceIds) {
    return read(() -> {
      Map<String, Map<String, Span>> byTrace = spans.getOrDefault(projectId, Map.of());
      List<Span> out = new ArrayList<>();
      for (String trace : new java.util.TreeSet<>(traceIds)) {
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
  public List<SpanStat> spanStats(String projectId, long fromEpochNanos, long toEpochNanos, int limit) {
    return read(() -> spans.getOrDefault(projectId, Map.of()).values().stream()
        .flatMap(m -> m.values().stream())
        .filter(s -> s.startEpochNanos() >= fromEpochNanos && s.startEpochNanos() < toEpochNanos)
        .filter(s -> s.llm().model() != null && !s.llm().usageIsAggregate())
        .sorted(Comparator.comparingLong(Span::startEpochNanos))
        .limit(limit)
        .map(InMemoryStore::stat)
        .toList());
  }

  static SpanStat stat(Span s) {
    LlmFields l = s.llm();
    return new SpanStat(s.startEpochNanos(), s.durationNanos(), l.model(), s.status() == StatusCode.ERROR,
        l.inputTokens() != null ? l.inputTokens() : 0, l.outputTokens() != null ? l.outputTokens() : 0, l.cost());
  }

  @Override
  public PurgeResult purgeTraces(String projectId, long cutoffEpochNanos, int maxTraces) {
    if (maxTraces < 1) {
      throw new IllegalArgumentException("maxTraces must be at least 1");
    }
    return write(() -> {
      Map<String, TraceSummary> m = summaries.get(projectId);
      if (m == null) {
        return PurgeResult.NOTHING;
      }
      List<String> old = m.values().stream()
          .filter(t -> t.startEpochNanos() < cutoffEpochNanos)
          .sorted(Comparator.comparingLong(TraceSummary::startEpochNanos))
          .map(TraceSummary::traceId)
          .toList();
      long deletedSpans = 0;
      int n = Math.min(maxTraces, old.size());
      for (int i = 0; i < n; i++) {
        String trace = old.get(i);
        m.remove(trace);
        Map<String, Span> gone = spans.get(projectId).remove(trace);
        deletedSpans += gone == null ? 0 : gone.size();
      }
      return new PurgeResult(n, deletedSpans, n == old.size());
    });
  }

  // ---------------------------------------------------------------- retention bookkeeping

  @Override
  public void addCleanupRecord(CleanupRecord record) {
    write(() -> cleanups.add(record));
  }

  @Override
  public List<CleanupRecord> listCleanupRecords(String projectId, int limit) {
    return read(() -> cleanups.stream()
        .filter(r -> projectId == null || r.projectId().equals(projectId))
        .sorted(Comparator.comparing(CleanupRecord::executedAt).reversed())
        .limit(limit)
        .toList());
  }

  @Override
  public boolean tryAcquireLease(String name, String holder, Instant now, Duration ttl) {
    return write(() -> {
      Lease l = leases.get(name);
      if (l == null || l.holder().equals(holder) || !l.until().isAfter(now)) {
        leases.put(name, new Lease(holder, now.plus(ttl)));
        return true;
      }
      return false;
    });
  }

  @Override
  public void releaseLease(String name, String holder) {
    write(() -> leases.computeIfPresent(name, (n, l) -> l.holder().equals(holder) ? null : l));
  }

  /** For diagnostics in tests: span count of one project. */
  int spanCount(String projectId) {
    return read(() -> spans.getOrDefault(projectId, Map.of()).values().stream().mapToInt(Map::size).sum());
  }
}
