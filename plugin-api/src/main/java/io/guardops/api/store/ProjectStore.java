package io.guardops.api.store;

import io.guardops.api.Project;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Projects. Deleting a project does not delete its traces: the engine purges them through
 * {@link SpanStore#purgeTraces} first when the owner asks for a cascade. See {@link Store} for the
 * rules every part follows.
 */
public interface ProjectStore {
  /**
   * Adds a project.
   *
   * @throws IllegalArgumentException if a project with that id exists
   */
  void create(Project project);

  /** The project with this id, whoever owns it. */
  Optional<Project> find(String projectId);

  /** The projects with these ids that exist, ordered by (creation time, id). */
  List<Project> findAll(Collection<String> projectIds);

  /** The projects {@code ownerId} owns, ordered by (creation time, id). */
  List<Project> listOwnedBy(String ownerId);

  /** Every project with {@code retentionDays > 0}, for the retention sweep, ordered by (creation time, id). */
  List<Project> listWithRetention();

  /**
   * Replaces a project's mutable fields (name, description, tags, retention, thresholds); the id,
   * owner and creation time stay.
   *
   * @return {@code false} if no such project exists
   */
  boolean update(Project project);

  /**
   * Deletes the project record (not its traces, grants or share codes).
   *
   * @return {@code false} if no such project existed
   */
  boolean delete(String projectId);
}
