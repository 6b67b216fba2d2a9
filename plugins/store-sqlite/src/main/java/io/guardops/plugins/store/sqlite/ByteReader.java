package io.guardops.plugins.store.sqlite;

import java.nio.charset.StandardCharsets;

/**
 * Reads what a {@link ByteWriter} wrote. A blob that ends too early or is otherwise not what the
 * encoding says throws {@link IllegalStateException} (a corrupt row, never user input). Not thread-safe.
 */
final class ByteReader {
  private final byte[] buf;
  private int pos;

  ByteReader(byte[] buf) {
    this.buf = buf;
  }

  int position() {
    return pos;
  }

  /** The byte at absolute position {@code at}, without moving. */
  byte peek(int at) {
    return buf[at];
  }

  boolean more() {
    return pos < buf.length;
  }

  int u8() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  long varint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1);
      byte b = buf[pos++];
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new IllegalStateException("corrupt stored span: a varint longer than 10 bytes");
  }

  int varint32() {
    long v = varint();
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalStateException("corrupt stored span: a count or length of " + v);
    }
    return (int) v;
  }

  long zigzag() {
    long v = varint();
    return (v >>> 1) ^ -(v & 1);
  }

  long fixed64() {
    need(8);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (buf[pos + i] & 0xFFL);
    }
    pos += 8;
    return v;
  }

  String string() {
    return utf8(varint32());
  }

  /** {@code n} bytes of UTF-8 as a string. */
  String utf8(int n) {
    need(n);
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  void skip(int n) {
    need(n);
    pos += n;
  }

  private void need(int n) {
    if (buf.length - pos < n) {
      throw new IllegalStateException("corrupt stored span: it ends " + (n - (buf.length - pos)) + " bytes early");
    }
  }
}
