package io.guardops.api;

import java.util.Map;

/**
 * A snapshot of one example: the input and output as they were, the expected answer if known,
 * free-form metadata and, when it came from a trace, that trace's id (which may no longer exist).
 */
public record DatasetItem(String itemId, String input, String output, String expected,
    Map<String, Object> metadata, String sourceTraceId) {
  public DatasetItem {
    Checks.notBlank(itemId, "itemId");
    input = input == null ? "" : input;
    metadata = Attributes.copyOf(metadata);
  }
}
