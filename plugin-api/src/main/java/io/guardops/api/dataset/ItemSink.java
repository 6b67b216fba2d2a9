package io.guardops.api.dataset;

/**
 * Receives what a {@link DatasetFormat} reads, record by record, so a file of any size streams
 * through without being held in memory. Line numbers are 1-based physical lines of the file (for
 * CSV, the line a record starts on).
 */
public interface ItemSink {
  /** A good record. Its id is the file's ({@code id} column or field), or a fresh one. */
  void item(long line, DatasetItem item);

  /** A record that could not be read, and why; reading goes on with the next record. */
  void error(long line, String reason);
}
