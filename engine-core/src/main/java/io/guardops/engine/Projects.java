package io.guardops.engine;

import io.guardops.api.Project;
import io.guardops.api.Store;
import io.guardops.engine.internal.IdGenerator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Projects, always scoped to the acting user: a user only ever sees and changes projects they
 * own; another user's project id is answered exactly like an unknown id. Thread-safe. Obtain from
 * {@link Engine#projects()}.
 */
@Singleton
public final class Projects {
  private final Store store;
  private final Clock clock;
  private final IdGenerator ids;

  /** A project with its statistics. */
  public record ProjectWithStats(Project project, long traceCount) {}

  @Inject
  Projects(Store store, Clock clock, IdGenerator ids) {
    this.store = store;
    this.clock = clock;
    this.ids = ids;
  }

  /** The user's projects, oldest first, with trace counts (one store query for all counts). */
  public List<ProjectWithStats> list(String userId) {
    List<Project> projects = store.listProjects(userId);
    Map<String, Long> counts = store.countTraces(projects.stream().map(Project::projectId).toList());
    List<ProjectWithStats> out = new ArrayList<>(projects.size());
    for (Project p : projects) {
      out.add(new ProjectWithStats(p, counts.getOrDefault(p.projectId(), 0L)));
    }
    return out;
  }

  /**
   * Creates a project owned by {@code userId}.
   *
   * @throws EngineException BAD_REQUEST when a field is invalid (blank name, retention out of range)
   */
  public Project create(String userId, String name, String description, List<String> tags, int retentionDays) {
    Project project = valid(() -> Project.builder()
        .projectId(ids.newId()).ownerId(userId).name(name == null ? null : name.trim())
        .description(description).tags(tags).retentionDays(retentionDays).createdAt(clock.instant()).build());
    store.createProject(project);
    return project;
  }

  /**
   * Changes the given fields of one of the user's projects; {@code null} keeps a field.
   *
   * @throws EngineException NOT_FOUND if the user has no such project, BAD_REQUEST for invalid values
   */
  public Project update(String userId, String projectId, String name, String description, List<String> tags,
      Integer retentionDays, Double latencyWarningSeconds, Double latencyCriticalSeconds) {
    Project current = requireOwned(userId, projectId);
    Project updated = valid(() -> {
      Project.Builder b = current.toBuilder();
      if (name != null) {
        b.name(name.trim());
      }
      if (description != null) {
        b.description(description);
      }
      if (tags != null) {
        b.tags(tags);
      }
      if (retentionDays != null) {
        b.retentionDays(retentionDays);
      }
      if (latencyWarningSeconds != null) {
        b.latencyWarningSeconds(latencyWarningSeconds);
      }
      if (latencyCriticalSeconds != null) {
        b.latencyCriticalSeconds(latencyCriticalSeconds);
      }
      return b.build();
    });
    if (!store.updateProject(updated)) {
      throw EngineException.notFound("project '" + projectId + "' not found");
    }
    return updated;
  }

  /**
   * Deletes one of the user's projects; {@code cascade} also deletes its traces and spans.
   * Without it the traces stay stored, unlisted, as the original backend kept them.
   *
   * @throws EngineException NOT_FOUND if the user has no such project
   */
  public void delete(String userId, String projectId, boolean cascade) {
    requireOwned(userId, projectId);
    if (!store.deleteProject(projectId, cascade)) {
      throw EngineException.notFound("project '" + projectId + "' not found");
    }
  }

  /**
   * The project if {@code userId} owns it.
   *
   * @throws EngineException NOT_FOUND otherwise (also for another user's project: ids are not confirmed to
   *     outsiders)
   */
  public Project requireOwned(String userId, String projectId) {
    if (projectId == null || projectId.isBlank()) {
      throw EngineException.badRequest("project_id is required");
    }
    Optional<Project> p = store.findProject(projectId);
    if (p.isEmpty() || !p.get().ownerId().equals(userId)) {
      throw EngineException.notFound("project '" + projectId + "' not found for user '" + userId + "'");
    }
    return p.get();
  }

  /** The user's default project, if it still exists. */
  public Optional<Project> defaultProject(String userId) {
    return store.findProject(Users.defaultProjectId(userId)).filter(p -> p.ownerId().equals(userId));
  }

  private static Project valid(java.util.function.Supplier<Project> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw EngineException.badRequest(e.getMessage());
    }
  }
}
