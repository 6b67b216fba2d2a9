package io.guardops.otlp;

import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format read in place from a byte array: tags, varints, fixed-width numbers and
 * length-delimited fields as offsets into the array, so a decoder can turn what it needs straight into
 * its own objects and skip the rest. Malformed input (truncated, over-long varints, invalid UTF-8 in a
 * string, unknown wire types) throws {@link MalformedPayloadException}. Not thread-safe.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int FIXED32 = 5;

  final byte[] buf;
  int pos;
  int limit;

  ProtoReader(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off + len > buf.length) {
      throw new IndexOutOfBoundsException();
    }
    this.buf = buf;
    this.pos = off;
    this.limit = off + len;
  }

  /** Whether the current message has more fields. */
  boolean more() {
    return pos < limit;
  }

  /** The next field's tag (field number << 3 | wire type). */
  int tag() {
    int tag = (int) varint();
    if (tag >>> 3 == 0) {
      throw malformed("a field number of 0");
    }
    return tag;
  }

  long varint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw malformed("the input ended in the middle of a varint");
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw malformed("a varint longer than 10 bytes");
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

  /** The length of a length-delimited field; the field's bytes are {@code [pos, pos + length)}. */
  int length() {
    long n = varint();
    if (n < 0 || n > limit - pos) {
      throw malformed("a length-delimited field longer than the input");
    }
    return (int) n;
  }

  /** Skips a field of {@code wireType}. */
  void skip(int wireType) {
    switch (wireType) {
      case VARINT -> varint();
      case FIXED64 -> {
        need(8);
        pos += 8;
      }
      case LEN -> {
        int n = length();
        pos += n;
      }
      case FIXED32 -> {
        need(4);
        pos += 4;
      }
      default -> throw malformed("wire type " + wireType + " (groups are not part of OTLP)");
    }
  }

  /** A string field of {@code len} bytes at {@code pos} (consumed); short ASCII strings come from {@code cache}. */
  String string(int len, StringCache cache) {
    int off = pos;
    pos += len;
    if (len <= StringCache.MAX_LENGTH) {
      String cached = cache.get(buf, off, len);
      if (cached != null) {
        return cached;
      }
    }
    String s = new String(buf, off, len, StandardCharsets.UTF_8);
    // the JDK replaces malformed input with U+FFFD: only a string that holds one needs the full check
    if (s.indexOf('\uFFFD') >= 0 && !validUtf8(buf, off, off + len)) {
      throw malformed("a string that is not valid UTF-8");
    }
    return s;
  }

  private void need(int n) {
    if (limit - pos < n) {
      throw malformed("the input ended in the middle of a field");
    }
  }

  static MalformedPayloadException malformed(String what) {
    return new MalformedPayloadException("body is not a valid OTLP ExportTraceServiceRequest protobuf: " + what, null);
  }

  /** Whether {@code [from, end)} is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points over U+10FFFF). */
  static boolean validUtf8(byte[] b, int from, int end) {
    int i = from;
    while (i < end) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        min = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        min = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + n >= end) {
        return false;
      }
      int cp = c & (0x3F >> n);
      for (int k = 1; k <= n; k++) {
        int cc = b[i + k] & 0xFF;
        if ((cc & 0xC0) != 0x80) {
          return false;
        }
        cp = cp << 6 | (cc & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }
}
