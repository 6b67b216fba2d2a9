package io.guardops.engine.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one engine, in registration order: counters and histograms it owns, and collectors
 * that read a value at scrape time (gauges of the JVM, the store, the plugins). A collector that fails
 * is left out of that scrape and logged; the scrape still answers.
 */
final class Registry {
  private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

  static final Comparator<MetricFamily.Sample> BY_LABELS = (a, b) -> compareLabels(a.labelValues(), b.labelValues());

  /** Adds the families it knows at the time of a scrape. */
  @FunctionalInterface
  interface Collector {
    void collect(List<MetricFamily> out);
  }

  private final List<Collector> collectors = new CopyOnWriteArrayList<>();

  Counter counter(String name, String help, String... labels) {
    Counter c = new Counter(name, help, labels);
    register(out -> out.add(c.collect()));
    return c;
  }

  Histogram histogram(String name, String help, double[] bounds, String... labels) {
    Histogram h = new Histogram(name, help, bounds, labels);
    register(out -> out.add(h.collect()));
    return h;
  }

  void register(Collector c) {
    collectors.add(c);
  }

  /** Every family, each name once. */
  List<MetricFamily> collect() {
    List<MetricFamily> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Collector c : collectors) {
      List<MetricFamily> some = new ArrayList<>();
      try {
        c.collect(some);
      } catch (RuntimeException e) {
        LOG.warn("a metrics collector failed and is left out of this scrape: {}", e.toString());
        continue;
      }
      for (MetricFamily f : some) {
        if (names.add(f.name())) {
          out.add(f);
        } else {
          LOG.warn("two metric families are named {}: the second is left out", f.name());
        }
      }
    }
    return out;
  }

  static int compareLabels(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
