package io.guardops.engine.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram per label set with fixed bucket bounds (in seconds for latencies). Thread-safe; an
 * observation is a binary search and three adder increments, no lock.
 */
final class Histogram {
  /** Latency buckets from 0.5 ms to 10 s: requests here range from a cached read to a slow commit. */
  static final double[] LATENCY_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
      5, 10};

  private final String name;
  private final String help;
  private final List<String> labelNames;
  private final double[] bounds;
  private final Map<List<String>, Child> children = new ConcurrentHashMap<>();

  Histogram(String name, String help, double[] bounds, String... labelNames) {
    this.name = Names.checkMetric(name);
    this.help = help;
    this.labelNames = Names.checkLabels(name, labelNames);
    for (int i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) {
        throw new IllegalArgumentException(name + ": bucket bounds must increase");
      }
    }
    this.bounds = bounds.clone();
  }

  /** One label set's histogram, created empty on first use. */
  Child labels(String... values) {
    if (values.length != labelNames.size()) {
      throw new IllegalArgumentException(name + " takes " + labelNames.size() + " label values, got " + values.length);
    }
    return children.computeIfAbsent(Arrays.asList(values.clone()), k -> new Child(bounds.length));
  }

  final class Child {
    /** Per bucket, not cumulative: the last slot is +Inf. */
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();

    private Child(int n) {
      counts = new LongAdder[n + 1];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double value) {
      int i = Arrays.binarySearch(bounds, value);
      counts[i >= 0 ? i : -i - 1].increment();
      sum.add(value);
    }

    void observeNanos(long nanos) {
      observe(nanos / 1e9);
    }

    long count() {
      long n = 0;
      for (LongAdder c : counts) {
        n += c.sum();
      }
      return n;
    }
  }

  MetricFamily collect() {
    List<Map.Entry<List<String>, Child>> entries = new ArrayList<>(children.entrySet());
    entries.sort((a, b) -> Registry.compareLabels(a.getKey(), b.getKey()));
    List<String> bucketLabels = new ArrayList<>(labelNames);
    bucketLabels.add("le");
    List<MetricFamily.Sample> samples = new ArrayList<>();
    for (Map.Entry<List<String>, Child> e : entries) {
      Child c = e.getValue();
      // read every bucket once so that the cumulative counts, the +Inf bucket and _count agree
      long cumulative = 0;
      for (int i = 0; i <= bounds.length; i++) {
        cumulative += c.counts[i].sum();
        List<String> values = new ArrayList<>(e.getKey());
        values.add(i == bounds.length ? "+Inf" : Exposition.formatBound(bounds[i]));
        samples.add(new MetricFamily.Sample(name + "_bucket", bucketLabels, values, cumulative));
      }
      samples.add(new MetricFamily.Sample(name + "_count", labelNames, e.getKey(), cumulative));
      samples.add(new MetricFamily.Sample(name + "_sum", labelNames, e.getKey(), c.sum.sum()));
    }
    return new MetricFamily(name, MetricFamily.Type.HISTOGRAM, help, samples);
  }
}
