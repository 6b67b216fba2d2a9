package io.guardops.api.importer;

import io.guardops.api.store.Store;
import java.util.Map;

/**
 * Brings data from elsewhere (an original GuardOps MongoDB database) into the configured store, any
 * store. Run from the command line ({@code guardops import-<name> ...}). Must be idempotent: running
 * it twice changes nothing the second time.
 */
public interface DataImporter {
  /**
   * Imports into {@code target}.
   *
   * @param options the command line's options without their dashes ({@code from}, {@code database},
   *     ...); the importer documents them and refuses unknown or missing ones with an
   *     {@link IllegalArgumentException} naming the option
   * @param progress told what happens, as it happens
   * @return what was imported and skipped
   * @throws IllegalArgumentException for a missing, unknown or invalid option (the command exits 2)
   * @throws java.io.IOException when the source cannot be reached or read at all (exits 2)
   * @throws Exception when the import fails part way (exits 1; running it again continues, as it is
   *     idempotent); every message is one a user can act on
   */
  ImportReport run(Map<String, String> options, Store target, ImportProgress progress) throws Exception;
}
