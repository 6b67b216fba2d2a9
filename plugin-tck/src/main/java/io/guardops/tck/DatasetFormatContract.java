package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.dataset.DatasetFormat;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.ImportOptions;
import io.guardops.api.dataset.ItemSink;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite every {@link DatasetFormat} passes: writing then reading gives the same items
 * (unicode, newlines, quotes, commas, empty and absent fields, nested metadata, source ids); a
 * byte-order mark is accepted; bad records are reported on their line and reading goes on, up to
 * {@link ImportOptions#maxErrors()}; streams are not closed; and 200,000 items stream through a
 * write and a read at once without either side holding them (a lazily generated iterator feeds the
 * writer, a bounded pipe feeds the reader, and a counting sink checks how far the producer ran
 * ahead).
 */
public abstract class DatasetFormatContract {
  /** Items the streaming test sends through. */
  protected static final int STREAMED_ITEMS = 200_000;

  protected DatasetFormat format;

  /** A fresh format. */
  protected abstract DatasetFormat newFormat() throws Exception;

  /**
   * A file of this format with bad records among good ones, at least two of them, with a good
   * record after the last bad one.
   *
   * @param bytes the file
   * @param errorLines the lines the errors must be reported on, in order
   * @param goodIds the ids of the good records, in order
   */
  public record Malformed(byte[] bytes, List<Long> errorLines, List<String> goodIds) {
    public Malformed {
      Objects.requireNonNull(bytes, "bytes");
      errorLines = List.copyOf(errorLines);
      goodIds = List.copyOf(goodIds);
      if (errorLines.size() < 2) {
        throw new IllegalArgumentException("a malformed example needs at least two bad records");
      }
    }
  }

  /** A malformed file of this format; see {@link Malformed}. */
  protected abstract Malformed malformed();

  @BeforeEach
  void openFormat() throws Exception {
    format = newFormat();
  }

  /** Items that trip naive writers and readers. */
  protected static List<DatasetItem> trickyItems() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("n", 1L);
    nested.put("x", 2.5);
    nested.put("whole", 3.0);
    nested.put("flag", true);
    nested.put("tags", List.of("a", "b, c", "\"d\""));
    nested.put("nested", Map.of("k", "v", "list", List.of(1L, Map.of("deep", "yes"))));
    nested.put("unicode", "日本 🌍");
    nested.put("empty", "");
    List<DatasetItem> items = new ArrayList<>();
    items.add(new DatasetItem("plain", "What is 2+2?", "4", "4", List.of(), Map.of(), null, null));
    items.add(new DatasetItem("quotes, commas", "He said \"hi\", then left", "line1\nline2\r\nline3\rline4", "",
        List.of("doc one", "doc, \"two\"\nwith a newline"), nested, "4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7"));
    items.add(new DatasetItem("unicode-🌍", "Grüße 世界 🌍 עברית e\u0301 \u2028", null, null, List.of("[not json"),
        Map.of("note", "x"), null, null));
    items.add(new DatasetItem("blanks", "", "", null, List.of(""), Map.of(), null, null));
    items.add(new DatasetItem("padded", "  padded\t ", " ", "#not a comment", List.of("single"), Map.of(), null, null));
    items.add(new DatasetItem("json-looking", "[1,2]", "{\"a\": 1}", "\"", List.of("[\"x\"]", "{}"),
        Map.of("list", List.of()), null, null));
    items.add(new DatasetItem("id,with\"quote", "=SUM(A1)", "\\ back\\slash", "tab\tseparated", List.of(),
        Map.of(), null, null));
    return items;
  }

  @Test
  void describesItself() {
    assertThat(format.name()).matches("[a-z0-9][a-z0-9_-]*");
    assertThat(format.fileExtension()).matches("[a-z0-9]+");
    assertThat(format.mediaType()).contains("/");
  }

  @Test
  void writeThenReadGivesTheSameItems() throws IOException {
    List<DatasetItem> items = trickyItems();
    Collected read = read(write(items), ImportOptions.defaults());

    assertThat(read.errors).isEmpty();
    assertThat(read.items).containsExactlyElementsOf(items);
    assertThat(read.lines).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void noItemsRoundTrip() throws IOException {
    Collected read = read(write(List.of()), ImportOptions.defaults());
    assertThat(read.items).isEmpty();
    assertThat(read.errors).isEmpty();
  }

  @Test
  void aByteOrderMarkIsAccepted() throws IOException {
    byte[] file = write(trickyItems());
    byte[] withBom = new byte[file.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(file, 0, withBom, 3, file.length);

    Collected read = read(withBom, ImportOptions.defaults());

    assertThat(read.errors).isEmpty();
    assertThat(read.items).containsExactlyElementsOf(trickyItems());
  }

  @Test
  void badRecordsAreReportedOnTheirLineAndReadingGoesOn() throws IOException {
    Malformed m = malformed();
    Collected read = read(m.bytes(), ImportOptions.defaults());

    assertThat(read.errorLines()).as("error lines (errors: " + read.errors + ")").containsExactlyElementsOf(m.errorLines());
    assertThat(read.errors).allSatisfy(e -> assertThat(e.reason()).isNotBlank());
    assertThat(read.items).extracting(DatasetItem::itemId).containsExactlyElementsOf(m.goodIds());
  }

  @Test
  void readingStopsAfterMaxErrors() throws IOException {
    Malformed m = malformed();
    int max = m.errorLines().size() - 1;
    Collected read = read(m.bytes(), new ImportOptions(Map.of(), max));

    assertThat(read.errorLines()).containsExactlyElementsOf(m.errorLines().subList(0, max));
    long stop = m.errorLines().get(max - 1);
    assertThat(read.lines).allSatisfy(line -> assertThat(line).isLessThan(stop));
    assertThat(read.items.size()).isLessThan(m.goodIds().size());
  }

  @Test
  void streamsAreLeftOpen() throws IOException {
    AtomicBoolean outClosed = new AtomicBoolean();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    format.write(trickyItems().iterator(), new FilterOutputStream(bytes) {
      @Override
      public void close() {
        outClosed.set(true);
      }
    });
    AtomicBoolean inClosed = new AtomicBoolean();
    format.read(new FilterInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
      @Override
      public void close() {
        inClosed.set(true);
      }
    }, ImportOptions.defaults(), new Collected());

    assertThat(outClosed).as("write closed its stream").isFalse();
    assertThat(inClosed).as("read closed its stream").isFalse();
  }

  /**
   * 200,000 items go through {@code write} into a bounded pipe and from it through {@code read} at
   * the same time. The items are generated on demand and the sink only counts, so nothing holds them
   * unless the format does: if the writer gathered its items before writing, or the reader its
   * input before parsing, the producer would run ahead of the sink by the whole file.
   */
  @Test
  @Timeout(120)
  void largeFilesStreamBothWays() throws Exception {
    AtomicLong produced = new AtomicLong();
    Iterator<DatasetItem> lazy = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return produced.get() < STREAMED_ITEMS;
      }

      @Override
      public DatasetItem next() {
        long i = produced.get();
        if (i >= STREAMED_ITEMS) {
          throw new NoSuchElementException();
        }
        DatasetItem item = new DatasetItem("item-" + i, "question number " + i + ", with \"quotes\"",
            "answer " + (i * 31 % 1000), i % 3 == 0 ? null : "expected " + i, List.of(),
            i % 2 == 0 ? Map.of() : Map.of("i", i), null, null);
        produced.incrementAndGet();
        return item;
      }
    };
    BoundedPipe pipe = new BoundedPipe();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try (OutputStream out = pipe.output()) {
        format.write(lazy, out);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    AtomicLong received = new AtomicLong();
    AtomicLong maxAhead = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    format.read(pipe.input(), ImportOptions.defaults(), new ItemSink() {
      @Override
      public void item(long line, DatasetItem item) {
        long n = received.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
          assertThat(item.itemId()).isEqualTo("item-" + (n - 1));
        }
        maxAhead.accumulateAndGet(produced.get() - n, Math::max);
      }

      @Override
      public void error(long line, String reason) {
        errors.incrementAndGet();
      }
    });
    writer.get(60, TimeUnit.SECONDS);

    assertThat(errors).hasValue(0);
    assertThat(received).hasValue(STREAMED_ITEMS);
    assertThat(produced).hasValue(STREAMED_ITEMS);
    assertThat(maxAhead.get()).as("items produced but not yet read (what the format held)")
        .isLessThan(STREAMED_ITEMS / 10);
  }

  // ---- helpers

  /** {@code items} written by the format. */
  protected byte[] write(List<DatasetItem> items) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    format.write(items.iterator(), out);
    return out.toByteArray();
  }

  /** Reads {@code bytes} with {@code options} into a {@link Collected}. */
  protected Collected read(byte[] bytes, ImportOptions options) throws IOException {
    Collected c = new Collected();
    format.read(new ByteArrayInputStream(bytes), options, c);
    return c;
  }

  /** An error a sink received. */
  public record Error(long line, String reason) {}

  /** A sink that keeps what it receives (for small files). */
  public static final class Collected implements ItemSink {
    public final List<DatasetItem> items = new ArrayList<>();
    public final List<Long> lines = new ArrayList<>();
    public final List<Error> errors = new ArrayList<>();

    @Override
    public void item(long line, DatasetItem item) {
      items.add(item);
      lines.add(line);
    }

    @Override
    public void error(long line, String reason) {
      errors.add(new Error(line, reason));
    }

    public List<Long> errorLines() {
      return errors.stream().map(Error::line).toList();
    }
  }

  /** A pipe holding at most 16 chunks of 8 KB between its two threads. */
  private static final class BoundedPipe {
    private static final byte[] EOF = new byte[0];
    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(16);

    OutputStream output() {
      return new OutputStream() {
        private final byte[] buf = new byte[8192];
        private int n;

        @Override
        public void write(int b) throws IOException {
          if (n == buf.length) {
            flush();
          }
          buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          while (len > 0) {
            if (n == buf.length) {
              flush();
            }
            int k = Math.min(len, buf.length - n);
            System.arraycopy(b, off, buf, n, k);
            n += k;
            off += k;
            len -= k;
          }
        }

        @Override
        public void flush() throws IOException {
          if (n > 0) {
            put(Arrays.copyOf(buf, n));
            n = 0;
          }
        }

        @Override
        public void close() throws IOException {
          flush();
          put(EOF);
        }

        private void put(byte[] chunk) throws IOException {
          try {
            if (!chunks.offer(chunk, 60, TimeUnit.SECONDS)) {
              throw new IOException("the reader stopped taking data");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
          }
        }
      };
    }

    InputStream input() {
      return new InputStream() {
        private byte[] cur = new byte[0];
        private int pos;
        private boolean eof;

        private boolean fill() throws IOException {
          while (!eof && pos == cur.length) {
            try {
              byte[] next = chunks.poll(60, TimeUnit.SECONDS);
              if (next == null) {
                throw new IOException("the writer stopped sending data");
              }
              if (next == EOF) {
                eof = true;
              } else {
                cur = next;
                pos = 0;
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new InterruptedIOException();
            }
          }
          return pos < cur.length;
        }

        @Override
        public int read() throws IOException {
          return fill() ? cur[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          if (!fill()) {
            return -1;
          }
          int k = Math.min(len, cur.length - pos);
          System.arraycopy(cur, pos, b, off, k);
          pos += k;
          return k;
        }
      };
    }
  }
}
