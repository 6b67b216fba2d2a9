package io.guardops.plugins.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines ({@code \n}, with a trailing {@code \r} dropped) of at most a
 * limit: a longer line is reported as too long and skipped up to its end without being kept. A
 * leading UTF-8 byte-order mark is dropped. The line buffer is reused: a line is valid until the next.
 */
final class LineReader {
  private final InputStream in;
  private final int max;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int len;
  private byte[] line = new byte[1024];
  private long number;
  private boolean first = true;

  LineReader(InputStream in, int max) {
    this.in = in;
    this.max = max;
  }

  /** One line: its 1-based number, its bytes {@code [0, length)}, or that it was too long. */
  record Line(long number, byte[] bytes, int length, boolean tooLong) {
    boolean blank() {
      for (int i = 0; i < length; i++) {
        byte b = bytes[i];
        if (b != ' ' && b != '\t' && b != '\r') {
          return false;
        }
      }
      return true;
    }
  }

  /** The next line, or {@code null} at the end. */
  Line next() throws IOException {
    int n = 0;
    boolean tooLong = false;
    boolean any = false;
    while (true) {
      if (pos == len) {
        len = in.read(buf, 0, buf.length);
        pos = 0;
        if (len <= 0) {
          len = 0;
          if (!any) {
            return null;
          }
          break;
        }
      }
      any = true;
      int start = pos;
      while (pos < len && buf[pos] != '\n') {
        pos++;
      }
      int chunk = pos - start;
      if (!tooLong) {
        if (n + chunk > max) {
          tooLong = true;
          n = 0;
        } else {
          if (n + chunk > line.length) {
            line = Arrays.copyOf(line, Math.min(Math.max(line.length * 2, n + chunk), max));
          }
          System.arraycopy(buf, start, line, n, chunk);
          n += chunk;
        }
      }
      if (pos < len) {
        pos++;
        break;
      }
    }
    number++;
    if (!tooLong && n > 0 && line[n - 1] == '\r') {
      n--;
    }
    int off = 0;
    if (first) {
      first = false;
      if (n >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
        off = 3;
      }
    }
    if (off > 0) {
      System.arraycopy(line, off, line, 0, n - off);
      n -= off;
    }
    return new Line(number, line, n, tooLong);
  }
}
