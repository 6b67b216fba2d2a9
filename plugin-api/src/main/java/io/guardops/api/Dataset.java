package io.guardops.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A named collection of item snapshots. Items are copies, not references: retention that deletes
 * the source trace does not empty the dataset.
 */
public record Dataset(String datasetId, String ownerId, String name, String description, Instant createdAt,
    List<DatasetItem> items) {
  public Dataset {
    Checks.notBlank(datasetId, "datasetId");
    Checks.notBlank(ownerId, "ownerId");
    Checks.notBlank(name, "name");
    description = description == null ? "" : description;
    Objects.requireNonNull(createdAt, "createdAt");
    items = List.copyOf(items == null ? List.of() : items);
  }
}
