package io.guardops.plugins.store.sqlite;

import io.guardops.api.Json;
import io.guardops.api.Project;
import io.guardops.api.store.ProjectStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Projects. Lists come in (creation time, id) order from {@code projects_owner_created} and the
 * partial {@code projects_retention_created}; {@link #findAll} looks ids up by primary key and sorts
 * the few it finds.
 */
final class SqliteProjectStore implements ProjectStore {
  private static final String COLUMNS = "project_id, owner_id, name, description, tags, retention_days,"
      + " latency_warning, latency_critical, created_at";
  static final String LIST_OWNED = "SELECT " + COLUMNS + " FROM projects WHERE owner_id = ?"
      + " ORDER BY created_at, project_id";
  static final String LIST_WITH_RETENTION = "SELECT " + COLUMNS + " FROM projects WHERE retention_days > 0"
      + " ORDER BY created_at, project_id";
  private static final Comparator<Project> LIST_ORDER =
      Comparator.comparing(Project::createdAt).thenComparing(Project::projectId);

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteProjectStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public void create(Project p) {
    Objects.requireNonNull(p, "project");
    writer.call(c -> {
      if (Sql.exists(c, "SELECT 1 FROM projects WHERE project_id = ?", p.projectId())) {
        throw new IllegalArgumentException("a project with id " + p.projectId() + " already exists");
      }
      return Sql.update(c, "INSERT INTO projects (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", p.projectId(),
          p.ownerId(), p.name(), p.description(), Json.write(p.tags()), p.retentionDays(), p.latencyWarningSeconds(),
          p.latencyCriticalSeconds(), Sql.nanos(p.createdAt()));
    });
  }

  @Override
  public Optional<Project> find(String projectId) {
    Objects.requireNonNull(projectId, "projectId");
    return reads.read(c -> Sql.first(c, "SELECT " + COLUMNS + " FROM projects WHERE project_id = ?",
        SqliteProjectStore::read, projectId));
  }

  @Override
  public List<Project> findAll(Collection<String> projectIds) {
    Objects.requireNonNull(projectIds, "projectIds");
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(projectIds));
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Project> out = reads.read(c -> Sql.queryIn(c,
        n -> "SELECT " + COLUMNS + " FROM projects WHERE project_id IN (" + Sql.placeholders(n) + ")", ids, SqliteProjectStore::read));
    out.sort(LIST_ORDER);
    return out;
  }

  @Override
  public List<Project> listOwnedBy(String ownerId) {
    Objects.requireNonNull(ownerId, "ownerId");
    return reads.read(c -> Sql.query(c, LIST_OWNED, SqliteProjectStore::read, ownerId));
  }

  @Override
  public List<Project> listWithRetention() {
    return reads.read(c -> Sql.query(c, LIST_WITH_RETENTION, SqliteProjectStore::read));
  }

  @Override
  public boolean update(Project p) {
    Objects.requireNonNull(p, "project");
    return writer.call(c -> Sql.update(c, "UPDATE projects SET name = ?, description = ?, tags = ?,"
        + " retention_days = ?, latency_warning = ?, latency_critical = ? WHERE project_id = ?", p.name(),
        p.description(), Json.write(p.tags()), p.retentionDays(), p.latencyWarningSeconds(),
        p.latencyCriticalSeconds(), p.projectId()) == 1);
  }

  @Override
  public boolean delete(String projectId) {
    Objects.requireNonNull(projectId, "projectId");
    return writer.call(c -> Sql.update(c, "DELETE FROM projects WHERE project_id = ?", projectId) == 1);
  }

  @SuppressWarnings("unchecked")
  private static Project read(ResultSet rs) throws SQLException {
    return Project.builder().projectId(rs.getString(1)).ownerId(rs.getString(2)).name(rs.getString(3))
        .description(rs.getString(4)).tags((List<String>) (List<?>) Json.read(rs.getString(5)))
        .retentionDays(rs.getInt(6)).latencyWarningSeconds(rs.getDouble(7)).latencyCriticalSeconds(rs.getDouble(8))
        .createdAt(Sql.instant(rs.getLong(9))).build();
  }
}
