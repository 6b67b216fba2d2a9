package io.guardops.api.store;

import java.util.Optional;

/**
 * Small durable key/values that the engine keeps about the deployment, such as the auth mode the
 * data was created in. Keys are at most 200 characters, values at most 10,000.
 */
public interface MetaStore {
  /** The value of {@code key}. */
  Optional<String> get(String key);

  /**
   * Sets {@code key} to {@code value} unless it is set.
   *
   * @return the value now stored: {@code value} if this call set it, else the earlier one;
   *     atomic across store instances (one writer wins, every caller sees its value)
   */
  String putIfAbsent(String key, String value);

  /** Sets {@code key} to {@code value}, replacing any earlier value. */
  void put(String key, String value);
}
