package io.guardops.api.dataset;

import io.guardops.api.Checks;
import java.time.Instant;
import java.util.Objects;

/**
 * A named, versioned collection of item snapshots, owned by a user and shareable like a project.
 * Every change to its items makes a new version; {@code version} is the current one (0: no items
 * yet) and {@code itemCount} the number of items in it.
 */
public record Dataset(String datasetId, String ownerId, String name, String description, long version,
    long itemCount, Instant createdAt, Instant updatedAt) {
  public Dataset {
    Checks.notBlank(datasetId, "datasetId");
    Checks.notBlank(ownerId, "ownerId");
    Checks.notBlank(name, "name");
    if (name.length() > 200) {
      throw new IllegalArgumentException("name must be at most 200 characters");
    }
    description = description == null ? "" : description;
    if (description.length() > 10_000) {
      throw new IllegalArgumentException("description must be at most 10000 characters");
    }
    Checks.notNegative(version, "version");
    Checks.notNegative(itemCount, "itemCount");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** This dataset renamed and redescribed. */
  public Dataset withText(String newName, String newDescription, Instant at) {
    return new Dataset(datasetId, ownerId, newName, newDescription, version, itemCount, createdAt, at);
  }
}
