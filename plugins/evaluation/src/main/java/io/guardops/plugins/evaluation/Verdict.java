package io.guardops.plugins.evaluation;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A judge's verdict read from its answer: the JSON object it was asked for, found in the whole
 * answer, inside a code fence, or as the first balanced {@code {...}} in prose that parses and has a
 * numeric {@code score} within the scale. Lenient about what models get wrong in JSON (single
 * quotes, trailing commas, unquoted names).
 */
record Verdict(double score, String label, String reason) {
  private static final ObjectMapper LENIENT = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
      .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .build();
  private static final Pattern FENCE = Pattern.compile("```[a-zA-Z0-9_-]*\\s*(.*?)```", Pattern.DOTALL);
  private static final int MAX_CANDIDATES = 50;

  /** The verdict in {@code answer}, or {@code null} when there is none within [low, high]. */
  static Verdict parse(String answer, double low, double high) {
    for (String candidate : candidates(answer)) {
      Verdict v = read(candidate, low, high);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static List<String> candidates(String answer) {
    List<String> out = new ArrayList<>();
    out.add(answer.strip());
    Matcher m = FENCE.matcher(answer);
    while (m.find() && out.size() < MAX_CANDIDATES) {
      out.add(m.group(1).strip());
    }
    for (int i = answer.indexOf('{'); i >= 0 && out.size() < MAX_CANDIDATES; i = answer.indexOf('{', i + 1)) {
      int end = balancedEnd(answer, i);
      if (end > i) {
        out.add(answer.substring(i, end + 1));
      }
    }
    return out;
  }

  /** The index of the brace closing the one at {@code start}, skipping strings; -1 when unbalanced. */
  private static int balancedEnd(String s, int start) {
    int depth = 0;
    char quote = 0;
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static Verdict read(String text, double low, double high) {
    JsonNode node;
    try {
      node = LENIENT.readTree(text);
    } catch (Exception e) {
      return null;
    }
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode s = node.has("score") ? node.get("score") : node.get("rating");
    Double score = null;
    if (s != null && s.isNumber()) {
      score = s.asDouble();
    } else if (s != null && s.isTextual()) {
      try {
        score = Double.parseDouble(s.asText().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (score == null || score.isNaN() || score < low || score > high) {
      return null;
    }
    String label = node.hasNonNull("label") ? node.get("label").asText().strip() : null;
    String reason = node.hasNonNull("reason") ? node.get("reason").asText().strip()
        : node.hasNonNull("explanation") ? node.get("explanation").asText().strip() : "";
    return new Verdict(score, label == null || label.isEmpty() ? null : label, reason);
  }
}
