package io.guardops.plugins.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer with the primitives of the stored span encoding ({@link SpanCodec}): unsigned
 * varints, zigzag varints, fixed 64-bit numbers (little-endian) and length-prefixed UTF-8 strings.
 * Not thread-safe.
 */
final class ByteWriter {
  private byte[] buf;
  private int len;

  ByteWriter(int capacity) {
    buf = new byte[capacity];
  }

  void reset() {
    len = 0;
  }

  int length() {
    return len;
  }

  byte[] toArray() {
    return Arrays.copyOf(buf, len);
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  void u8(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  void varint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[len++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
  }

  void zigzag(long v) {
    varint((v << 1) ^ (v >> 63));
  }

  void fixed64(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[len++] = (byte) (v >>> (8 * i));
    }
  }

  /** A string as its UTF-8 length (varint) and bytes. */
  void string(String s) {
    int n = s.length();
    if (isLatin1Ascii(s)) {
      varint(n);
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
      return;
    }
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    varint(u.length);
    bytes(u);
  }

  /** A string inline after a tag: {@code (utf8Length << 1) | 1}, then the bytes (the inline form of a string reference). */
  void inlineRef(String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    varint((long) u.length << 1 | 1);
    bytes(u);
  }

  void bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  private static boolean isLatin1Ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
