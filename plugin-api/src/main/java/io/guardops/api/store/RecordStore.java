package io.guardops.api.store;

import io.guardops.api.StoredRecord;
import java.util.List;
import java.util.Optional;

/**
 * Small documents of features that need no table of their own ({@link StoredRecord}): created,
 * found by id or by owner and key, listed per owner, replaced by compare-and-set on the version (safe
 * across instances), deleted. See {@link Store} for the rules every part follows.
 */
public interface RecordStore {
  /**
   * Adds a record.
   *
   * @return {@code false} if one of that kind and id exists (then nothing changes)
   */
  boolean create(StoredRecord record);

  Optional<StoredRecord> find(String kind, String id);

  /** An owner's records of a kind with ids greater than {@code afterId} (null: from the first), by id. */
  List<StoredRecord> list(String kind, String ownerId, String afterId, int limit);

  /** An owner's records of a kind with this key, by id. */
  List<StoredRecord> findByKey(String kind, String ownerId, String key);

  /**
   * Replaces a record with {@code record} (its next version) if the stored version is
   * {@code record.version() - 1}: atomic across store instances.
   *
   * @return {@code false} if it is gone or was replaced in between (read it again and retry)
   */
  boolean replace(StoredRecord record);

  /**
   * Deletes a record.
   *
   * @return {@code false} if there was none
   */
  boolean delete(String kind, String id);
}
