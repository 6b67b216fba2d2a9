package io.guardops.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.dataset.DatasetFormat;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.ImportOptions;
import io.guardops.api.dataset.ItemSink;
import io.guardops.tck.DatasetFormatContract.Collected;
import io.guardops.tck.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CsvFormatTest {
  private final DatasetFormat csv = CsvFormatContractTest.format("csv");

  private static Collected read(DatasetFormat f, String text, ImportOptions options) throws IOException {
    return read(f, text.getBytes(StandardCharsets.UTF_8), options);
  }

  private static Collected read(DatasetFormat f, byte[] bytes, ImportOptions options) throws IOException {
    Collected c = new Collected();
    f.read(new ByteArrayInputStream(bytes), options, c);
    return c;
  }

  @Test
  void quotedFieldsHoldCommasQuotesAndLineBreaks() throws IOException {
    Collected c = read(csv, "input,output\n"
        + "\"a, b\",\"say \"\"hi\"\"\"\n"
        + "\"two\r\nlines\",plain\n", ImportOptions.defaults());

    assertThat(c.errors).isEmpty();
    assertThat(c.items).extracting(DatasetItem::input).containsExactly("a, b", "two\r\nlines");
    assertThat(c.items).extracting(DatasetItem::output).containsExactly("say \"hi\"", "plain");
    assertThat(c.lines).containsExactly(2L, 3L);
  }

  @Test
  void errorsNameTheLineWhereTheRecordStarts() throws IOException {
    String file = "id,input,output\n"                     // 1
        + "1,\"spans\nthree\nlines\",x\n"                 // 2-4 good
        + "2,short\n"                                     // 5 wrong count
        + "\n"                                            // 6 blank: skipped
        + "3,\"quoted\"tail,x\n"                          // 7 text after quote
        + "4,fine,\"multi\nline\"\n"                      // 8-9 good
        + "5,\"never closed,x\n"                          // 10 unterminated (to the end)
        + "6,swallowed,x\n";
    Collected c = read(csv, file, ImportOptions.defaults());

    assertThat(c.items).extracting(DatasetItem::itemId).containsExactly("1", "4");
    assertThat(c.lines).containsExactly(2L, 8L);
    assertThat(c.errorLines()).containsExactly(5L, 7L, 10L);
    assertThat(c.errors.get(0).reason()).contains("expected 3 fields").contains("found 2");
    assertThat(c.errors.get(1).reason()).contains("after the closing quote");
    assertThat(c.errors.get(2).reason()).contains("unterminated quoted field").contains("line 10");
  }

  @Test
  void invalidUtf8IsAnErrorOfItsRecordOnly() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("input,output\nok,1\n".getBytes(StandardCharsets.UTF_8));
    b.writeBytes(new byte[] {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, ',', '2', '\n'});
    b.writeBytes("caf\u00e9,3\n".getBytes(StandardCharsets.UTF_8));
    b.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80, ',', '4', '\n'}); // an encoded surrogate
    Collected c = read(csv, b.toByteArray(), ImportOptions.defaults());

    assertThat(c.items).extracting(DatasetItem::input).containsExactly("ok", "café");
    assertThat(c.errorLines()).containsExactly(3L, 5L);
    assertThat(c.errors).allSatisfy(e -> assertThat(e.reason()).contains("invalid UTF-8"));
  }

  @Test
  void aFieldOverTheLimitIsAnErrorAndIsNotKept() throws IOException {
    DatasetFormat small = new CsvJsonlFormatProvider().create(ComponentConfig.empty(Path.of("."))
        .with("csv-max-field-chars", "10"), TestContext.empty()).get(0);
    Collected c = read(small, "input,output\nshort,ok\n\"0123456789ABC\",x\nagain,ok\n", ImportOptions.defaults());

    assertThat(c.items).extracting(DatasetItem::input).containsExactly("short", "again");
    assertThat(c.errorLines()).containsExactly(3L);
    assertThat(c.errors.get(0).reason()).contains("longer than 10 characters");
  }

  @Test
  void headerMappingContextAndMetadata() throws IOException {
    String file = "\uFEFFQuestion,Answer,Gold,docs,meta,team,empty\n"
        + "q1,a1,g1,\"[\"\"d1\"\", \"\"d2\"\"]\",\"{\"\"n\"\": 1, \"\"nested\"\": {\"\"k\"\": [true]}}\",red,\n"
        + "q2,,\"\",just one document,,blue,\"\"\n";
    ImportOptions options = new ImportOptions(Map.of("input", "Question", "output", "Answer", "expected", "Gold",
        "context", "docs", "metadata", "meta"), 10);
    Collected c = read(csv, file, options);

    assertThat(c.errors).isEmpty();
    DatasetItem first = c.items.get(0);
    assertThat(first.input()).isEqualTo("q1");
    assertThat(first.output()).isEqualTo("a1");
    assertThat(first.expected()).isEqualTo("g1");
    assertThat(first.context()).containsExactly("d1", "d2");
    assertThat(first.metadata()).isEqualTo(Map.of("n", 1L, "nested", Map.of("k", List.of(true)), "team", "red"));
    assertThat(first.itemId()).isNotBlank();
    DatasetItem second = c.items.get(1);
    assertThat(second.output()).as("an empty unquoted field is absent").isNull();
    assertThat(second.expected()).as("a quoted empty field is an empty string").isEmpty();
    assertThat(second.context()).containsExactly("just one document");
    assertThat(second.metadata()).isEqualTo(Map.of("team", "blue", "empty", ""));
    assertThat(first.itemId()).isNotEqualTo(second.itemId());
  }

  @Test
  void defaultColumnNamesMatchIgnoringCase() throws IOException {
    Collected c = read(csv, "ID,Input,Expected Answer\n7,hello,world\n", ImportOptions.defaults());

    assertThat(c.items).singleElement().satisfies(i -> {
      assertThat(i.itemId()).isEqualTo("7");
      assertThat(i.input()).isEqualTo("hello");
      assertThat(i.expected()).isNull();
      assertThat(i.metadata()).isEqualTo(Map.of("Expected Answer", "world"));
    });
  }

  @Test
  void headerProblemsStopTheImportOnLineOne() throws IOException {
    assertThat(read(csv, "question,answer\nq,a\n", ImportOptions.defaults()).errors).singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("no 'input' column").contains("[question, answer]"));
    assertThat(read(csv, "input,input\nq,a\n", ImportOptions.defaults()).errors).singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("twice"));
    assertThat(read(csv, "input,b\nq,a\n", new ImportOptions(Map.of("expected", "gold"), 5)).errors).singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("'gold'").contains("expected"));
    assertThat(read(csv, "", ImportOptions.defaults()).errors).isEmpty();
  }

  @Test
  void badMetadataAndSourceIdsAreRecordErrors() throws IOException {
    Collected c = read(csv, "input,metadata,source_trace_id\n"
        + "a,\"[1]\",\n"
        + "b,{not json,\n"
        + "c,,XYZ\n"
        + "d,\"{}\",4bf92f3577b34da6a3ce929d0e0e4736\n", ImportOptions.defaults());

    assertThat(c.errorLines()).containsExactly(2L, 3L, 4L);
    assertThat(c.errors.get(0).reason()).contains("JSON object");
    assertThat(c.errors.get(1).reason()).contains("not valid JSON");
    assertThat(c.errors.get(2).reason()).contains("sourceTraceId");
    assertThat(c.items).singleElement().satisfies(i -> assertThat(i.sourceTraceId())
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736"));
  }

  @Test
  void oldMacLineEndingsAndNoFinalNewline() throws IOException {
    Collected c = read(csv, "input,output\ra,1\rb,2", ImportOptions.defaults());
    assertThat(c.items).extracting(DatasetItem::input).containsExactly("a", "b");
    assertThat(c.lines).containsExactly(2L, 3L);
  }

  @Test
  void writesRfc4180() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    csv.write(List.of(new DatasetItem("1", "a,b", "say \"x\"", null, List.of("d"), Map.of("k", 1L), null, null))
        .iterator(), out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
        "id,input,output,expected,context,metadata,source_trace_id,source_span_id\r\n"
            + "1,\"a,b\",\"say \"\"x\"\"\",,\"[\"\"d\"\"]\",\"{\"\"k\"\":1}\",,\r\n");
  }

  /**
   * 200,000 records and one 20-million-character field, generated on demand by an input stream: the
   * reader must keep up with the stream (never more than a few buffers behind) and must drop the
   * giant field instead of holding it.
   */
  @Test
  void aLargeGeneratedFileStreamsInBoundedMemory() throws IOException {
    int rows = 200_000;
    GeneratedCsv in = new GeneratedCsv(rows, 20_000_000);
    AtomicLong items = new AtomicLong();
    AtomicLong maxAhead = new AtomicLong();
    List<Long> errorLines = new java.util.ArrayList<>();
    DatasetFormat limited = new CsvJsonlFormatProvider().create(ComponentConfig.empty(Path.of("."))
        .with("csv-max-field-chars", "1000000"), TestContext.empty()).get(0);
    limited.read(in, ImportOptions.defaults(), new ItemSink() {
      @Override
      public void item(long line, DatasetItem item) {
        items.incrementAndGet();
        maxAhead.accumulateAndGet(in.produced - in.consumedAt(line), Math::max);
      }

      @Override
      public void error(long line, String reason) {
        errorLines.add(line);
      }
    });

    assertThat(items).hasValue(rows + 1);
    assertThat(errorLines).containsExactly((long) rows + 2);
    assertThat(maxAhead.get()).as("bytes generated beyond the record being delivered").isLessThan(1 << 20);
  }

  /** header, {@code rows} small records, one record with a huge quoted field, one last record. */
  private static final class GeneratedCsv extends InputStream {
    private final int rows;
    private final long hugeChars;
    private byte[] chunk = "id,input,output\n".getBytes(StandardCharsets.UTF_8);
    private int pos;
    private int row;
    private long hugeLeft = -1;
    long produced;

    GeneratedCsv(int rows, long hugeChars) {
      this.rows = rows;
      this.hugeChars = hugeChars;
    }

    /** Bytes produced up to the end of the record on {@code line} (small records are 31 bytes each). */
    long consumedAt(long line) {
      return line <= rows + 1 ? 16 + (line - 1) * 31 : produced;
    }

    private boolean advance() {
      if (row < rows) {
        chunk = String.format("%08d,question %08d,ans\n", row, row).getBytes(StandardCharsets.UTF_8);
        row++;
      } else if (hugeLeft == -1) {
        chunk = "big,\"".getBytes(StandardCharsets.UTF_8);
        hugeLeft = hugeChars;
      } else if (hugeLeft > 0) {
        int n = (int) Math.min(65_536, hugeLeft);
        chunk = "x".repeat(n).getBytes(StandardCharsets.UTF_8);
        hugeLeft -= n;
        if (hugeLeft == 0) {
          hugeLeft = -2;
        }
      } else if (hugeLeft == -2) {
        chunk = "\",x\nlast,good,one\n".getBytes(StandardCharsets.UTF_8);
        hugeLeft = -3;
      } else {
        return false;
      }
      pos = 0;
      return true;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == chunk.length && !advance()) {
        return -1;
      }
      int n = Math.min(len, chunk.length - pos);
      System.arraycopy(chunk, pos, b, off, n);
      pos += n;
      produced += n;
      return n;
    }
  }
}
