package io.guardops.plugins.evaluation;

import java.util.ArrayList;
import java.util.List;

/** Text helpers that behave like the Python reference implementations the metrics follow. */
final class Texts {
  private Texts() {}

  /** Whether {@code c} is whitespace for Python's {@code str.split()} (which differs from Java's). */
  static boolean isPythonSpace(int c) {
    switch (c) {
      case ' ': case '\t': case '\n': case 0x0b: case 0x0c: case '\r':
      case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x85: case 0xa0:
      case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
        return true;
      default:
        return c >= 0x2000 && c <= 0x200a;
    }
  }

  /** Python's {@code s.split()}: runs of non-whitespace. */
  static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      while (i < n && isPythonSpace(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isPythonSpace(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(s.substring(start, i));
      }
    }
    return out;
  }

  /** Python's {@code ' '.join(s.split())}. */
  static String collapseWhitespace(String s) {
    return String.join(" ", split(s));
  }

  /** Python's {@code str.lower()} for the common cases: Java's root-locale lowercasing. */
  static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  /** At most {@code max} characters of {@code s}, cut at a code point boundary. */
  static String head(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }
}
