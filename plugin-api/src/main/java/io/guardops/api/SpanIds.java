package io.guardops.api;

import java.util.Base64;

/**
 * Trace and span id conversions shared by the decoders, the exporter and the views: lowercase hex
 * as stored, parsed from the forms clients send.
 *
 * <p>Stored ids are lowercase hex without a prefix: 32 characters for a trace, 16 for a span. All
 * methods are static and thread-safe; the parsing methods return {@code null} for anything that is
 * not a usable id so that callers on the hot path can reject one span without an exception.
 */
public final class SpanIds {
  /** Hex length of a trace id. */
  public static final int TRACE_HEX = 32;
  /** Hex length of a span id. */
  public static final int SPAN_HEX = 16;

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private SpanIds() {}

  /** Lowercase hex of {@code bytes}; {@code null} for an empty or all-zero array (an invalid id). */
  public static String hexOrNull(byte[] bytes) {
    if (bytes == null || bytes.length == 0 || allZero(bytes)) {
      return null;
    }
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      out[2 * i] = DIGITS[b >>> 4];
      out[2 * i + 1] = DIGITS[b & 0x0f];
    }
    return new String(out);
  }

  /**
   * Normalises an id written as hex of exactly {@code hexLength} digits, with or without {@code 0x},
   * in any case, to the stored form. Returns {@code null} when the text is not hex, has another
   * length (an id of the wrong length is a malformed id, not one to pad), or is all zeros.
   */
  public static String parseHex(String text, int hexLength) {
    if (text == null) {
      return null;
    }
    int from = 0;
    if (text.length() >= 2 && text.charAt(0) == '0' && (text.charAt(1) == 'x' || text.charAt(1) == 'X')) {
      from = 2;
    }
    if (text.length() - from != hexLength) {
      return null;
    }
    char[] out = new char[hexLength];
    boolean nonZero = false;
    for (int i = 0; i < hexLength; i++) {
      char c = text.charAt(from + i);
      if (c >= '0' && c <= '9') {
        nonZero |= c != '0';
      } else if (c >= 'a' && c <= 'f') {
        nonZero = true;
      } else if (c >= 'A' && c <= 'F') {
        c = (char) (c + ('a' - 'A'));
        nonZero = true;
      } else {
        return null;
      }
      out[i] = c;
    }
    return nonZero ? new String(out) : null;
  }

  /**
   * Parses an OTLP/JSON id: hex of exactly {@code hexLength} characters as the spec says, or, for
   * clients that wrongly use proto3's default JSON mapping, base64 of the right byte length.
   * Returns {@code null} if neither fits or the id is all zeros.
   */
  public static String parseOtlpJsonId(String text, int hexLength) {
    if (text == null) {
      return null;
    }
    if (text.length() == hexLength) {
      String hex = parseHex(text, hexLength);
      if (hex != null || isHex(text)) {
        return hex;
      }
    }
    // base64 of 16 bytes is 24 chars, of 8 bytes 12 chars; anything else cannot be an id
    int b64Len = ((hexLength / 2 + 2) / 3) * 4;
    if (text.length() == b64Len) {
      try {
        byte[] raw = Base64.getDecoder().decode(text);
        if (raw.length == hexLength / 2) {
          return hexOrNull(raw);
        }
      } catch (IllegalArgumentException notBase64) {
        return null;
      }
    }
    return null;
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
