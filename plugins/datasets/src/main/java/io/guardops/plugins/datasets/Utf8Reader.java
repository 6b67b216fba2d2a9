package io.guardops.plugins.datasets;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes UTF-8 from a stream one UTF-16 char at a time, skipping a leading byte-order mark. Bad
 * bytes do not stop reading: each becomes U+FFFD and is counted, so the CSV reader can report the
 * record that held them and go on with the next. One char of push-back.
 */
final class Utf8Reader {
  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int len;
  private boolean started;
  private int pendingLow = -1;
  private int pushback = -1;
  private long malformed;
  private long bytesRead;

  Utf8Reader(InputStream in) {
    this.in = in;
  }

  /** How many malformed sequences were met so far. */
  long malformed() {
    return malformed;
  }

  /** Bytes consumed so far (for messages). */
  long offset() {
    return bytesRead;
  }

  void unread(int c) {
    pushback = c;
  }

  /** The next char, or -1 at the end. */
  int read() throws IOException {
    if (pushback >= 0) {
      int c = pushback;
      pushback = -1;
      return c;
    }
    if (pendingLow >= 0) {
      int c = pendingLow;
      pendingLow = -1;
      return c;
    }
    if (!started) {
      started = true;
      if (peek(0) == 0xEF && peek(1) == 0xBB && peek(2) == 0xBF) {
        pos += 3;
        bytesRead += 3;
      }
    }
    int b0 = next();
    if (b0 < 0x80) {
      return b0;
    }
    int need;
    int min;
    int lo = 0x80;
    int hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 1;
      min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 2;
      min = 0x800;
      if (b0 == 0xE0) {
        lo = 0xA0;
      } else if (b0 == 0xED) {
        hi = 0x9F;
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 3;
      min = 0x10000;
      if (b0 == 0xF0) {
        lo = 0x90;
      } else if (b0 == 0xF4) {
        hi = 0x8F;
      }
    } else {
      malformed++;
      return 0xFFFD;
    }
    int cp = b0 & (0x3F >> need);
    for (int i = 0; i < need; i++) {
      int b = peek(0);
      int l = i == 0 ? lo : 0x80;
      int h = i == 0 ? hi : 0xBF;
      if (b < l || b > h) {
        // the maximal valid prefix is one error; the byte that broke it is read again on its own
        malformed++;
        return 0xFFFD;
      }
      next();
      cp = cp << 6 | b & 0x3F;
    }
    if (cp < min) {
      malformed++;
      return 0xFFFD;
    }
    if (cp >= 0x10000) {
      pendingLow = Character.lowSurrogate(cp);
      return Character.highSurrogate(cp);
    }
    return cp;
  }

  private int next() throws IOException {
    if (pos == len && !fill()) {
      return -1;
    }
    bytesRead++;
    return buf[pos++] & 0xFF;
  }

  /** The byte {@code ahead} positions on without consuming it, or -1. */
  private int peek(int ahead) throws IOException {
    while (len - pos <= ahead) {
      if (!fill()) {
        return -1;
      }
    }
    return buf[pos + ahead] & 0xFF;
  }

  private boolean fill() throws IOException {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, len - pos);
      len -= pos;
      pos = 0;
    }
    if (len == buf.length) {
      return true;
    }
    int n = in.read(buf, len, buf.length - len);
    if (n <= 0) {
      return false;
    }
    len += n;
    return true;
  }
}
