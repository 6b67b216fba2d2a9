package io.guardops.engine.eval;

/**
 * Deterministic sampling by trace: a trace's position in [0, 1) is a hash of its id, and a trace is
 * sampled at rate {@code r} when its position is below {@code r}. So every span of a trace gets the
 * same answer on every host instance, a trace sampled at 10% is also sampled at 50% (raising a rate
 * only adds traces), and every rule of a project at one rate picks the same traces, whose scores can
 * then be compared. The hash mixes all 128 bits, so ids that are not random (counters, test ids)
 * spread evenly too. Stateless.
 */
public final class Sampling {
  private Sampling() {}

  /** Whether the trace is in the sample of {@code rate} (in (0, 1]; 1 samples everything). */
  public static boolean sampled(String traceIdHex, double rate) {
    if (rate >= 1) {
      return true;
    }
    if (!(rate > 0)) {
      return false;
    }
    return position(traceIdHex) < rate;
  }

  /** The trace's position in [0, 1). */
  public static double position(String traceIdHex) {
    long h = mix(hex(traceIdHex, 0) ^ mix(hex(traceIdHex, 16) + 0x9E3779B97F4A7C15L));
    return (h >>> 11) * 0x1.0p-53;
  }

  /** 16 hex digits from {@code from}, without allocating (this runs for every span of a sampled project). */
  private static long hex(String s, int from) {
    long v = 0;
    for (int i = from; i < from + 16; i++) {
      v = (v << 4) | Character.digit(s.charAt(i), 16);
    }
    return v;
  }

  /** SplitMix64's finaliser: a bijection on longs with good avalanche. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
