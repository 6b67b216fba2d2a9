package io.guardops.engine.metrics;

import java.util.List;
import java.util.regex.Pattern;

/** The Prometheus naming rules, checked once when a metric is registered. */
final class Names {
  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private Names() {}

  static String checkMetric(String name) {
    if (name == null || !METRIC.matcher(name).matches()) {
      throw new IllegalArgumentException("not a valid metric name: '" + name + "'");
    }
    return name;
  }

  static boolean validMetric(String name) {
    return name != null && METRIC.matcher(name).matches();
  }

  static List<String> checkLabels(String metric, String... labels) {
    for (String l : labels) {
      if (l == null || !LABEL.matcher(l).matches() || l.startsWith("__") || l.equals("le") || l.equals("quantile")) {
        throw new IllegalArgumentException(metric + ": not a valid label name: '" + l + "'");
      }
    }
    return List.of(labels);
  }
}
