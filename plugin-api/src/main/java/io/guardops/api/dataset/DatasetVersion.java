package io.guardops.api.dataset;

import java.time.Instant;
import java.util.Objects;

/** One published version of a dataset: when, how many items it holds, and what changed. */
public record DatasetVersion(long version, Instant publishedAt, long itemCount, String note) {
  public DatasetVersion {
    if (version < 1) {
      throw new IllegalArgumentException("published versions start at 1");
    }
    Objects.requireNonNull(publishedAt, "publishedAt");
    note = note == null ? "" : note;
  }
}
