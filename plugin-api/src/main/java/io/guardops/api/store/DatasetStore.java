package io.guardops.api.store;

import io.guardops.api.dataset.Dataset;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.DatasetVersion;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Datasets and their versioned items. A change is staged under the next version number, invisible
 * to readers of the current version, then published in one atomic step (or discarded when an import
 * fails half way: nothing half-imported is ever visible). The engine lets one change run per dataset
 * at a time (a lease); the store keeps versions consistent. Items are paged by item id, never loaded
 * whole. See {@link Store} for the rules every part follows.
 */
public interface DatasetStore {
  /**
   * Adds a dataset.
   *
   * @throws IllegalArgumentException if one with that id exists
   */
  void create(Dataset dataset);

  Optional<Dataset> find(String datasetId);

  /** Those of the ids that exist, by (creation time, id). */
  List<Dataset> findAll(Collection<String> datasetIds);

  /** A user's datasets, by (creation time, id). */
  List<Dataset> listOwnedBy(String ownerId);

  /**
   * Replaces a dataset's name, description and update time (not its version or items).
   *
   * @return {@code false} if there is no such dataset
   */
  boolean update(Dataset dataset);

  /**
   * Deletes a dataset with its items and versions. May be partly applied when it throws; calling
   * again finishes it.
   *
   * @return {@code false} if there was no such dataset
   */
  boolean delete(String datasetId);

  /**
   * Stages items for {@code version} (the current version + 1): each is part of that version and
   * later ones; an item whose id is current already is replaced from {@code version} on. Staging the
   * same item twice keeps the last.
   */
  void stageItems(String datasetId, long version, List<DatasetItem> items);

  /** Stages the removal of current items from {@code version} on; unknown ids are ignored. */
  void stageRemovals(String datasetId, long version, Collection<String> itemIds);

  /**
   * Makes {@code version} current if the current version is {@code version - 1}: atomically, across
   * store instances, with its item count and a note recorded.
   *
   * @return {@code false} if the dataset is gone or its current version is not {@code version - 1}
   */
  boolean publish(String datasetId, long version, String note, Instant at);

  /** Undoes everything staged for an unpublished {@code version}. */
  void discard(String datasetId, long version);

  /** Items of {@code version} with ids greater than {@code afterItemId} (null: from the first), by id. */
  List<DatasetItem> items(String datasetId, long version, String afterItemId, int limit);

  /** One item as it is in {@code version}. */
  Optional<DatasetItem> item(String datasetId, long version, String itemId);

  /** Items in {@code version}. */
  long countItems(String datasetId, long version);

  /** Published versions, oldest first. */
  List<DatasetVersion> versions(String datasetId);
}
