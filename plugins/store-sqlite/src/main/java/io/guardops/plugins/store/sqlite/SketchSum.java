package io.guardops.plugins.store.sqlite;

import io.guardops.api.store.LatencySketch;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The sum of many encoded {@link LatencySketch}es, added bin by bin from their encoded form (the one
 * {@link LatencySketch#encode} documents: a varint bin count, then per bin a zigzag varint bin delta
 * and a varint count) into a plain array, and turned into one sketch at the end. A day by hour merges
 * 5,760 minute sketches; decoding each into a sketch and merging it cost about 85 ns per bin, most of
 * the query's time, against a few here. The result is exactly the sketch that decoding and merging
 * every input would give. The varint codec repeats {@link LatencySketch}'s private one because the
 * API offers no merge from the encoded form (a {@code LatencySketch.mergeEncoded(byte[])} would make
 * this class unnecessary). Not thread-safe.
 */
final class SketchSum {
  /** The bin {@link LatencySketch} keeps durations of 0 in. */
  private static final long ZERO_BIN = Integer.MIN_VALUE;

  /** The only sketch added so far, kept as it is: a minute row of a by-minute query needs no summing. */
  private byte[] only;
  private boolean summing;
  private long zero;
  /** Counts of bins {@code base, base + 1, ...}. */
  private long[] counts = new long[0];
  private long base;

  /**
   * Adds an encoded sketch.
   *
   * @throws IllegalArgumentException when the bytes are not a sketch
   */
  void addEncoded(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return;
    }
    if (!summing) {
      if (only == null) {
        only = bytes;
        return;
      }
      summing = true;
      byte[] first = only;
      only = null;
      sum(first);
    }
    sum(bytes);
  }

  private void sum(byte[] bytes) {
    int[] pos = {0};
    long n = readVarint(bytes, pos);
    long bin = 0;
    for (long i = 0; i < n; i++) {
      long zz = readVarint(bytes, pos);
      bin += (zz >>> 1) ^ -(zz & 1);
      long count = readVarint(bytes, pos);
      if (bin < Integer.MIN_VALUE || bin > Integer.MAX_VALUE || count <= 0) {
        throw new IllegalArgumentException("not a latency sketch");
      }
      if (bin == ZERO_BIN) {
        zero += count;
      } else {
        // slot() may replace the array: index it only after
        int at = slot(bin);
        counts[at] += count;
      }
    }
  }

  /** The index of {@code bin} in {@link #counts}, growing the array to hold it. */
  private int slot(long bin) {
    if (counts.length == 0) {
      base = bin;
      counts = new long[64];
    } else if (bin < base) {
      int grow = (int) Math.max(base - bin, counts.length / 2);
      long[] bigger = new long[counts.length + grow];
      System.arraycopy(counts, 0, bigger, grow, counts.length);
      counts = bigger;
      base -= grow;
    } else if (bin >= base + counts.length) {
      counts = Arrays.copyOf(counts, (int) Math.max(bin - base + 1, counts.length * 2L));
    }
    return (int) (bin - base);
  }

  /** The sum as a sketch. */
  LatencySketch toSketch() {
    if (only != null) {
      return LatencySketch.decode(only);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int bins = zero > 0 ? 1 : 0;
    for (long c : counts) {
      bins += c > 0 ? 1 : 0;
    }
    writeVarint(out, bins);
    long previous = 0;
    if (zero > 0) {
      writeBin(out, ZERO_BIN - previous, zero);
      previous = ZERO_BIN;
    }
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        writeBin(out, base + i - previous, counts[i]);
        previous = base + i;
      }
    }
    return LatencySketch.decode(out.toByteArray());
  }

  private static void writeBin(ByteArrayOutputStream out, long delta, long count) {
    writeVarint(out, (delta << 1) ^ (delta >> 63));
    writeVarint(out, count);
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long readVarint(byte[] b, int[] pos) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= b.length) {
        throw new IllegalArgumentException("not a latency sketch: cut short");
      }
      byte x = b[pos[0]++];
      result |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("not a latency sketch: bad varint");
  }
}
