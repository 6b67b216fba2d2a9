package io.guardops.api.dataset;

import io.guardops.api.Attributes;
import io.guardops.api.Checks;
import java.util.List;
import java.util.Map;

/**
 * One example of a dataset: a snapshot, not a reference. {@code input} and {@code output} are copies
 * of what the source trace held when the item was taken (so retention purging the trace leaves the
 * item intact), {@code expected} the reference answer if known, {@code context} retrieved documents
 * or other grounding, {@code metadata} anything else.
 *
 * @param sourceTraceId the trace it was taken from (lowercase hex), which may no longer exist; or null
 * @param sourceSpanId the span it was taken from; or null
 */
public record DatasetItem(String itemId, String input, String output, String expected, List<String> context,
    Map<String, Object> metadata, String sourceTraceId, String sourceSpanId) {
  /** Largest text field: 1 MB of characters. */
  public static final int MAX_TEXT = 1 << 20;

  public DatasetItem {
    Checks.notBlank(itemId, "itemId");
    if (itemId.length() > 200) {
      throw new IllegalArgumentException("itemId must be at most 200 characters");
    }
    input = input == null ? "" : input;
    checkLength(input, "input");
    checkLength(output, "output");
    checkLength(expected, "expected");
    context = List.copyOf(context == null ? List.of() : context);
    metadata = Attributes.copyOf(metadata);
    if (sourceTraceId != null) {
      Checks.hexId(sourceTraceId, 32, "sourceTraceId");
    }
    if (sourceSpanId != null) {
      Checks.hexId(sourceSpanId, 16, "sourceSpanId");
    }
  }

  private static void checkLength(String s, String name) {
    if (s != null && s.length() > MAX_TEXT) {
      throw new IllegalArgumentException(name + " must be at most " + MAX_TEXT + " characters");
    }
  }

  /** This item under another id. */
  public DatasetItem withId(String id) {
    return new DatasetItem(id, input, output, expected, context, metadata, sourceTraceId, sourceSpanId);
  }
}
