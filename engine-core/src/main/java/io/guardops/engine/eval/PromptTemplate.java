package io.guardops.engine.eval;

import io.guardops.api.Json;
import io.guardops.api.dataset.DatasetItem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt with {@code {{variables}}} filled from a dataset item: {@code {{input}}},
 * {@code {{expected}}}, {@code {{output}}}, {@code {{context}}} (the documents, numbered) and any
 * metadata key, either bare ({@code {{audience}}}) or as {@code {{metadata.audience}}}. Spaces inside
 * the braces are allowed. A variable the item cannot fill is an error, never an empty string: a
 * prompt silently missing its question would still be scored. Immutable and thread-safe.
 */
public final class PromptTemplate {
  private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.\\-]*)\\s*}}");
  /** Longest template accepted: prompts are text, not data. */
  public static final int MAX_CHARS = 200_000;

  private final String text;
  private final List<Object> parts;
  private final Set<String> variables;

  private PromptTemplate(String text, List<Object> parts, Set<String> variables) {
    this.text = text;
    this.parts = parts;
    this.variables = variables;
  }

  /** A variable reference in the parsed template. */
  private record Var(String name) {}

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException for a blank or too long template, or a {@code {{} that does not
   *     open a valid variable
   */
  public static PromptTemplate parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the prompt template is empty");
    }
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException("the prompt template is longer than " + MAX_CHARS + " characters");
    }
    List<Object> parts = new ArrayList<>();
    Set<String> vars = new LinkedHashSet<>();
    Matcher m = VARIABLE.matcher(text);
    int at = 0;
    while (m.find()) {
      String literal = text.substring(at, m.start());
      checkLiteral(literal, text, at);
      if (!literal.isEmpty()) {
        parts.add(literal);
      }
      String name = m.group(1);
      parts.add(new Var(name));
      vars.add(name);
      at = m.end();
    }
    String tail = text.substring(at);
    checkLiteral(tail, text, at);
    if (!tail.isEmpty()) {
      parts.add(tail);
    }
    return new PromptTemplate(text, List.copyOf(parts), Collections.unmodifiableSet(vars));
  }

  private static void checkLiteral(String literal, String text, int offset) {
    int open = literal.indexOf("{{");
    if (open >= 0) {
      int line = 1;
      for (int i = 0; i < offset + open; i++) {
        if (text.charAt(i) == '\n') {
          line++;
        }
      }
      String near = literal.substring(open, Math.min(literal.length(), open + 30));
      throw new IllegalArgumentException("the prompt template has a '{{' on line " + line + " that is not a variable"
          + " such as {{input}} (near '" + near + "')");
    }
  }

  /** The variables the template uses, in order of first use. */
  public Set<String> variables() {
    return variables;
  }

  /** The template's text. */
  public String text() {
    return text;
  }

  /**
   * The template with every variable replaced.
   *
   * @throws IllegalArgumentException naming the first variable {@code values} lacks
   */
  public String render(Map<String, String> values) {
    StringBuilder sb = new StringBuilder(text.length() + 256);
    for (Object p : parts) {
      if (p instanceof Var v) {
        String value = values.get(v.name());
        if (value == null && v.name().startsWith("metadata.")) {
          value = values.get(v.name().substring("metadata.".length()));
        }
        if (value == null) {
          throw new IllegalArgumentException("the prompt uses {{" + v.name() + "}} and the item has no " + v.name()
              + (v.name().equals("expected") ? " (no expected answer)" : ""));
        }
        sb.append(value);
      } else {
        sb.append((String) p);
      }
    }
    return sb.toString();
  }

  /**
   * What an item can fill: {@code input}; {@code expected}, {@code output} and {@code context} when it
   * has them; and every metadata key (strings as they are, other values as JSON).
   */
  public static Map<String, String> variables(DatasetItem item) {
    Map<String, String> v = new LinkedHashMap<>();
    item.metadata().forEach((k, value) -> {
      if (value != null) {
        v.put(k, value instanceof String s ? s : Json.write(value));
      }
    });
    v.put("input", item.input());
    if (item.expected() != null) {
      v.put("expected", item.expected());
    }
    if (item.output() != null) {
      v.put("output", item.output());
    }
    if (!item.context().isEmpty()) {
      v.put("context", numbered(item.context()));
    }
    return v;
  }

  /** Documents as {@code [1] first\n[2] second}. */
  static String numbered(List<String> documents) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < documents.size(); i++) {
      if (i > 0) {
        sb.append('\n');
      }
      sb.append('[').append(i + 1).append("] ").append(documents.get(i));
    }
    return sb.toString();
  }
}
