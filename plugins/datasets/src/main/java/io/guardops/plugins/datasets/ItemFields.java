package io.guardops.plugins.datasets;

import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.ImportOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What both formats share: the column names they write, how a file's columns map to item fields
 * (the mapping, else the field's own name, case-insensitively), and building an item from mapped
 * values with a message for each way a record can be wrong.
 */
final class ItemFields {
  static final String ID = "id";
  static final String INPUT = "input";
  static final String OUTPUT = "output";
  static final String EXPECTED = "expected";
  static final String CONTEXT = "context";
  static final String METADATA = "metadata";
  /** Source ids are not mappable (ImportOptions has no field for them): read and written by these names. */
  static final String SOURCE_TRACE = "source_trace_id";
  static final String SOURCE_SPAN = "source_span_id";
  static final List<String> WRITTEN = List.of(ID, INPUT, OUTPUT, EXPECTED, CONTEXT, METADATA, SOURCE_TRACE,
      SOURCE_SPAN);

  private ItemFields() {}

  /** A record that cannot become an item; the message says why. */
  static final class BadRecord extends Exception {
    private static final long serialVersionUID = 1L;

    BadRecord(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Which of the file's {@code names} each item field reads from: field -> index. An explicitly
   * mapped column that is missing is an error; a default name matches exactly, else ignoring case.
   */
  static Map<String, Integer> resolve(List<String> names, ImportOptions options) throws BadRecord {
    Map<String, Integer> out = new LinkedHashMap<>();
    List<String> fields = new ArrayList<>(ImportOptions.FIELDS);
    fields.add(SOURCE_TRACE);
    fields.add(SOURCE_SPAN);
    for (String field : fields) {
      boolean mapped = options.columns().containsKey(field);
      String column = mapped ? options.columns().get(field) : field;
      int idx = names.indexOf(column);
      if (idx < 0 && !mapped) {
        for (int i = 0; i < names.size(); i++) {
          if (names.get(i).trim().toLowerCase(Locale.ROOT).equals(column)) {
            idx = i;
            break;
          }
        }
      }
      if (idx < 0 && mapped) {
        throw new BadRecord("the column '" + column + "' mapped to " + field + " is not in the file (its columns: "
            + names + ")");
      }
      if (idx >= 0) {
        out.put(field, idx);
      }
    }
    if (!out.containsKey(INPUT)) {
      throw new BadRecord("no '" + options.column(INPUT) + "' column for the items' input (the file's columns: "
          + names + "); name one with the column mapping");
    }
    return out;
  }

  /** A fresh item id for a record without one. */
  static String freshId() {
    return UUID.randomUUID().toString();
  }

  static DatasetItem item(String id, String input, String output, String expected, List<String> context,
      Map<String, Object> metadata, String sourceTrace, String sourceSpan) throws BadRecord {
    try {
      return new DatasetItem(id == null || id.isBlank() ? freshId() : id, input, output, expected, context, metadata,
          blankToNull(sourceTrace), blankToNull(sourceSpan));
    } catch (IllegalArgumentException e) {
      throw new BadRecord(e.getMessage());
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
