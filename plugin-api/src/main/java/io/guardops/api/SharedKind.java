package io.guardops.api;

import java.util.Locale;

/** What can be shared with other users through a share code: projects and datasets. */
public enum SharedKind {
  PROJECT, DATASET;

  /** Lowercase name, as stored and shown ({@code project}, {@code dataset}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind for {@link #id()}. */
  public static SharedKind fromId(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
