package io.guardops.engine.metrics;

import java.util.List;

/**
 * Writes metric families in the Prometheus text format 0.0.4 or in OpenMetrics 1.0 text. The two
 * differ in little: OpenMetrics names a counter family without its {@code _total} suffix, has an
 * {@code info} type, escapes double quotes in help text, and ends with {@code # EOF}.
 */
final class Exposition {
  private Exposition() {}

  static String write(List<MetricFamily> families, boolean openMetrics) {
    StringBuilder sb = new StringBuilder(families.size() * 160);
    for (MetricFamily f : families) {
      String family = familyName(f, openMetrics);
      sb.append("# HELP ").append(family).append(' ');
      escape(sb, f.help(), openMetrics);
      sb.append('\n');
      sb.append("# TYPE ").append(family).append(' ').append(typeWord(f.type(), openMetrics)).append('\n');
      for (MetricFamily.Sample s : f.samples()) {
        sb.append(s.name());
        if (!s.labelNames().isEmpty()) {
          sb.append('{');
          for (int i = 0; i < s.labelNames().size(); i++) {
            if (i > 0) {
              sb.append(',');
            }
            sb.append(s.labelNames().get(i)).append("=\"");
            escape(sb, s.labelValues().get(i), true);
            sb.append('"');
          }
          sb.append('}');
        }
        sb.append(' ').append(formatDouble(s.value())).append('\n');
      }
    }
    if (openMetrics) {
      sb.append("# EOF\n");
    }
    return sb.toString();
  }

  private static String familyName(MetricFamily f, boolean openMetrics) {
    if (openMetrics && f.type() == MetricFamily.Type.COUNTER && f.name().endsWith("_total")) {
      return f.name().substring(0, f.name().length() - "_total".length());
    }
    if (openMetrics && f.type() == MetricFamily.Type.INFO && f.name().endsWith("_info")) {
      return f.name().substring(0, f.name().length() - "_info".length());
    }
    return f.name();
  }

  private static String typeWord(MetricFamily.Type t, boolean openMetrics) {
    return t == MetricFamily.Type.INFO && !openMetrics ? "gauge" : t.word;
  }

  /** Backslash and newline always; double quotes in label values, and in OpenMetrics help text too. */
  private static void escape(StringBuilder sb, String s, boolean quotes) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '"' -> sb.append(quotes ? "\\\"" : "\"");
        default -> sb.append(c);
      }
    }
  }

  /**
   * A bucket bound as OpenMetrics' canonical form wants it, in both formats: plain decimal with a
   * fraction ({@code 0.0005}, {@code 1.0}, {@code 10.0}), never an exponent.
   */
  static String formatBound(double v) {
    String s = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    return s.contains(".") ? s : s + ".0";
  }

  /** Whole numbers without a fraction or exponent (counts read best so), otherwise Java's shortest form. */
  static String formatDouble(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
