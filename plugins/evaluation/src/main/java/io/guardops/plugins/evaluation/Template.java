package io.guardops.plugins.evaluation;

import io.guardops.api.Attributes;
import io.guardops.api.eval.EvalItem;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rubric template with {@code {{variables}}}: {@code input}, {@code output}, {@code expected},
 * {@code context} (the documents, numbered) and any metadata key of the item. Parsed once; rendering
 * refuses a variable the item cannot fill, so a typo is not sent to the judge as an empty string.
 */
final class Template {
  private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");
  private final List<Object> parts;

  private Template(List<Object> parts) {
    this.parts = parts;
  }

  /** A variable reference inside a template. */
  private record Variable(String name) {}

  static Template parse(String text) {
    List<Object> parts = new ArrayList<>();
    Matcher m = VARIABLE.matcher(text);
    int last = 0;
    while (m.find()) {
      addLiteral(parts, text.substring(last, m.start()), text);
      parts.add(new Variable(m.group(1)));
      last = m.end();
    }
    addLiteral(parts, text.substring(last), text);
    return new Template(List.copyOf(parts));
  }

  private static void addLiteral(List<Object> parts, String literal, String whole) {
    int open = literal.indexOf("{{");
    if (open >= 0) {
      throw new IllegalArgumentException("the template has a '{{' that is not a variable such as {{output}} near '"
          + Texts.head(literal.substring(open), 40) + "'");
    }
    if (!literal.isEmpty()) {
      parts.add(literal);
    }
  }

  boolean uses(String variable) {
    return parts.stream().anyMatch(p -> p instanceof Variable v && v.name().equals(variable));
  }

  /** The template filled from {@code item}; each value cut to {@code maxChars}. */
  String render(EvalItem item, int maxChars) {
    StringBuilder sb = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof Variable v) {
        sb.append(Judge.cut(value(item, v.name()), maxChars));
      } else {
        sb.append((String) p);
      }
    }
    return sb.toString();
  }

  private static String value(EvalItem item, String name) {
    switch (name) {
      case "input": return item.input();
      case "output": return item.output();
      case "expected":
        if (item.expected() == null) {
          throw new IllegalArgumentException("the rubric uses {{expected}} and the item has no expected answer");
        }
        return item.expected();
      case "context": return Judge.numbered(item.context());
      default:
        Object v = item.metadata().get(name);
        if (v == null) {
          throw new IllegalArgumentException("the rubric uses {{" + name + "}} and the item has no such field or "
              + "metadata key (fields: input, output, expected, context; metadata: " + item.metadata().keySet() + ")");
        }
        return Attributes.asString(v);
    }
  }
}
