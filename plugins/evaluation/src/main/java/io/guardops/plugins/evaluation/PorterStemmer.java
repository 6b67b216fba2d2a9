package io.guardops.plugins.evaluation;

/**
 * Martin Porter's stemming algorithm ("An algorithm for suffix stripping", Program 14(3), 1980), as
 * in his reference ANSI C implementation (including its two documented departures, bli->ble and
 * logi->log). Lowercase ASCII words only, which is what the ROUGE tokenizer hands it. Stateless.
 */
final class PorterStemmer {
  private PorterStemmer() {}

  static String stem(String word) {
    if (word.length() <= 2) {
      return word;
    }
    return new Word(word).stem();
  }

  /** One word being stemmed: {@code b[0..k]} is the current word, {@code j} the end of a matched stem. */
  private static final class Word {
    private final char[] b;
    private int k;
    private int j;

    Word(String w) {
      b = new char[w.length() + 8];
      w.getChars(0, w.length(), b, 0);
      k = w.length() - 1;
    }

    String stem() {
      step1ab();
      if (k > 0) {
        step1c();
        step2();
        step3();
        step4();
        step5();
      }
      return new String(b, 0, k + 1);
    }

    private boolean cons(int i) {
      switch (b[i]) {
        case 'a': case 'e': case 'i': case 'o': case 'u': return false;
        case 'y': return i == 0 || !cons(i - 1);
        default: return true;
      }
    }

    /** The number of consonant-vowel sequences in {@code b[0..j]}. */
    private int m() {
      int n = 0;
      int i = 0;
      while (true) {
        if (i > j) {
          return n;
        }
        if (!cons(i)) {
          break;
        }
        i++;
      }
      i++;
      while (true) {
        while (true) {
          if (i > j) {
            return n;
          }
          if (cons(i)) {
            break;
          }
          i++;
        }
        i++;
        n++;
        while (true) {
          if (i > j) {
            return n;
          }
          if (!cons(i)) {
            break;
          }
          i++;
        }
        i++;
      }
    }

    private boolean vowelInStem() {
      for (int i = 0; i <= j; i++) {
        if (!cons(i)) {
          return true;
        }
      }
      return false;
    }

    private boolean doubleC(int i) {
      return i >= 1 && b[i] == b[i - 1] && cons(i);
    }

    private boolean cvc(int i) {
      if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) {
        return false;
      }
      char ch = b[i];
      return ch != 'w' && ch != 'x' && ch != 'y';
    }

    private boolean ends(String s) {
      int len = s.length();
      if (len > k + 1 || s.charAt(len - 1) != b[k]) {
        return false;
      }
      for (int i = 0; i < len; i++) {
        if (b[k - len + 1 + i] != s.charAt(i)) {
          return false;
        }
      }
      j = k - len;
      return true;
    }

    private void setTo(String s) {
      for (int i = 0; i < s.length(); i++) {
        b[j + 1 + i] = s.charAt(i);
      }
      k = j + s.length();
    }

    private void r(String s) {
      if (m() > 0) {
        setTo(s);
      }
    }

    private void step1ab() {
      if (b[k] == 's') {
        if (ends("sses")) {
          k -= 2;
        } else if (ends("ies")) {
          setTo("i");
        } else if (b[k - 1] != 's') {
          k--;
        }
      }
      if (ends("eed")) {
        if (m() > 0) {
          k--;
        }
      } else if ((ends("ed") || ends("ing")) && vowelInStem()) {
        k = j;
        if (ends("at")) {
          setTo("ate");
        } else if (ends("bl")) {
          setTo("ble");
        } else if (ends("iz")) {
          setTo("ize");
        } else if (doubleC(k)) {
          k--;
          char ch = b[k];
          if (ch == 'l' || ch == 's' || ch == 'z') {
            k++;
          }
        } else if (m() == 1 && cvc(k)) {
          // j == k here: a failed ends() leaves j where "k = j" put it
          setTo("e");
        }
      }
    }

    private void step1c() {
      if (ends("y") && vowelInStem()) {
        b[k] = 'i';
      }
    }

    private void step2() {
      switch (b[k - 1]) {
        case 'a':
          if (ends("ational")) { r("ate"); } else if (ends("tional")) { r("tion"); }
          break;
        case 'c':
          if (ends("enci")) { r("ence"); } else if (ends("anci")) { r("ance"); }
          break;
        case 'e':
          if (ends("izer")) { r("ize"); }
          break;
        case 'l':
          if (ends("bli")) { r("ble"); } else if (ends("alli")) { r("al"); } else if (ends("entli")) { r("ent"); }
          else if (ends("eli")) { r("e"); } else if (ends("ousli")) { r("ous"); }
          break;
        case 'o':
          if (ends("ization")) { r("ize"); } else if (ends("ation")) { r("ate"); } else if (ends("ator")) { r("ate"); }
          break;
        case 's':
          if (ends("alism")) { r("al"); } else if (ends("iveness")) { r("ive"); } else if (ends("fulness")) { r("ful"); }
          else if (ends("ousness")) { r("ous"); }
          break;
        case 't':
          if (ends("aliti")) { r("al"); } else if (ends("iviti")) { r("ive"); } else if (ends("biliti")) { r("ble"); }
          break;
        case 'g':
          if (ends("logi")) { r("log"); }
          break;
        default:
          break;
      }
    }

    private void step3() {
      switch (b[k]) {
        case 'e':
          if (ends("icate")) { r("ic"); } else if (ends("ative")) { r(""); } else if (ends("alize")) { r("al"); }
          break;
        case 'i':
          if (ends("iciti")) { r("ic"); }
          break;
        case 'l':
          if (ends("ical")) { r("ic"); } else if (ends("ful")) { r(""); }
          break;
        case 's':
          if (ends("ness")) { r(""); }
          break;
        default:
          break;
      }
    }

    private void step4() {
      boolean matched;
      switch (b[k - 1]) {
        case 'a': matched = ends("al"); break;
        case 'c': matched = ends("ance") || ends("ence"); break;
        case 'e': matched = ends("er"); break;
        case 'i': matched = ends("ic"); break;
        case 'l': matched = ends("able") || ends("ible"); break;
        case 'n': matched = ends("ant") || ends("ement") || ends("ment") || ends("ent"); break;
        case 'o':
          matched = ends("ion") && j >= 0 && (b[j] == 's' || b[j] == 't') || ends("ou");
          break;
        case 's': matched = ends("ism"); break;
        case 't': matched = ends("ate") || ends("iti"); break;
        case 'u': matched = ends("ous"); break;
        case 'v': matched = ends("ive"); break;
        case 'z': matched = ends("ize"); break;
        default: matched = false;
      }
      if (matched && m() > 1) {
        k = j;
      }
    }

    private void step5() {
      j = k;
      if (b[k] == 'e') {
        int a = m();
        if (a > 1 || a == 1 && !cvc(k - 1)) {
          k--;
        }
      }
      if (b[k] == 'l' && doubleC(k) && m() > 1) {
        k--;
      }
    }
  }
}
