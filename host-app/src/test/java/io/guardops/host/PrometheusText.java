package io.guardops.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 and of OpenMetrics 1.0 text, for
 * tests. No parser of these formats for Java is published on Maven Central that resolves here (the
 * official Java client only writes them), so this one follows the grammar of the format documents and
 * refuses anything they do not allow: bad names, bad escapes, bad numbers, a sample before its TYPE,
 * a family in two places, a duplicate series, a sample name that its type does not have, histogram
 * buckets that are not cumulative or whose +Inf bucket is not the count; for OpenMetrics also a
 * counter family named {@code _total}, a comment, a blank line, or anything but {@code # EOF} at the end.
 */
final class PrometheusText {
  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern FLOAT = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /** A family: its type, help, and samples by series ({@code name{l="v",...}} with labels sorted). */
  record Family(String name, String type, String help, Map<String, Double> samples) {}

  private final boolean openMetrics;
  private final Map<String, Family> families = new LinkedHashMap<>();
  private final Map<String, Double> series = new LinkedHashMap<>();
  private String current;

  private PrometheusText(boolean openMetrics) {
    this.openMetrics = openMetrics;
  }

  /** Parses a whole exposition; throws {@link IllegalArgumentException} naming the line on any violation. */
  static PrometheusText parse(String text, boolean openMetrics) {
    PrometheusText p = new PrometheusText(openMetrics);
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    boolean eof = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      try {
        if (eof) {
          throw new IllegalArgumentException("nothing may follow # EOF");
        }
        if (openMetrics && line.equals("# EOF")) {
          eof = true;
        } else {
          p.line(line);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
      }
    }
    if (openMetrics && !eof) {
      throw new IllegalArgumentException("OpenMetrics text must end with # EOF");
    }
    p.checkHistograms();
    return p;
  }

  Map<String, Family> families() {
    return families;
  }

  /** The value of one series, labels in any order: {@code value("x_total", "transport", "grpc")}; null when absent. */
  Double value(String name, String... labels) {
    Map<String, String> l = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      l.put(labels[i], labels[i + 1]);
    }
    return series.get(key(name, l));
  }

  /** A value or 0 when the series does not exist yet (a counter never incremented). */
  double count(String name, String... labels) {
    Double v = value(name, labels);
    return v == null ? 0 : v;
  }

  private void line(String line) {
    if (line.isEmpty()) {
      if (openMetrics) {
        throw new IllegalArgumentException("OpenMetrics allows no blank line");
      }
      return;
    }
    if (line.startsWith("#")) {
      comment(line);
      return;
    }
    sample(line);
  }

  private void comment(String line) {
    String[] parts = line.split(" ", 4);
    boolean descriptor = parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE")
        || openMetrics && parts[1].equals("UNIT"));
    if (!descriptor) {
      if (openMetrics) {
        throw new IllegalArgumentException("OpenMetrics allows no comments");
      }
      return;
    }
    String name = parts[2];
    if (!METRIC.matcher(name).matches()) {
      throw new IllegalArgumentException("bad metric name " + name);
    }
    Family f = families.get(name);
    if (f != null && !name.equals(current)) {
      throw new IllegalArgumentException("family " + name + " appears in two places");
    }
    if (f != null && !f.samples().isEmpty()) {
      throw new IllegalArgumentException(parts[1] + " of " + name + " after its samples");
    }
    String rest = parts.length == 4 ? parts[3] : "";
    switch (parts[1]) {
      case "HELP" -> {
        if (f != null && f.help() != null) {
          throw new IllegalArgumentException("a second HELP for " + name);
        }
        families.put(name, new Family(name, f == null ? null : f.type(), unescape(rest, openMetrics), new LinkedHashMap<>()));
      }
      case "TYPE" -> {
        List<String> types = openMetrics
            ? List.of("counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset", "unknown")
            : List.of("counter", "gauge", "histogram", "summary", "untyped");
        if (!types.contains(rest)) {
          throw new IllegalArgumentException("unknown type " + rest);
        }
        if (f != null && f.type() != null) {
          throw new IllegalArgumentException("a second TYPE for " + name);
        }
        if (openMetrics && rest.equals("counter") && name.endsWith("_total")) {
          throw new IllegalArgumentException("an OpenMetrics counter family is named without _total");
        }
        families.put(name, new Family(name, rest, f == null ? null : f.help(), new LinkedHashMap<>()));
      }
      default -> { }
    }
    current = name;
  }

  private void sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (!METRIC.matcher(name).matches()) {
      throw new IllegalArgumentException("bad metric name " + name);
    }
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i = labels(line, i + 1, labels);
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException("a space must separate the series from its value");
    }
    String[] rest = line.substring(i + 1).split(" ", -1);
    if (rest.length > 2 || rest[0].isEmpty()) {
      throw new IllegalArgumentException("expected a value and at most a timestamp");
    }
    double value = number(rest[0]);
    Family f = familyOf(name, labels);
    String key = key(name, labels);
    if (series.put(key, value) != null) {
      throw new IllegalArgumentException("duplicate series " + key);
    }
    f.samples().put(key, value);
  }

  private int labels(String line, int i, Map<String, String> out) {
    while (true) {
      if (i < line.length() && line.charAt(i) == '}') {
        return i + 1;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0) {
        throw new IllegalArgumentException("a label without '='");
      }
      String name = line.substring(i, eq);
      if (!LABEL.matcher(name).matches() || name.startsWith("__")) {
        throw new IllegalArgumentException("bad label name '" + name + "'");
      }
      if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        throw new IllegalArgumentException("a label value must be quoted");
      }
      StringBuilder v = new StringBuilder();
      int j = eq + 2;
      for (; ; j++) {
        if (j >= line.length()) {
          throw new IllegalArgumentException("unterminated label value");
        }
        char c = line.charAt(j);
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          char n = j + 1 < line.length() ? line.charAt(++j) : 0;
          switch (n) {
            case '\\' -> v.append('\\');
            case '"' -> v.append('"');
            case 'n' -> v.append('\n');
            default -> throw new IllegalArgumentException("bad escape \\" + n + " in a label value");
          }
        } else {
          v.append(c);
        }
      }
      if (out.put(name, v.toString()) != null) {
        throw new IllegalArgumentException("label " + name + " twice");
      }
      i = j + 1;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
        if (openMetrics && i < line.length() && line.charAt(i) == '}') {
          throw new IllegalArgumentException("OpenMetrics allows no trailing comma in labels");
        }
      } else if (i >= line.length() || line.charAt(i) != '}') {
        throw new IllegalArgumentException("labels must be separated by commas");
      }
    }
  }

  /** The family a sample belongs to: the current one, with the suffixes its type allows. */
  private Family familyOf(String name, Map<String, String> labels) {
    Family f = current == null ? null : families.get(current);
    if (f == null || f.type() == null) {
      throw new IllegalArgumentException("sample " + name + " before any TYPE");
    }
    String suffix = name.startsWith(f.name()) ? name.substring(f.name().length()) : null;
    List<String> allowed = switch (f.type()) {
      case "counter" -> openMetrics ? List.of("_total", "_created") : List.of("");
      case "histogram" -> List.of("_bucket", "_sum", "_count", "_created");
      case "summary" -> List.of("", "_sum", "_count", "_created");
      case "info" -> List.of("_info");
      default -> List.of("");
    };
    if (suffix == null || !allowed.contains(suffix)) {
      throw new IllegalArgumentException("sample " + name + " does not belong to the " + f.type() + " " + f.name());
    }
    if (f.type().equals("histogram") && suffix.equals("_bucket")) {
      if (!labels.containsKey("le")) {
        throw new IllegalArgumentException("a bucket without le");
      }
      number(labels.get("le"));
    }
    if (f.type().equals("summary") && suffix.isEmpty() && !labels.containsKey("quantile")) {
      throw new IllegalArgumentException("a summary quantile without its label");
    }
    return f;
  }

  private void checkHistograms() {
    for (Family f : families.values()) {
      if (!"histogram".equals(f.type())) {
        continue;
      }
      // per label set (without le): buckets cumulative in order of le, +Inf = _count
      Map<String, List<double[]>> buckets = new HashMap<>();
      Set<String> counted = new HashSet<>();
      for (Map.Entry<String, Double> e : f.samples().entrySet()) {
        String k = e.getKey();
        if (k.startsWith(f.name() + "_bucket")) {
          Map<String, String> labels = parseKey(k);
          double le = number(labels.remove("le"));
          buckets.computeIfAbsent(key(f.name(), labels), x -> new ArrayList<>()).add(new double[] {le, e.getValue()});
        } else if (k.startsWith(f.name() + "_count")) {
          counted.add(key(f.name(), parseKey(k)));
        }
      }
      for (Map.Entry<String, List<double[]>> e : buckets.entrySet()) {
        List<double[]> bs = e.getValue();
        bs.sort((a, b) -> Double.compare(a[0], b[0]));
        for (int i = 1; i < bs.size(); i++) {
          if (bs.get(i)[1] < bs.get(i - 1)[1]) {
            throw new IllegalArgumentException(e.getKey() + ": buckets are not cumulative");
          }
        }
        double[] last = bs.get(bs.size() - 1);
        if (last[0] != Double.POSITIVE_INFINITY) {
          throw new IllegalArgumentException(e.getKey() + ": no +Inf bucket");
        }
        String countKey = e.getKey().replaceFirst(Pattern.quote(f.name()), f.name() + "_count");
        if (!counted.contains(e.getKey()) || series.get(countKey) != last[1]) {
          throw new IllegalArgumentException(e.getKey() + ": the +Inf bucket is not the _count");
        }
      }
    }
  }

  private static double number(String s) {
    switch (s) {
      case "+Inf", "Inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-Inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "NaN" -> {
        return Double.NaN;
      }
      default -> {
        if (!FLOAT.matcher(s).matches()) {
          throw new IllegalArgumentException("not a number: '" + s + "'");
        }
        return Double.parseDouble(s);
      }
    }
  }

  private static String unescape(String s, boolean quotes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char n = i + 1 < s.length() ? s.charAt(++i) : 0;
      switch (n) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        case '"' -> {
          if (!quotes) {
            throw new IllegalArgumentException("\\\" is no escape in 0.0.4 help text");
          }
          out.append('"');
        }
        default -> throw new IllegalArgumentException("bad escape \\" + n + " in help text");
      }
    }
    return out.toString();
  }

  private static String key(String name, Map<String, String> labels) {
    StringBuilder sb = new StringBuilder(name).append('{');
    labels.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\").replace(",", "\\,"))
        .append(','));
    return sb.append('}').toString();
  }

  private static Map<String, String> parseKey(String key) {
    Map<String, String> out = new TreeMap<>();
    String body = key.substring(key.indexOf('{') + 1, key.length() - 1);
    StringBuilder part = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\') {
        part.append(body.charAt(++i));
      } else if (c == ',') {
        int eq = part.indexOf("=");
        out.put(part.substring(0, eq), part.substring(eq + 1));
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    return out;
  }
}
