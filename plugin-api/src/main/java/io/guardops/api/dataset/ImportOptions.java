package io.guardops.api.dataset;

import java.util.Map;
import java.util.Set;

/**
 * How a file's columns (CSV) or fields (JSONL) map to item fields. Item fields are {@code id},
 * {@code input}, {@code output}, {@code expected}, {@code context} and {@code metadata}; a file column
 * not mapped goes into {@code metadata}. With no mapping, columns are read by their own names.
 *
 * @param columns item field -> the file's column or field name
 * @param maxErrors stop reading after this many bad records (the import fails either way)
 */
public record ImportOptions(Map<String, String> columns, int maxErrors) {
  /** The item fields a mapping may name. */
  public static final Set<String> FIELDS = Set.of("id", "input", "output", "expected", "context", "metadata");

  public ImportOptions {
    columns = columns == null ? Map.of() : Map.copyOf(columns);
    for (String field : columns.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("unknown item field '" + field + "' in the column mapping; use one of "
            + new java.util.TreeSet<>(FIELDS));
      }
    }
    if (maxErrors < 1) {
      throw new IllegalArgumentException("maxErrors must be at least 1");
    }
  }

  /** No mapping, stop after 100 errors. */
  public static ImportOptions defaults() {
    return new ImportOptions(Map.of(), 100);
  }

  /** The file column for an item field: the mapped one, else the field's own name. */
  public String column(String field) {
    return columns.getOrDefault(field, field);
  }
}
