package io.guardops.engine.arena;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Elo ratings (the logistic curve with a 400-point scale): the expected score of A against B is
 * {@code 1 / (1 + 10^((Rb - Ra) / 400))}; after a match A's rating moves by {@code K * (S - E)} with
 * {@code S} = 1 for a win, 0.5 for a tie, 0 for a loss, and B's by the opposite amount. Internal: not API.
 */
public final class Elo {
  /** The rating a model starts with. */
  public static final double INITIAL = 1000;

  private Elo() {}

  /** A's expected score against B. */
  public static double expected(double ratingA, double ratingB) {
    return 1 / (1 + Math.pow(10, (ratingB - ratingA) / 400));
  }

  /** The two ratings after a match in which A scored {@code scoreA} (1, 0.5 or 0). */
  public static double[] update(double ratingA, double ratingB, double scoreA, double k) {
    double delta = k * (scoreA - expected(ratingA, ratingB));
    return new double[] {ratingA + delta, ratingB - delta};
  }

  /** One recorded match: A's and B's model ids and A's score. */
  public record Outcome(String a, String b, double scoreA) {}

  /**
   * 95% confidence intervals of each model's rating: the 2.5th and 97.5th percentiles of the ratings
   * that sequential Elo (from {@link #INITIAL}, factor {@code k}) gives on {@code resamples} bootstrap
   * resamples of the matches (drawn with replacement, each resample as long as the record). The random
   * draws are seeded, so the same matches give the same intervals.
   *
   * @return model id -> {low, high}; empty without matches or resamples
   */
  public static Map<String, double[]> intervals(List<Outcome> matches, int resamples, double k, long seed) {
    Map<String, double[]> out = new LinkedHashMap<>();
    if (matches.isEmpty() || resamples <= 0) {
      return out;
    }
    Map<String, Integer> index = new HashMap<>();
    for (Outcome o : matches) {
      index.putIfAbsent(o.a(), index.size());
      index.putIfAbsent(o.b(), index.size());
    }
    int models = index.size();
    int n = matches.size();
    int[] a = new int[n];
    int[] b = new int[n];
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = index.get(matches.get(i).a());
      b[i] = index.get(matches.get(i).b());
      s[i] = matches.get(i).scoreA();
    }
    double[][] samples = new double[models][resamples];
    SplittableRandom random = new SplittableRandom(seed);
    double[] r = new double[models];
    for (int rs = 0; rs < resamples; rs++) {
      Arrays.fill(r, INITIAL);
      for (int i = 0; i < n; i++) {
        int m = random.nextInt(n);
        double delta = k * (s[m] - expected(r[a[m]], r[b[m]]));
        r[a[m]] += delta;
        r[b[m]] -= delta;
      }
      for (int m = 0; m < models; m++) {
        samples[m][rs] = r[m];
      }
    }
    for (Map.Entry<String, Integer> e : index.entrySet()) {
      double[] v = samples[e.getValue()];
      Arrays.sort(v);
      out.put(e.getKey(), new double[] {percentile(v, 0.025), percentile(v, 0.975)});
    }
    return out;
  }

  /** Linear interpolation between the closest ranks of a sorted array. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 1) {
      return sorted[0];
    }
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
}
