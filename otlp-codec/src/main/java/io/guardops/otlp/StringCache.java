package io.guardops.otlp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Short ASCII strings decoded from bytes, shared instead of made anew: attribute keys and small values
 * repeat in every span of every request ({@code gen_ai.request.model}, {@code openai}, ...). A hit saves
 * the allocation, keeps one copy in memory for every span that holds it, and comes with its hash code
 * already computed for the maps that the key goes into. A lossy, lock-free table: slots are replaced on a
 * collision and a race between threads only costs a miss, since Strings are immutable. Thread-safe.
 */
final class StringCache {
  /** Longest string kept. */
  static final int MAX_LENGTH = 48;
  private static final int SLOTS = 4096;

  private final Entry[] slots = new Entry[SLOTS];

  /** A cached string with its bytes, which a lookup compares with one vectorised mismatch. */
  private record Entry(byte[] bytes, String string) {}

  /**
   * The string of the {@code len} bytes at {@code buf[off]} (at most {@link #MAX_LENGTH}) from the cache,
   * adding it when it is ASCII; null when it is not ASCII (the caller decodes it as UTF-8).
   */
  String get(byte[] buf, int off, int len) {
    int h = 1;
    for (int i = off, end = off + len; i < end; i++) {
      byte b = buf[i];
      if (b < 0) {
        return null;
      }
      h = 31 * h + b;
    }
    int slot = (h ^ (h >>> 12)) & (SLOTS - 1);
    Entry e = slots[slot];
    if (e != null && Arrays.equals(e.bytes, 0, e.bytes.length, buf, off, off + len)) {
      return e.string;
    }
    byte[] copy = Arrays.copyOfRange(buf, off, off + len);
    String s = new String(copy, StandardCharsets.ISO_8859_1);
    slots[slot] = new Entry(copy, s);
    return s;
  }
}
