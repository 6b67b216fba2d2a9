package io.guardops.tck;

import io.guardops.api.store.Store;
import java.util.Optional;

/**
 * What a store's contract tests run against: a backend (a file, a server, a shared in-memory
 * structure) over which any number of {@link Store} instances can be opened, as several host
 * instances would. The suites open one per test (two in {@link MultiInstanceContract}) and clear the
 * backend before each test, so a server-backed store can reuse one server for the whole run.
 */
public interface StoreBackend extends AutoCloseable {
  /** Opens another store instance over this backend. The suite closes it. */
  Store open() throws Exception;

  /** Removes every record, so the next test starts empty. Called with no store open. */
  void clear() throws Exception;

  /**
   * Why the backend cannot be used here, if it cannot (no server reachable): the suite is then
   * skipped with this message, which should name the setting that points the tests at a server.
   */
  default Optional<String> unavailable() {
    return Optional.empty();
  }

  /** Whether a store reopened over this backend sees what an earlier instance wrote. */
  default boolean persistent() {
    return true;
  }

  /** Releases the backend (stops a test server, deletes nothing the suite needs). */
  @Override
  default void close() throws Exception {}
}
