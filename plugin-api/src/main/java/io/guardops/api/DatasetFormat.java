package io.guardops.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Reads and writes dataset items in one file format. Thread-safe (stateless). */
public interface DatasetFormat {
  /** The file extension without a dot, such as {@code csv}; never {@code null}. */
  String fileExtension();

  /**
   * Reads every item of a file. Does not close {@code in}.
   *
   * @param in the file's bytes; never {@code null}
   * @return the items in file order; never {@code null}, empty for an empty file
   * @throws IllegalArgumentException on malformed content, naming the line or record
   * @throws IOException when reading {@code in} fails
   */
  List<DatasetItem> read(InputStream in) throws IOException;

  /**
   * Writes items so that {@link #read} gives them back. Does not close {@code out}.
   *
   * @param items never {@code null}; may be empty
   * @param out never {@code null}
   * @throws IOException when writing {@code out} fails
   */
  void write(List<DatasetItem> items, OutputStream out) throws IOException;
}
