package io.guardops.api.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;

/**
 * Reads and writes dataset items in one file format, streaming both ways: a 1 GB file never sits in
 * memory. Thread-safe (stateless).
 */
public interface DatasetFormat {
  /** The format's name, as imports and exports select it: {@code csv}, {@code jsonl}. */
  String name();

  /** The file extension without a dot, such as {@code csv}. */
  String fileExtension();

  /** The media type of the format, such as {@code text/csv}. */
  String mediaType();

  /**
   * Reads a file record by record into {@code sink}: each good record as an item, each bad one as an
   * error with its line and reason; stops after {@link ImportOptions#maxErrors()} errors. Does not
   * close {@code in}. UTF-8, with or without a byte-order mark.
   *
   * @throws IOException when reading {@code in} itself fails
   */
  void read(InputStream in, ImportOptions options, ItemSink sink) throws IOException;

  /**
   * Writes items so that {@link #read} with default options gives them back. Does not close
   * {@code out}.
   */
  void write(Iterator<DatasetItem> items, OutputStream out) throws IOException;
}
