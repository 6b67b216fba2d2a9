package io.guardops.engine.pii;

import java.util.Objects;

/**
 * One finding: its type and where it is, as {@code [start, end)} offsets in UTF-16 code units (Java's
 * string indices). Internal: not API.
 */
public record PiiEntity(PiiType type, int start, int end) {
  public PiiEntity {
    Objects.requireNonNull(type, "type");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("an entity spans [start, end) with 0 <= start < end");
    }
  }

  /** The text it covers. */
  public String in(String text) {
    return text.substring(start, end);
  }
}
