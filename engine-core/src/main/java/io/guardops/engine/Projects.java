package io.guardops.engine;

import io.guardops.api.Grant;
import io.guardops.api.Project;
import io.guardops.api.ShareCode;
import io.guardops.api.SharedKind;
import io.guardops.api.auth.Caller;
import io.guardops.api.store.PurgeResult;
import io.guardops.api.store.Store;
import io.guardops.engine.internal.IdGenerator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Projects, always as the caller may see them: their own and those shared with them. Only owners
 * change, delete and share a project ({@link Access}). Thread-safe. Obtain from
 * {@link Engine#projects()}.
 */
@Singleton
public final class Projects {
  /** Traces deleted per store call while a project is deleted with its traces. */
  static final int CASCADE_BATCH = 1000;

  private final Store store;
  private final Access access;
  private final Sharing sharing;
  private final Clock clock;
  private final IdGenerator ids;

  /** A project the caller may see, its trace count and whether they own it. */
  public record ProjectView(Project project, long traceCount, Access.Relation relation) {}

  /** What a new project has; {@code null} fields take defaults. */
  public record Draft(String name, String description, List<String> tags, Integer retentionDays,
      Double latencyWarningSeconds, Double latencyCriticalSeconds) {}

  /** Fields to change; {@code null} keeps a field. */
  public record Patch(String name, String description, List<String> tags, Integer retentionDays,
      Double latencyWarningSeconds, Double latencyCriticalSeconds) {}

  /** Who a project is shared with, and its share codes (hashes never leave the engine). */
  public record Members(Project project, List<Grant> members, List<ShareCode> codes) {}

  @Inject
  Projects(Store store, Access access, Sharing sharing, Clock clock, IdGenerator ids) {
    this.store = store;
    this.access = access;
    this.sharing = sharing;
    this.clock = clock;
    this.ids = ids;
  }

  /**
   * The caller's projects, then those shared with them, each by (creation time, id), with trace
   * counts (one store query for all counts).
   */
  public List<ProjectView> list(Caller caller) {
    String user = access.userOf(caller);
    List<Project> owned = store.projects().listOwnedBy(user);
    Set<String> sharedIds = new LinkedHashSet<>();
    for (Grant g : sharing.grantsTo(user, SharedKind.PROJECT)) {
      sharedIds.add(g.resourceId());
    }
    List<Project> shared = sharedIds.isEmpty() ? List.of() : store.projects().findAll(sharedIds);
    List<String> allIds = new ArrayList<>();
    owned.forEach(p -> allIds.add(p.projectId()));
    shared.forEach(p -> allIds.add(p.projectId()));
    Map<String, Long> counts = store.spans().countTraces(allIds);
    List<ProjectView> out = new ArrayList<>(allIds.size());
    for (Project p : owned) {
      out.add(new ProjectView(p, counts.getOrDefault(p.projectId(), 0L), Access.Relation.OWNER));
    }
    for (Project p : shared) {
      if (!p.ownerId().equals(user)) {
        out.add(new ProjectView(p, counts.getOrDefault(p.projectId(), 0L), Access.Relation.MEMBER));
      }
    }
    return out;
  }

  /** One project the caller may see. */
  public Access.ProjectAccess get(Caller caller, String projectId) {
    return access.readable(caller, projectId);
  }

  /**
   * Creates a project owned by the caller.
   *
   * @throws EngineException BAD_REQUEST when a field is invalid (blank name, retention out of range)
   */
  public Project create(Caller caller, Draft draft) {
    String user = access.userOf(caller);
    Project project = valid(() -> {
      Project.Builder b = Project.builder().projectId(ids.newId()).ownerId(user)
          .name(draft.name() == null ? null : draft.name().trim()).description(draft.description())
          .tags(draft.tags()).retentionDays(draft.retentionDays() == null ? 0 : draft.retentionDays())
          .createdAt(clock.instant());
      if (draft.latencyWarningSeconds() != null) {
        b.latencyWarningSeconds(draft.latencyWarningSeconds());
      }
      if (draft.latencyCriticalSeconds() != null) {
        b.latencyCriticalSeconds(draft.latencyCriticalSeconds());
      }
      return b.build();
    });
    store.projects().create(project);
    return project;
  }

  /**
   * Changes the given fields of one of the caller's projects.
   *
   * @throws EngineException NOT_FOUND if the caller cannot see it, FORBIDDEN for a member, BAD_REQUEST
   *     for invalid values
   */
  public Project update(Caller caller, String projectId, Patch patch) {
    Project current = access.owned(caller, projectId);
    Project updated = valid(() -> {
      Project.Builder b = current.toBuilder();
      if (patch.name() != null) {
        b.name(patch.name().trim());
      }
      if (patch.description() != null) {
        b.description(patch.description());
      }
      if (patch.tags() != null) {
        b.tags(patch.tags());
      }
      if (patch.retentionDays() != null) {
        b.retentionDays(patch.retentionDays());
      }
      if (patch.latencyWarningSeconds() != null) {
        b.latencyWarningSeconds(patch.latencyWarningSeconds());
      }
      if (patch.latencyCriticalSeconds() != null) {
        b.latencyCriticalSeconds(patch.latencyCriticalSeconds());
      }
      return b.build();
    });
    if (!store.projects().update(updated)) {
      throw EngineException.notFound("project '" + projectId + "' not found");
    }
    return updated;
  }

  /**
   * Deletes one of the caller's projects with its grants and share codes; {@code cascade} also
   * deletes its traces and spans, first, in batches (a failure half way leaves the project with fewer
   * traces and the same call finishes the job). Without it the traces stay stored, unlisted, as the
   * original backend kept them.
   *
   * @return traces deleted
   * @throws EngineException NOT_FOUND if the caller cannot see it, FORBIDDEN for a member
   */
  public long delete(Caller caller, String projectId, boolean cascade) {
    Project p = access.owned(caller, projectId);
    long deleted = cascade ? purgeAll(p.projectId()) : 0;
    sharing.removeAll(SharedKind.PROJECT, p.projectId());
    store.projects().delete(p.projectId());
    access.forget(p.projectId());
    if (cascade) {
      // spans that were being written while we purged: the project is gone now, so none can follow
      deleted += purgeAll(p.projectId());
    }
    return deleted;
  }

  private long purgeAll(String projectId) {
    long traces = 0;
    while (true) {
      PurgeResult r = store.spans().purgeTraces(projectId, Long.MAX_VALUE, CASCADE_BATCH);
      traces += r.deletedTraces();
      if (r.complete() || r.deletedTraces() == 0) {
        Scores.purge(store, projectId, Long.MAX_VALUE, CASCADE_BATCH);
        return traces;
      }
    }
  }

  // ---------------------------------------------------------------- sharing

  /**
   * A new share code for one of the caller's projects, shown once.
   *
   * @throws EngineException NOT_FOUND if the caller cannot see it, FORBIDDEN for a member
   */
  public Sharing.IssuedCode share(Caller caller, String projectId) {
    Project p = access.owned(caller, projectId);
    return sharing.issue(SharedKind.PROJECT, p.projectId(), p.ownerId());
  }

  /**
   * Redeems a project share code: the project then shows in the caller's list.
   *
   * @throws EngineException see {@link Sharing#redeem}
   */
  public Project importShared(Caller caller, String code) {
    String user = access.userOf(caller);
    String projectId = sharing.redeem(SharedKind.PROJECT, code, user,
        id -> store.projects().find(id).map(p -> p.ownerId().equals(user)).orElse(false));
    return store.projects().find(projectId)
        .orElseThrow(() -> EngineException.notFound("the shared project no longer exists"));
  }

  /** The members and share codes of one of the caller's projects. */
  public Members members(Caller caller, String projectId) {
    Project p = access.owned(caller, projectId);
    return new Members(p, sharing.grants(SharedKind.PROJECT, p.projectId()), sharing.codes(SharedKind.PROJECT,
        p.projectId()));
  }

  /** Ends a member's access to one of the caller's projects. */
  public void removeMember(Caller caller, String projectId, String memberId) {
    Project p = access.owned(caller, projectId);
    sharing.removeGrant(SharedKind.PROJECT, p.projectId(), memberId);
    access.forget(p.projectId());
  }

  /** Revokes an unused share code of one of the caller's projects. */
  public void revokeCode(Caller caller, String projectId, String codeId) {
    Project p = access.owned(caller, projectId);
    sharing.revokeCode(SharedKind.PROJECT, p.projectId(), codeId);
  }

  /** A member leaves a project shared with them. */
  public void leave(Caller caller, String projectId) {
    Access.ProjectAccess a = access.readable(caller, projectId);
    if (a.owner()) {
      throw EngineException.badRequest("you own this project: delete it instead of leaving it");
    }
    sharing.removeGrant(SharedKind.PROJECT, a.project().projectId(), caller.userId());
    access.forget(a.project().projectId());
  }

  /** The user's default project, if it still exists. */
  public Optional<Project> defaultProject(String userId) {
    return store.projects().find(Users.defaultProjectId(userId)).filter(p -> p.ownerId().equals(userId));
  }

  private static Project valid(Supplier<Project> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw EngineException.badRequest(e.getMessage());
    }
  }
}
