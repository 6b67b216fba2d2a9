package io.guardops.engine.metrics;

import java.util.List;
import java.util.Objects;

/**
 * One metric family at the moment of a scrape: its name, type, help and samples. Counter families
 * are named with their {@code _total} suffix (as the 0.0.4 text format writes them); the OpenMetrics
 * writer strips it from the family name.
 */
record MetricFamily(String name, Type type, String help, List<Sample> samples) {
  enum Type {
    COUNTER("counter"), GAUGE("gauge"), HISTOGRAM("histogram"), SUMMARY("summary"),
    /** Written as a gauge in the 0.0.4 format, as {@code info} in OpenMetrics; named {@code *_info}. */
    INFO("info");

    final String word;

    Type(String word) {
      this.word = word;
    }
  }

  /**
   * One sample: {@code name} is the family's name plus a suffix ({@code _bucket}, {@code _sum},
   * {@code _count}) or the family's name itself.
   */
  record Sample(String name, List<String> labelNames, List<String> labelValues, double value) {
    Sample {
      Objects.requireNonNull(name, "name");
      labelNames = List.copyOf(labelNames);
      labelValues = List.copyOf(labelValues);
      if (labelNames.size() != labelValues.size()) {
        throw new IllegalArgumentException(name + ": " + labelNames.size() + " label names but "
            + labelValues.size() + " values");
      }
    }
  }

  MetricFamily {
    Names.checkMetric(name);
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(help, "help");
    samples = List.copyOf(samples);
  }
}
