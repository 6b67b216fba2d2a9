package io.guardops.api.importer;

import java.util.List;
import java.util.Map;

/**
 * What an import did: counts of what was imported and skipped, by kind ({@code users},
 * {@code projects}, {@code spans}, {@code api keys}, ...), and notes (why things were skipped).
 */
public record ImportReport(Map<String, Long> imported, Map<String, Long> skipped, List<String> notes) {
  public ImportReport {
    // kinds keep the order the importer reported them in
    imported = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(imported));
    skipped = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(skipped));
    notes = List.copyOf(notes);
  }
}
