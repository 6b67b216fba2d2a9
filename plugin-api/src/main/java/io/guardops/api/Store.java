package io.guardops.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything GuardOps persists: users, projects, API keys, spans and their trace summaries,
 * cleanup records and leases.
 *
 * <p><b>Threading:</b> implementations are thread-safe; reads may run alongside writes.
 * <b>Nulls:</b> parameters are non-null unless documented; methods never return {@code null}.
 * <b>Errors:</b> {@link IllegalArgumentException} for arguments that break a documented rule,
 * {@link StoreException} when the backend fails. A method that throws has changed nothing.
 * <b>Scoping:</b> the store does not authorise; the engine checks ownership before it asks for a
 * project's data, and every span query names its project.
 * <b>Evolution:</b> methods added after 0.1 get default implementations so older stores compile.
 */
public interface Store extends AutoCloseable {

  // ---------------------------------------------------------------- lifecycle

  /** Health as data (for example "sqlite 3.47 at data/guardops.db, 12 MB"); never throws. */
  Health check();

  /** Flushes and releases resources. Idempotent; later calls on the store may throw. */
  @Override
  void close();

  // ---------------------------------------------------------------- users

  /**
   * Adds a user.
   *
   * @return {@code true} if created, {@code false} if a user with that id already existed (then
   *     nothing changes)
   */
  boolean createUser(User user);

  /** The user with this id. */
  Optional<User> findUser(String userId);

  /** All user ids, in creation order. */
  List<String> listUserIds();

  // ---------------------------------------------------------------- projects

  /**
   * Adds a project.
   *
   * @throws IllegalArgumentException if a project with that id exists
   */
  void createProject(Project project);

  /** The project with this id, whoever owns it. */
  Optional<Project> findProject(String projectId);

  /** The projects {@code ownerId} owns, oldest first. */
  List<Project> listProjects(String ownerId);

  /** Every project with {@code retentionDays > 0}, for the retention sweep. */
  List<Project> listProjectsWithRetention();

  /**
   * Replaces a project's mutable fields (name, description, tags, retention, thresholds); the id,
   * owner and creation time stay.
   *
   * @return {@code false} if no such project exists
   */
  boolean updateProject(Project project);

  /**
   * Deletes a project; with {@code cascade} also all its spans and trace summaries, atomically.
   * Without it the traces stay stored but belong to no listed project.
   *
   * @return {@code false} if no such project existed
   */
  boolean deleteProject(String projectId, boolean cascade);

  /** Number of traces per project id; ids without traces map to 0. One query, not one per id. */
  Map<String, Long> countTraces(Collection<String> projectIds);

  // ---------------------------------------------------------------- API keys

  /**
   * Stores a key (only its hash).
   *
   * @throws IllegalArgumentException if the key id or hash already exists
   */
  void createApiKey(ApiKey key);

  /** The key whose {@link ApiKey#hashOfHash()} equals {@code hashOfHash}. */
  Optional<ApiKey> findApiKeyByHash(String hashOfHash);

  /** The keys {@code ownerId} owns, oldest first. */
  List<ApiKey> listApiKeys(String ownerId);

  /**
   * Deletes one of {@code ownerId}'s keys.
   *
   * @return {@code false} if that owner has no such key (another owner's key is never deleted)
   */
  boolean deleteApiKey(String ownerId, String keyId);

  /** Records that a key was used; a missing key is ignored. Best effort, may be coalesced. */
  void touchApiKey(String keyId, Instant when);

  // ---------------------------------------------------------------- spans and traces

  /**
   * Writes spans and brings their traces' summaries up to date, as one durable unit: when this
   * returns, every span survives a crash; when it throws, none was written. Idempotent: a span
   * that exists (same project, trace and span id) is replaced, never duplicated. Spans may arrive
   * in any order (children before their root). Concurrent callers may share one commit.
   *
   * @param spans any number, possibly of several projects and traces; an empty list is a no-op
   */
  void writeSpans(List<Span> spans);

  /** One page of a project's traces matching {@code query}, newest (by start) first. */
  TracePage findTraces(TraceQuery query);

  /** One trace's summary. */
  Optional<TraceSummary> findTrace(String projectId, String traceId);

  /**
   * All spans of the given traces of one project, ordered by trace then start time. Unknown trace
   * ids are skipped.
   */
  List<Span> findSpans(String projectId, Collection<String> traceIds);

  /**
   * The metrics view of the project's model calls that started in {@code [fromEpochNanos,
   * toEpochNanos)}: spans that carry a model and are not wrappers repeating their children's usage
   * ({@link LlmFields#usageIsAggregate()}), so an agent span is not counted as one more request.
   * Ordered by start. Served from an index on (project, start).
   *
   * @param limit at most this many rows (the engine asks for a bounded window)
   */
  List<SpanStat> spanStats(String projectId, long fromEpochNanos, long toEpochNanos, int limit);

  /**
   * Deletes up to {@code maxTraces} whole traces of the project whose summary start is before
   * {@code cutoffEpochNanos}, each with all its spans, each trace atomically (a crash never leaves
   * half a trace). Safe to call again: it continues where it stopped.
   */
  PurgeResult purgeTraces(String projectId, long cutoffEpochNanos, int maxTraces);

  // ---------------------------------------------------------------- retention bookkeeping

  /** Stores a cleanup record. */
  void addCleanupRecord(CleanupRecord record);

  /** The project's cleanup records, newest first; {@code projectId == null} lists all projects'. */
  List<CleanupRecord> listCleanupRecords(String projectId, int limit);

  /**
   * Takes or renews the lease {@code name} for {@code holder} until {@code now + ttl}, if it is
   * free, expired or already held by {@code holder}. Atomic across every engine that shares the
   * store: at most one holder wins.
   *
   * @return whether {@code holder} now holds the lease
   */
  boolean tryAcquireLease(String name, String holder, Instant now, Duration ttl);

  /** Releases the lease if {@code holder} holds it; otherwise nothing happens. */
  void releaseLease(String name, String holder);
}
