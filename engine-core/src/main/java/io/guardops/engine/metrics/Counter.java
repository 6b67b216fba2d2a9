package io.guardops.engine.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** A monotonic count per label set. Thread-safe; increments are a {@link LongAdder} add. */
final class Counter {
  private final String name;
  private final String help;
  private final List<String> labelNames;
  private final Map<List<String>, LongAdder> children = new ConcurrentHashMap<>();

  Counter(String name, String help, String... labelNames) {
    if (!name.endsWith("_total")) {
      throw new IllegalArgumentException("a counter's name ends with _total: " + name);
    }
    this.name = Names.checkMetric(name);
    this.help = help;
    this.labelNames = Names.checkLabels(name, labelNames);
  }

  /** The count of one label set, created at 0 on first use. */
  LongAdder labels(String... values) {
    if (values.length != labelNames.size()) {
      throw new IllegalArgumentException(name + " takes " + labelNames.size() + " label values, got " + values.length);
    }
    return children.computeIfAbsent(Arrays.asList(values.clone()), k -> new LongAdder());
  }

  /** The current value of one label set (0 when never counted). */
  long get(String... values) {
    LongAdder a = children.get(Arrays.asList(values));
    return a == null ? 0 : a.sum();
  }

  MetricFamily collect() {
    List<MetricFamily.Sample> samples = new ArrayList<>();
    children.forEach((values, adder) -> samples.add(new MetricFamily.Sample(name, labelNames, values, adder.sum())));
    samples.sort(Registry.BY_LABELS);
    return new MetricFamily(name, MetricFamily.Type.COUNTER, help, samples);
  }
}
