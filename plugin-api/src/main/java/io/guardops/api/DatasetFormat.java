package io.guardops.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Reads and writes dataset items in one file format. Thread-safe (stateless). */
public interface DatasetFormat {
  /** The file extension without a dot, such as {@code csv}. */
  String fileExtension();

  /**
   * Reads items. Does not close {@code in}.
   *
   * @throws IllegalArgumentException on malformed content, naming the line or record
   */
  List<DatasetItem> read(InputStream in) throws IOException;

  /** Writes items. Does not close {@code out}. */
  void write(List<DatasetItem> items, OutputStream out) throws IOException;
}
