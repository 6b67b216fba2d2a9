package io.guardops.plugins.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.Json;
import io.guardops.api.dataset.DatasetFormat;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.ImportOptions;
import io.guardops.api.dataset.ItemSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON Lines: one JSON object per line, UTF-8 (a leading byte-order mark is skipped), blank lines
 * skipped. Fields are mapped to item fields like CSV columns; unmapped fields go into the metadata
 * with their JSON values. A line longer than the limit is refused with an error and skipped without
 * being held in memory.
 */
final class JsonlFormat implements DatasetFormat {
  private final int maxLineBytes;

  JsonlFormat(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  @Override
  public String name() {
    return "jsonl";
  }

  @Override
  public String fileExtension() {
    return "jsonl";
  }

  @Override
  public String mediaType() {
    return "application/jsonl";
  }

  @Override
  public void read(InputStream in, ImportOptions options, ItemSink sink) throws IOException {
    LineReader lines = new LineReader(in, maxLineBytes);
    int errors = 0;
    LineReader.Line line;
    while ((line = lines.next()) != null) {
      String error;
      if (line.tooLong()) {
        error = "the line is longer than " + maxLineBytes + " bytes";
      } else if (line.blank()) {
        continue;
      } else {
        try {
          sink.item(line.number(), item(line, options));
          continue;
        } catch (ItemFields.BadRecord e) {
          error = e.getMessage();
        }
      }
      sink.error(line.number(), error);
      if (++errors >= options.maxErrors()) {
        return;
      }
    }
  }

  private static DatasetItem item(LineReader.Line line, ImportOptions options) throws ItemFields.BadRecord {
    JsonNode node;
    try {
      node = JsonValues.MAPPER.readTree(line.bytes(), 0, line.length());
    } catch (IOException e) {
      throw new ItemFields.BadRecord("invalid JSON: " + JsonValues.message(e));
    }
    if (node == null || !node.isObject()) {
      throw new ItemFields.BadRecord("expected a JSON object, found " + (node == null ? "nothing" : JsonValues.kind(node)));
    }
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    Map<String, Integer> columns = ItemFields.resolve(names, options);
    Set<String> used = new HashSet<>();
    columns.values().forEach(i -> used.add(names.get(i)));
    Map<String, Object> metadata = new LinkedHashMap<>();
    JsonNode meta = value(node, names, columns, ItemFields.METADATA);
    if (meta != null && !meta.isNull()) {
      if (!meta.isObject()) {
        throw wrongType(field(names, columns, ItemFields.METADATA), "an object", meta);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) JsonValues.plain(meta);
      metadata.putAll(m);
    }
    for (String name : names) {
      if (!used.contains(name)) {
        metadata.put(name, JsonValues.plain(node.get(name)));
      }
    }
    JsonNode id = value(node, names, columns, ItemFields.ID);
    String idText = null;
    if (id != null && !id.isNull()) {
      if (id.isTextual()) {
        idText = id.asText();
      } else if (id.isIntegralNumber()) {
        idText = id.asText();
      } else {
        throw wrongType(field(names, columns, ItemFields.ID), "a string or a whole number", id);
      }
    }
    return ItemFields.item(idText, string(node, names, columns, ItemFields.INPUT),
        string(node, names, columns, ItemFields.OUTPUT), string(node, names, columns, ItemFields.EXPECTED),
        context(node, names, columns), metadata, string(node, names, columns, ItemFields.SOURCE_TRACE),
        string(node, names, columns, ItemFields.SOURCE_SPAN));
  }

  private static String field(List<String> names, Map<String, Integer> columns, String field) {
    return names.get(columns.get(field));
  }

  private static JsonNode value(JsonNode node, List<String> names, Map<String, Integer> columns, String field) {
    Integer i = columns.get(field);
    return i == null ? null : node.get(names.get(i));
  }

  private static String string(JsonNode node, List<String> names, Map<String, Integer> columns, String field)
      throws ItemFields.BadRecord {
    JsonNode v = value(node, names, columns, field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw wrongType(field(names, columns, field), "a string", v);
    }
    return v.asText();
  }

  private static List<String> context(JsonNode node, List<String> names, Map<String, Integer> columns)
      throws ItemFields.BadRecord {
    JsonNode v = value(node, names, columns, ItemFields.CONTEXT);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (v.isTextual()) {
      return List.of(v.asText());
    }
    if (!v.isArray()) {
      throw wrongType(field(names, columns, ItemFields.CONTEXT), "an array of strings or a string", v);
    }
    List<String> docs = new ArrayList<>(v.size());
    for (JsonNode d : v) {
      if (!d.isTextual()) {
        throw new ItemFields.BadRecord("'" + field(names, columns, ItemFields.CONTEXT)
            + "' must be an array of strings, it holds " + JsonValues.kind(d));
      }
      docs.add(d.asText());
    }
    return docs;
  }

  private static ItemFields.BadRecord wrongType(String name, String expected, JsonNode found) {
    return new ItemFields.BadRecord("'" + name + "' must be " + expected + ", found " + JsonValues.kind(found));
  }

  @Override
  public void write(Iterator<DatasetItem> items, OutputStream out) throws IOException {
    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    StringBuilder sb = new StringBuilder(256);
    while (items.hasNext()) {
      DatasetItem item = items.next();
      sb.setLength(0);
      sb.append('{');
      member(sb, ItemFields.ID, item.itemId(), true);
      member(sb, ItemFields.INPUT, item.input(), false);
      member(sb, ItemFields.OUTPUT, item.output(), false);
      member(sb, ItemFields.EXPECTED, item.expected(), false);
      if (!item.context().isEmpty()) {
        member(sb, ItemFields.CONTEXT, item.context(), false);
      }
      if (!item.metadata().isEmpty()) {
        member(sb, ItemFields.METADATA, item.metadata(), false);
      }
      member(sb, ItemFields.SOURCE_TRACE, item.sourceTraceId(), false);
      member(sb, ItemFields.SOURCE_SPAN, item.sourceSpanId(), false);
      sb.append("}\n");
      w.append(sb);
    }
    w.flush();
  }

  private static void member(StringBuilder sb, String name, Object value, boolean first) {
    if (value == null) {
      return;
    }
    if (!first) {
      sb.append(',');
    }
    Json.quote(sb, name);
    sb.append(':');
    Json.write(sb, value);
  }
}
