package io.guardops.engine;

import io.guardops.api.Project;
import io.guardops.api.SharedKind;
import io.guardops.api.auth.Caller;
import io.guardops.api.dataset.Dataset;
import io.guardops.api.store.Store;
import io.guardops.engine.internal.Settings;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Who may see and change what, decided in one place. A project is visible to its owner and to the
 * users it was shared with (members); anything else is answered exactly like an id that does not
 * exist (404), so outsiders cannot probe ids. Members read a project and send traces to it; only the
 * owner changes, deletes or shares it (a member who tries gets 403). Thread-safe.
 *
 * <p>Ingestion asks {@link #mayWrite} per request; positive answers are cached briefly
 * ({@code guardops.access.cache-ttl}, default 5 s) so the library path (one span per request) does not
 * read two records per span. A deleted project or a revoked member loses write access on this
 * instance at once, on other instances within that time.
 */
@Singleton
public final class Access {
  /** How a user relates to a project they may see. */
  public enum Relation { OWNER, MEMBER }

  /** A project and how the caller relates to it. */
  public record ProjectAccess(Project project, Relation relation) {
    public boolean owner() {
      return relation == Relation.OWNER;
    }
  }

  /** A dataset and how the caller relates to it. */
  public record DatasetAccess(Dataset dataset, Relation relation) {
    public boolean owner() {
      return relation == Relation.OWNER;
    }
  }

  private static final int MAX_CACHED = 100_000;

  private final Store store;
  private final StoreParts parts;
  private final Clock clock;
  private final long cacheTtlMillis;
  /** "user\0project" -> until (epoch millis) for positive write decisions. */
  private final ConcurrentHashMap<String, Long> writable = new ConcurrentHashMap<>();

  @Inject
  Access(Store store, StoreParts parts, Clock clock, Settings settings) {
    this.store = store;
    this.parts = parts;
    this.clock = clock;
    this.cacheTtlMillis = settings.accessCacheTtl().toMillis();
  }

  /**
   * The user the caller acts for.
   *
   * @throws EngineException BAD_REQUEST when it acts for nobody (unprotected mode without
   *     {@code user_id}, a machine client that named no user)
   */
  public String userOf(Caller caller) {
    if (caller.userId() == null) {
      throw EngineException.badRequest("this call acts for a user: name one with the user_id parameter");
    }
    return caller.userId();
  }

  /**
   * The project if the caller owns it or it was shared with them.
   *
   * @throws EngineException NOT_FOUND otherwise (also for an id that exists: not confirmed to outsiders)
   */
  public ProjectAccess readable(Caller caller, String projectId) {
    String user = userOf(caller);
    Project p = find(projectId).orElseThrow(() -> notFound(projectId));
    if (p.ownerId().equals(user)) {
      return new ProjectAccess(p, Relation.OWNER);
    }
    if (store.sharing().findGrant(SharedKind.PROJECT, p.projectId(), user).isPresent()) {
      return new ProjectAccess(p, Relation.MEMBER);
    }
    throw notFound(projectId);
  }

  /**
   * The project if the caller owns it.
   *
   * @throws EngineException FORBIDDEN for a member, NOT_FOUND for anyone else
   */
  public Project owned(Caller caller, String projectId) {
    ProjectAccess a = readable(caller, projectId);
    if (!a.owner()) {
      throw EngineException.forbidden("project '" + projectId + "' was shared with you: only its owner may change,"
          + " delete or share it");
    }
    return a.project();
  }

  /**
   * The dataset if the caller owns it or it was shared with them.
   *
   * @throws EngineException NOT_FOUND otherwise (also for an id that exists: not confirmed to outsiders)
   */
  public DatasetAccess readableDataset(Caller caller, String datasetId) {
    String user = userOf(caller);
    if (datasetId == null || datasetId.isBlank()) {
      throw EngineException.badRequest("dataset_id is required");
    }
    String id = datasetId.trim();
    Dataset d = parts.datasets().find(id).orElseThrow(() -> datasetNotFound(id));
    if (d.ownerId().equals(user)) {
      return new DatasetAccess(d, Relation.OWNER);
    }
    if (store.sharing().findGrant(SharedKind.DATASET, d.datasetId(), user).isPresent()) {
      return new DatasetAccess(d, Relation.MEMBER);
    }
    throw datasetNotFound(id);
  }

  /**
   * The dataset if the caller owns it.
   *
   * @throws EngineException FORBIDDEN for a member, NOT_FOUND for anyone else
   */
  public Dataset ownedDataset(Caller caller, String datasetId) {
    DatasetAccess a = readableDataset(caller, datasetId);
    if (!a.owner()) {
      throw EngineException.forbidden("dataset '" + datasetId + "' was shared with you: only its owner may change,"
          + " delete or share it");
    }
    return a.dataset();
  }

  private static EngineException datasetNotFound(String datasetId) {
    return EngineException.notFound("dataset '" + datasetId + "' not found");
  }

  /** Whether {@code userId} may send traces to the project (owner or member). Cached briefly. */
  public boolean mayWrite(String userId, String projectId) {
    String key = userId + '\u0000' + projectId;
    long now = clock.millis();
    Long until = writable.get(key);
    if (until != null && until > now) {
      return true;
    }
    Optional<Project> p = store.projects().find(projectId);
    boolean ok = p.isPresent() && (p.get().ownerId().equals(userId)
        || store.sharing().findGrant(SharedKind.PROJECT, projectId, userId).isPresent());
    if (ok) {
      if (writable.size() > MAX_CACHED) {
        writable.clear();
      }
      writable.put(key, now + cacheTtlMillis);
    } else {
      writable.remove(key);
    }
    return ok;
  }

  /** Drops cached decisions about a project (deleted, or a member removed). */
  void forget(String projectId) {
    writable.keySet().removeIf(k -> k.endsWith('\u0000' + projectId));
  }

  private Optional<Project> find(String projectId) {
    if (projectId == null || projectId.isBlank()) {
      throw EngineException.badRequest("project_id is required");
    }
    return store.projects().find(projectId.trim());
  }

  private static EngineException notFound(String projectId) {
    return EngineException.notFound("project '" + projectId + "' not found");
  }
}
