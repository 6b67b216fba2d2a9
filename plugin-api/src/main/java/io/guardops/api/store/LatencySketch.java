package io.guardops.api.store;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mergeable histogram of durations with bounded relative error, for stores that keep metric
 * rollups at ingest instead of every duration (DDSketch's logarithmic binning). A duration {@code x}
 * falls in bin {@code k = ceil(log_g(x))} with {@code g = (1 + a) / (1 - a)}; a bin answers with
 * {@code 2 g^k / (g + 1)}, which is within {@code a} = {@link #RELATIVE_ACCURACY} of every value in
 * it. So {@link #quantile} is within 0.5% of the exact nearest-rank percentile of the same values,
 * and sketches of minutes merge into exact sketches of hours. Durations of 0 are kept exactly.
 * Counts can be removed again (a re-sent span replaces its old self; a purge removes its spans).
 * Not thread-safe.
 */
public final class LatencySketch {
  /** Largest relative error of a quantile: 0.5%. */
  public static final double RELATIVE_ACCURACY = 0.005;
  private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
  private static final double LOG_GAMMA = Math.log(GAMMA);
  /** Bin of durations of 0 (or less). */
  private static final int ZERO = Integer.MIN_VALUE;

  private final TreeMap<Integer, Long> bins = new TreeMap<>();
  private long count;

  /** Adds one duration. */
  public LatencySketch add(long nanos) {
    return add(nanos, 1);
  }

  /** Adds {@code n} durations of the same length. */
  public LatencySketch add(long nanos, long n) {
    if (n < 0) {
      throw new IllegalArgumentException("count must not be negative");
    }
    if (n > 0) {
      bins.merge(bin(nanos), n, Long::sum);
      count += n;
    }
    return this;
  }

  /** Removes one duration added before (a no-op if its bin is empty). */
  public LatencySketch remove(long nanos) {
    int b = bin(nanos);
    Long c = bins.get(b);
    if (c != null) {
      if (c <= 1) {
        bins.remove(b);
      } else {
        bins.put(b, c - 1);
      }
      count--;
    }
    return this;
  }

  /** Adds every duration of {@code other}. */
  public LatencySketch merge(LatencySketch other) {
    for (Map.Entry<Integer, Long> e : other.bins.entrySet()) {
      bins.merge(e.getKey(), e.getValue(), Long::sum);
    }
    count += other.count;
    return this;
  }

  /** How many durations it holds. */
  public long count() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /**
   * The nearest-rank percentile ({@code percentile} in (0, 100]): the bin holding the value at rank
   * {@code ceil(p/100 * n)}, answered within {@link #RELATIVE_ACCURACY} of that value.
   *
   * @throws IllegalStateException when empty
   */
  public long quantile(double percentile) {
    if (count == 0) {
      throw new IllegalStateException("an empty sketch has no quantiles");
    }
    long rank = Math.max(1, Math.min(count, (long) Math.ceil(percentile / 100.0 * count)));
    long seen = 0;
    for (Map.Entry<Integer, Long> e : bins.entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        return value(e.getKey());
      }
    }
    return value(bins.lastKey());
  }

  /** The bin of a duration. */
  static int bin(long nanos) {
    if (nanos <= 0) {
      return ZERO;
    }
    return (int) Math.ceil(Math.log(nanos) / LOG_GAMMA);
  }

  /** The value a bin answers with. */
  static long value(int bin) {
    if (bin == ZERO) {
      return 0;
    }
    return Math.round(2 * Math.pow(GAMMA, bin) / (GAMMA + 1));
  }

  /** A compact encoding: varint bin count, then per bin a zigzag varint bin delta and a varint count. */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8 + bins.size() * 3);
    writeVarint(out, bins.size());
    long previous = 0;
    for (Map.Entry<Integer, Long> e : bins.entrySet()) {
      long b = e.getKey();
      long delta = b - previous;
      writeVarint(out, (delta << 1) ^ (delta >> 63));
      writeVarint(out, e.getValue());
      previous = b;
    }
    return out.toByteArray();
  }

  /**
   * Reads {@link #encode}'s form.
   *
   * @throws IllegalArgumentException when the bytes are not a sketch
   */
  public static LatencySketch decode(byte[] bytes) {
    LatencySketch s = new LatencySketch();
    readBins(bytes, (b, c) -> {
      s.bins.put(b, c);
      s.count += c;
    });
    return s;
  }

  /** Receives the bins of an encoded sketch in ascending order. */
  @FunctionalInterface
  private interface BinVisitor {
    void bin(int bin, long count);
  }

  /** Reads {@link #encode}'s form bin by bin; an empty or null array has no bins. */
  private static void readBins(byte[] bytes, BinVisitor visitor) {
    if (bytes == null || bytes.length == 0) {
      return;
    }
    int[] pos = {0};
    long n = readVarint(bytes, pos);
    long previous = 0;
    for (long i = 0; i < n; i++) {
      long zz = readVarint(bytes, pos);
      long b = previous + ((zz >>> 1) ^ -(zz & 1));
      long c = readVarint(bytes, pos);
      if (b < Integer.MIN_VALUE || b > Integer.MAX_VALUE || c <= 0) {
        throw new IllegalArgumentException("not a latency sketch");
      }
      visitor.bin((int) b, c);
      previous = b;
    }
  }

  /**
   * The sum of many encoded sketches, added bin by bin from their encoded form into a plain array and
   * turned into one sketch at the end: exactly the sketch that decoding and merging every input gives,
   * for a fraction of the cost (a day by hour merges 5,760 minute sketches; decoding each into a sketch
   * and merging it cost about 85 ns per bin). Not thread-safe.
   */
  public static final class Sum {
    /** The only sketch added so far, kept as it is: one input needs no summing. */
    private byte[] only;
    private boolean summing;
    private long zero;
    /** Counts of bins {@code base, base + 1, ...}. */
    private long[] counts = new long[0];
    private long base;

    /**
     * Adds an encoded sketch.
     *
     * @throws IllegalArgumentException when the bytes are not a sketch (when summing; a single input is
     *     checked by {@link #toSketch})
     */
    public void addEncoded(byte[] bytes) {
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
        readBins(first, this::addBin);
      }
      readBins(bytes, this::addBin);
    }

    private void addBin(int bin, long count) {
      if (bin == ZERO) {
        zero += count;
      } else {
        // slot() may replace the array: index it only after
        int at = slot(bin);
        counts[at] += count;
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
        counts = java.util.Arrays.copyOf(counts, (int) Math.max(bin - base + 1, counts.length * 2L));
      }
      return (int) (bin - base);
    }

    /** The sum as a sketch. */
    public LatencySketch toSketch() {
      if (only != null) {
        return decode(only);
      }
      LatencySketch s = new LatencySketch();
      if (zero > 0) {
        s.bins.put(ZERO, zero);
        s.count += zero;
      }
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] > 0) {
          s.bins.put((int) (base + i), counts[i]);
          s.count += counts[i];
        }
      }
      return s;
    }
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
