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
 * CSV (RFC 4180) with a header row, UTF-8 with or without a byte-order mark, streamed record by
 * record in both directions.
 *
 * <p>Reading: fields are separated by commas; a quoted field may hold commas, doubled quotes and
 * line breaks; records end at CRLF, LF or CR. Blank lines are skipped. An empty unquoted field is
 * absent ({@code null}); {@code ""} is an empty string, so what {@link #write} writes reads back
 * exactly. The {@code context} column holds a JSON array of strings or a single string; the
 * {@code metadata} column a JSON object; every column not mapped to an item field becomes a
 * metadata entry (a string). Errors are reported on the physical line where the record starts:
 * an unterminated quote, text after a closing quote, a wrong number of fields, invalid UTF-8, a
 * field longer than the limit, a bad metadata or source id value.
 */
final class CsvFormat implements DatasetFormat {
  private final int maxFieldChars;

  CsvFormat(int maxFieldChars) {
    this.maxFieldChars = maxFieldChars;
  }

  @Override
  public String name() {
    return "csv";
  }

  @Override
  public String fileExtension() {
    return "csv";
  }

  @Override
  public String mediaType() {
    return "text/csv";
  }

  // ---- reading

  /** One field as read: its text and whether it was quoted. */
  private record Field(String text, boolean quoted) {
    boolean absent() {
      return !quoted && text.isEmpty();
    }
  }

  /** One record: its fields (at most the header's count plus one are kept), where it starts, what was wrong. */
  private static final class Record {
    final List<Field> fields = new ArrayList<>();
    long startLine;
    int fieldCount;
    String error;
    boolean sawContent;
  }

  @Override
  public void read(InputStream in, ImportOptions options, ItemSink sink) throws IOException {
    Parser p = new Parser(new Utf8Reader(in), maxFieldChars);
    Record header = p.next(Integer.MAX_VALUE);
    while (header != null && !header.sawContent) {
      header = p.next(Integer.MAX_VALUE);
    }
    if (header == null) {
      return;
    }
    if (header.error != null) {
      sink.error(header.startLine, "the header row: " + header.error);
      return;
    }
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Field f : header.fields) {
      if (!seen.add(f.text())) {
        sink.error(header.startLine, "the header names the column '" + f.text() + "' twice");
        return;
      }
      names.add(f.text());
    }
    Map<String, Integer> columns;
    try {
      columns = ItemFields.resolve(names, options);
    } catch (ItemFields.BadRecord e) {
      sink.error(header.startLine, e.getMessage());
      return;
    }
    Set<Integer> used = new HashSet<>(columns.values());
    int errors = 0;
    Record r;
    while ((r = p.next(names.size() + 1)) != null) {
      if (!r.sawContent) {
        continue;
      }
      String error = r.error;
      if (error == null && r.fieldCount != names.size()) {
        error = "expected " + names.size() + " fields (as in the header), found " + r.fieldCount;
      }
      if (error == null) {
        try {
          sink.item(r.startLine, item(r.fields, names, columns, used));
          continue;
        } catch (ItemFields.BadRecord e) {
          error = e.getMessage();
        }
      }
      sink.error(r.startLine, error);
      if (++errors >= options.maxErrors()) {
        return;
      }
    }
  }

  private static DatasetItem item(List<Field> fields, List<String> names, Map<String, Integer> columns,
      Set<Integer> used) throws ItemFields.BadRecord {
    Map<String, Object> metadata = new LinkedHashMap<>();
    Field meta = field(fields, columns, ItemFields.METADATA);
    if (meta != null && !meta.text().isBlank()) {
      try {
        JsonNode node = JsonValues.MAPPER.readTree(meta.text());
        if (node == null || !node.isObject()) {
          throw new ItemFields.BadRecord("the metadata column must hold a JSON object, found "
              + (node == null ? "nothing" : JsonValues.kind(node)));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) JsonValues.plain(node);
        metadata.putAll(m);
      } catch (IOException e) {
        throw new ItemFields.BadRecord("the metadata column is not valid JSON: " + JsonValues.message(e));
      }
    }
    for (int i = 0; i < fields.size(); i++) {
      if (!used.contains(i) && !fields.get(i).absent()) {
        metadata.put(names.get(i), fields.get(i).text());
      }
    }
    return ItemFields.item(text(fields, columns, ItemFields.ID), text(fields, columns, ItemFields.INPUT),
        text(fields, columns, ItemFields.OUTPUT), text(fields, columns, ItemFields.EXPECTED),
        context(field(fields, columns, ItemFields.CONTEXT)), metadata,
        text(fields, columns, ItemFields.SOURCE_TRACE), text(fields, columns, ItemFields.SOURCE_SPAN));
  }

  private static Field field(List<Field> fields, Map<String, Integer> columns, String name) {
    Integer i = columns.get(name);
    return i == null ? null : fields.get(i);
  }

  private static String text(List<Field> fields, Map<String, Integer> columns, String name) {
    Field f = field(fields, columns, name);
    return f == null || f.absent() ? null : f.text();
  }

  /** A JSON array of strings, else the whole cell as one document; empty means none. */
  private static List<String> context(Field f) {
    if (f == null || f.text().isEmpty()) {
      return List.of();
    }
    String t = f.text().strip();
    if (t.startsWith("[")) {
      try {
        JsonNode node = JsonValues.MAPPER.readTree(t);
        if (node != null && node.isArray()) {
          List<String> docs = new ArrayList<>(node.size());
          for (JsonNode d : node) {
            docs.add(d.isTextual() ? d.asText() : d.toString());
          }
          return docs;
        }
      } catch (IOException notJson) {
        // a document that happens to start with '[': the whole cell is the document
      }
    }
    return List.of(f.text());
  }

  /** The RFC 4180 state machine, one record per call. */
  private static final class Parser {
    private final Utf8Reader in;
    private final int maxFieldChars;
    private long line = 1;
    private boolean eof;

    Parser(Utf8Reader in, int maxFieldChars) {
      this.in = in;
      this.maxFieldChars = maxFieldChars;
    }

    /** The next record, keeping at most {@code keep} fields; {@code null} at the end of the input. */
    Record next(int keep) throws IOException {
      if (eof) {
        return null;
      }
      Record r = new Record();
      r.startLine = line;
      long malformedBefore = in.malformed();
      StringBuilder cur = new StringBuilder();
      boolean quoted = false;
      boolean inQuotes = false;
      boolean afterQuote = false;
      boolean tooLong = false;
      long quoteLine = 0;
      while (true) {
        int c = in.read();
        if (c < 0) {
          eof = true;
          if (inQuotes) {
            r.error = "unterminated quoted field (its quote opened on line " + quoteLine + ")";
          }
          if (!r.sawContent && cur.length() == 0 && !quoted) {
            return r.fieldCount == 0 && r.error == null ? null : finish(r, cur, quoted, keep, malformedBefore);
          }
          return finish(r, cur, quoted, keep, malformedBefore);
        }
        if (inQuotes) {
          if (c == '"') {
            inQuotes = false;
            afterQuote = true;
            continue;
          }
          if (c == '\n' || c == '\r') {
            line++;
            if (c == '\r') {
              int n = in.read();
              if (n == '\n') {
                tooLong = append(cur, '\r', tooLong, r);
                c = '\n';
              } else {
                in.unread(n);
              }
            }
          }
          tooLong = append(cur, (char) c, tooLong, r);
          continue;
        }
        if (c == '"' && afterQuote) {
          // a doubled quote inside a quoted field
          inQuotes = true;
          afterQuote = false;
          tooLong = append(cur, '"', tooLong, r);
          continue;
        }
        if (c == '"' && !quoted && cur.length() == 0) {
          quoted = true;
          inQuotes = true;
          quoteLine = line;
          r.sawContent = true;
          continue;
        }
        if (c == ',') {
          r.sawContent = true;
          endField(r, cur, quoted, keep);
          cur.setLength(0);
          quoted = false;
          afterQuote = false;
          tooLong = false;
          continue;
        }
        if (c == '\n' || c == '\r') {
          line++;
          if (c == '\r') {
            int n = in.read();
            if (n != '\n') {
              in.unread(n);
            }
          }
          return finish(r, cur, quoted, keep, malformedBefore);
        }
        if (afterQuote && r.error == null) {
          r.error = "unexpected text after the closing quote of field " + (r.fieldCount + 1);
        }
        r.sawContent = true;
        tooLong = append(cur, (char) c, tooLong, r);
      }
    }

    private boolean append(StringBuilder cur, char c, boolean tooLong, Record r) {
      if (tooLong) {
        return true;
      }
      if (cur.length() >= maxFieldChars) {
        if (r.error == null) {
          r.error = "field " + (r.fieldCount + 1) + " is longer than " + maxFieldChars + " characters";
        }
        // the rest of the field is read but not kept, so a runaway field cannot fill the memory
        cur.setLength(0);
        return true;
      }
      cur.append(c);
      return false;
    }

    private static void endField(Record r, StringBuilder cur, boolean quoted, int keep) {
      if (r.fields.size() < keep) {
        r.fields.add(new Field(cur.toString(), quoted));
      }
      r.fieldCount++;
    }

    private Record finish(Record r, StringBuilder cur, boolean quoted, int keep, long malformedBefore) {
      endField(r, cur, quoted, keep);
      if (r.fieldCount > 1 || quoted || cur.length() > 0) {
        r.sawContent = true;
      }
      if (in.malformed() != malformedBefore && r.error == null) {
        r.error = "invalid UTF-8 (the record's bad bytes are before byte offset " + in.offset() + ")";
      }
      return r;
    }
  }

  // ---- writing

  @Override
  public void write(Iterator<DatasetItem> items, OutputStream out) throws IOException {
    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    writeRow(w, new ArrayList<>(ItemFields.WRITTEN));
    List<String> row = new ArrayList<>(ItemFields.WRITTEN.size());
    while (items.hasNext()) {
      DatasetItem item = items.next();
      row.clear();
      row.add(item.itemId());
      row.add(item.input());
      row.add(item.output());
      row.add(item.expected());
      row.add(item.context().isEmpty() ? null : Json.write(item.context()));
      row.add(item.metadata().isEmpty() ? null : Json.write(item.metadata()));
      row.add(item.sourceTraceId());
      row.add(item.sourceSpanId());
      writeRow(w, row);
    }
    w.flush();
  }

  private static void writeRow(Writer w, List<String> fields) throws IOException {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        w.write(',');
      }
      String f = fields.get(i);
      if (f == null) {
        continue;
      }
      if (f.isEmpty() || needsQuotes(f)) {
        w.write('"');
        w.write(f.replace("\"", "\"\""));
        w.write('"');
      } else {
        w.write(f);
      }
    }
    w.write("\r\n");
  }

  private static boolean needsQuotes(String f) {
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c == ',' || c == '"' || c == '\n' || c == '\r') {
        return true;
      }
    }
    return false;
  }
}
