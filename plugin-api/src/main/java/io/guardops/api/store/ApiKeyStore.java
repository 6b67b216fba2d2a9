package io.guardops.api.store;

import io.guardops.api.ApiKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** API keys, stored as hashes only. See {@link Store} for the rules every part follows. */
public interface ApiKeyStore {
  /**
   * Stores a key (only its hash).
   *
   * @throws IllegalArgumentException if the key id or hash already exists
   */
  void create(ApiKey key);

  /** The key whose {@link ApiKey#hashOfHash()} equals {@code hashOfHash}. */
  Optional<ApiKey> findByHash(String hashOfHash);

  /** The keys {@code ownerId} owns, ordered by (creation time, key id). */
  List<ApiKey> listOwnedBy(String ownerId);

  /**
   * Deletes one of {@code ownerId}'s keys.
   *
   * @return {@code false} if that owner has no such key (another owner's key is never deleted)
   */
  boolean delete(String ownerId, String keyId);

  /** Records that a key was used; a missing key is ignored. Best effort, may be coalesced. */
  void touch(String keyId, Instant when);
}
