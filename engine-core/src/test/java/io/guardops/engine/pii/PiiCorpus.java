package io.guardops.engine.pii;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The labelled corpus ({@code corpus.txt}): cases with the findings expected in them. */
final class PiiCorpus {
  /** An expected finding. */
  record Expected(PiiType type, int start, int end) {}

  /**
   * One case: its text and expected findings (none for a negative case); {@code near} is the type a
   * negative case is a near miss for, or null for a positive one.
   */
  record Case(int line, String text, List<Expected> expected, PiiType near) {
    boolean positive() {
      return near == null;
    }
  }

  private PiiCorpus() {}

  static List<Case> load(String name) throws IOException {
    List<Case> out = new ArrayList<>();
    try (InputStream in = PiiCorpus.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the test resources");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      int lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.startsWith("+ ")) {
          out.add(positive(lineNo, line.substring(2).replace("\\n", "\n")));
        } else if (line.startsWith("- ")) {
          int colon = line.indexOf(": ");
          out.add(new Case(lineNo, line.substring(colon + 2).replace("\\n", "\n"), List.of(),
              PiiType.valueOf(line.substring(2, colon))));
        } else if (!line.isBlank() && !line.startsWith("#")) {
          throw new IllegalStateException(name + " line " + lineNo + " is neither a case nor a comment");
        }
      }
    }
    return out;
  }

  /** A text with ⟦TYPE|value⟧ markers: the plain text and where each value is in it. */
  private static Case positive(int lineNo, String marked) {
    StringBuilder text = new StringBuilder();
    List<Expected> expected = new ArrayList<>();
    int at = 0;
    while (true) {
      int open = marked.indexOf('⟦', at);
      if (open < 0) {
        text.append(marked, at, marked.length());
        break;
      }
      int bar = marked.indexOf('|', open);
      int close = marked.indexOf('⟧', open);
      if (bar < 0 || close < bar) {
        throw new IllegalStateException("corpus.txt line " + lineNo + ": a marker is not ⟦TYPE|value⟧");
      }
      text.append(marked, at, open);
      int start = text.length();
      text.append(marked, bar + 1, close);
      expected.add(new Expected(PiiType.valueOf(marked.substring(open + 1, bar)), start, text.length()));
      at = close + 1;
    }
    if (expected.isEmpty()) {
      throw new IllegalStateException("corpus.txt line " + lineNo + ": a positive case needs a marker");
    }
    return new Case(lineNo, text.toString(), List.copyOf(expected), null);
  }
}
