package io.guardops.engine.pii;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds personal data and secrets in text with one hand-written scan instead of a battery of regular
 * expressions: ingestion masks every prompt, output and attribute string of a project that asks for
 * it, so the scan must cost little on text without findings (see the benchmark in the README).
 *
 * <p>How: e-mail addresses are found from each {@code @}, private key blocks from each
 * {@code -----BEGIN}, Slack webhooks from their host. Everything else starts a word whose first
 * characters hold a trigger (a digit, an uppercase letter, {@code _}), are followed by one ({@code -},
 * {@code :}) or start with one ({@code +}, {@code (}), so the scan passes other text at one table lookup
 * per character and tries the detectors only at the start of a word with a trigger, dispatching on its
 * first character; a run that is not a finding is skipped whole (a long number is never searched for a
 * phone number inside it). Checksums decide credit cards (Luhn and a network prefix) and IBANs (mod
 * 97 and the country's length); phone numbers need a {@code +} country code (8 to 15 digits) or 10 to
 * 11 digits in at least two groups; IP addresses are checked octet by octet and group by group. Names
 * (off unless asked for) are a heuristic: a title ({@code Mr}, {@code Dr}, ...) or one of a few hundred
 * common first names followed by a capitalised word. Overlapping findings keep the one that starts
 * first (the longer on a tie). Immutable and thread-safe.
 */
public final class PiiDetector {
  private static final PiiDetector STANDARD = new PiiDetector(loadNames());

  /** IBAN lengths per country (ISO 13616 registry). */
  private static final Map<String, Integer> IBAN_LENGTHS = ibanLengths();
  private static final String[] AWS_PREFIXES = {"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA",
      "ANVA", "APKA", "AROA", "ASCA"};
  private static final Set<String> TITLES = Set.of("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame",
      "Madam", "Herr", "Frau", "Mme", "Mlle", "Monsieur", "Madame", "Señor", "Señora");
  /** Capitalised words that follow a first name without making a person ("Paris Street", "Jordan River"). */
  private static final Set<String> NOT_SURNAMES = Set.of("Street", "St", "Road", "Avenue", "Ave", "Lane", "Drive",
      "Boulevard", "Square", "Park", "River", "Lake", "Mountain", "City", "County", "Bridge", "Hotel", "Hospital",
      "University", "College", "School", "Inc", "Ltd", "Corp", "Company", "Airport", "Station", "Center", "Centre",
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
      "April", "May", "June", "July", "August", "September", "October", "November", "December", "The", "And", "Or",
      "In", "On", "At", "To", "Of", "For", "With", "Is", "Was", "Will", "Can", "Please", "Thanks", "Hello", "Hi",
      "Dear", "Team", "Group", "Foundation", "Institute", "Museum", "Church", "Valley", "Beach", "Island", "Bay");

  /** Which finding wins an overlap, by type ordinal: lower first. */
  private static final int[] RANK = rank(PiiType.PRIVATE_KEY, PiiType.JWT, PiiType.API_KEY, PiiType.EMAIL,
      PiiType.IBAN, PiiType.CREDIT_CARD, PiiType.IP_ADDRESS, PiiType.PHONE, PiiType.PERSON);

  private static final int[] NONE = new int[0];

  private final Set<String> firstNames;

  private PiiDetector(Set<String> firstNames) {
    this.firstNames = firstNames;
  }

  /** The detector with the bundled first-name list. */
  public static PiiDetector standard() {
    return STANDARD;
  }

  /**
   * The findings of {@code types} in {@code text}, by start, not overlapping.
   *
   * @param types what to look for; {@link PiiType#DEFAULT} is everything but names
   */
  public List<PiiEntity> detect(String text, Set<PiiType> types) {
    // the shortest finding ("a@b.io", "1.1.1.1") has six characters
    if (text == null || text.length() < 6 || types.isEmpty()) {
      return List.of();
    }
    Scan s = new Scan(text, types);
    s.run();
    return s.found == null ? List.of() : s.resolved();
  }

  /**
   * {@code text} with every finding replaced by its type's placeholder ({@code [EMAIL]}); the same
   * instance when there is none.
   */
  public String mask(String text, Set<PiiType> types) {
    List<PiiEntity> found = detect(text, types);
    if (found.isEmpty()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int at = 0;
    for (PiiEntity e : found) {
      sb.append(text, at, e.start()).append(e.type().placeholder());
      at = e.end();
    }
    return sb.append(text, at, text.length()).toString();
  }

  // ---------------------------------------------------------------- the scan

  /** One scan of one text. */
  private final class Scan {
    private final String t;
    private final int n;
    private final boolean email;
    private final boolean phone;
    private final boolean card;
    private final boolean iban;
    private final boolean ip;
    private final boolean key;
    private final boolean privateKey;
    private final boolean jwt;
    private final boolean person;
    private List<PiiEntity> found;
    /** Digits per group of the current number run (allocated with the first run). */
    private int[] sizes;
    /** The pre-passes' findings as [start, end) pairs, which the main scan skips ({@link #covered}). */
    private int[] blocked = NONE;

    Scan(String text, Set<PiiType> types) {
      this.t = text;
      this.n = text.length();
      this.email = types.contains(PiiType.EMAIL);
      this.phone = types.contains(PiiType.PHONE);
      this.card = types.contains(PiiType.CREDIT_CARD);
      this.iban = types.contains(PiiType.IBAN);
      this.ip = types.contains(PiiType.IP_ADDRESS);
      this.key = types.contains(PiiType.API_KEY);
      this.privateKey = types.contains(PiiType.PRIVATE_KEY);
      this.jwt = types.contains(PiiType.JWT);
      this.person = types.contains(PiiType.PERSON);
    }

    void run() {
      if (privateKey) {
        privateKeys();
      }
      if (key) {
        slackWebhooks();
      }
      // the main scan skips what these cover (a key block's base64, a webhook's path), not e-mail addresses
      if (found != null) {
        blocked = new int[found.size() * 2];
        for (int k = 0; k < found.size(); k++) {
          blocked[2 * k] = found.get(k).start();
          blocked[2 * k + 1] = found.get(k).end();
        }
      }
      if (email) {
        emails();
      }
      boolean numbers = phone || card || ip;
      // cheap whole-text tests (vectorised) rule out whole detectors for most texts
      boolean ipv6 = ip && t.indexOf(':') >= 0;
      boolean tokens = jwt && t.indexOf("eyJ") >= 0;
      // Every finding's first word holds a trigger (a digit, an uppercase letter, '_') or is followed by one
      // ('-', ':'), or starts with one ('+', '('): words without any are passed at one table lookup per
      // character, which is most of a prose text
      int floor = 0;
      int i = 0;
      while (i < n) {
        char c = t.charAt(i);
        if (c < 128 ? (CLASS[c] & TRIGGER) == 0 : !(person && Character.isUpperCase(c))) {
          i++;
          continue;
        }
        // the word this trigger belongs to (or follows): its start, not before what was scanned already
        int w = i;
        if (c == '-' || c == ':' || isWord(c)) {
          while (w > floor && isWord(t.charAt(w - 1))) {
            w--;
          }
        }
        int end = w == 0 || !isWord(t.charAt(w - 1)) ? at(w, numbers, ipv6, tokens) : -1;
        if (end > w) {
          i = end;
        } else if (end < -1) {
          i = -end; // a run that is no finding: skipped whole
        } else {
          // no finding starts here: past this word (and the trigger)
          i = Math.max(i + 1, wordEnd(w));
        }
        floor = i;
      }
    }

    /**
     * The finding that starts at {@code i}, a word start: its end; minus the end of a run that is none
     * (to skip it whole); or -1.
     */
    private int at(int i, boolean numbers, boolean ipv6, boolean tokens) {
      if (blocked.length > 0) {
        int skip = covered(i);
        if (skip > i) {
          return skip;
        }
      }
      char c = t.charAt(i);
      int cls = c < 128 ? CLASS[c] : 0;
      int end = -1;
      if ((cls & DIGIT) != 0 || c == '+' || c == '(') {
        if (ipv6 && (cls & DIGIT) != 0 && colonAhead(i)) {
          end = ipv6(i);
        }
        if (end < 0 && numbers) {
          end = number(i);
        }
      } else if ((cls & LETTER) != 0) {
        if (key && (cls & KEY_START) != 0) {
          end = apiKey(i, c);
        }
        if (end < 0 && tokens && c == 'e') {
          end = jwt(i);
        }
        if (end < 0 && iban && (cls & UPPER) != 0) {
          end = iban(i);
        }
        if (end < 0 && ipv6 && (cls & HEX) != 0 && colonAhead(i)) {
          end = ipv6(i);
        }
        if (end < 0 && person && (cls & UPPER) != 0) {
          end = person(i);
        }
      } else if (c == ':') {
        if (ipv6) {
          end = ipv6(i);
        }
      } else if (person && Character.isUpperCase(c)) {
        end = person(i);
      }
      return end;
    }

    /** Whether up to four hex digits at {@code i} are followed by a ':' (an IPv6 address may start here). */
    private boolean colonAhead(int i) {
      for (int k = i; k < n && k < i + 5; k++) {
        char c = t.charAt(k);
        if (c == ':') {
          return true;
        }
        if (c >= 128 || (CLASS[c] & HEX) == 0) {
          return false;
        }
      }
      return false;
    }

    /** The end of the word at {@code j}. */
    private int wordEnd(int j) {
      while (j < n && isWord(t.charAt(j))) {
        j++;
      }
      return j;
    }

    /** The end of a pre-pass finding that covers {@code i}, else {@code i}. */
    private int covered(int i) {
      for (int k = 0; k < blocked.length; k += 2) {
        if (i >= blocked[k] && i < blocked[k + 1]) {
          return blocked[k + 1];
        }
      }
      return i;
    }

    private void add(PiiType type, int start, int end) {
      if (found == null) {
        found = new ArrayList<>(4);
      }
      found.add(new PiiEntity(type, start, end));
    }

    /**
     * The findings without overlaps: of two that overlap, the type ranked first in {@link #RANK} wins
     * (a token before the e-mail address it is part of), then the longer.
     */
    List<PiiEntity> resolved() {
      if (found.size() == 1) {
        return found;
      }
      found.sort(Comparator.comparingInt((PiiEntity e) -> RANK[e.type().ordinal()])
          .thenComparingInt(e -> e.start() - e.end()).thenComparingInt(PiiEntity::start));
      List<PiiEntity> out = new ArrayList<>(found.size());
      for (PiiEntity e : found) {
        boolean free = true;
        for (PiiEntity kept : out) {
          free &= e.end() <= kept.start() || e.start() >= kept.end();
        }
        if (free) {
          out.add(e);
        }
      }
      out.sort(Comparator.comparingInt(PiiEntity::start));
      return out;
    }

    // ---- pre-passes

    private void privateKeys() {
      int from = 0;
      while (true) {
        int b = t.indexOf("-----BEGIN ", from);
        if (b < 0) {
          return;
        }
        int headerEnd = t.indexOf("-----", b + 11);
        if (headerEnd < 0 || headerEnd - b > 80) {
          from = b + 11;
          continue;
        }
        String label = t.substring(b + 11, headerEnd);
        if (!label.endsWith("PRIVATE KEY") && !label.endsWith("PRIVATE KEY BLOCK")) {
          from = headerEnd;
          continue;
        }
        int bodyStart = headerEnd + 5;
        int end;
        int e = t.indexOf("-----END ", bodyStart);
        int eClose = e < 0 ? -1 : t.indexOf("-----", e + 9);
        if (e >= 0 && eClose >= 0 && eClose - e < 80) {
          end = eClose + 5;
        } else {
          // a truncated block: up to the end of its base64 body
          end = bodyStart;
          while (end < n && (isBase64(t.charAt(end)) || Character.isWhitespace(t.charAt(end)) || t.charAt(end) == ':'
              || t.charAt(end) == '-' || t.charAt(end) == ',')) {
            end++;
          }
          while (end > bodyStart && Character.isWhitespace(t.charAt(end - 1))) {
            end--;
          }
        }
        add(PiiType.PRIVATE_KEY, b, end);
        from = end;
      }
    }

    private void emails() {
      int at = t.indexOf('@');
      while (at >= 0) {
        int next = email(at);
        at = t.indexOf('@', Math.max(at + 1, next));
      }
    }

    /** An address around the {@code @} at {@code at}; returns where to look for the next {@code @}. */
    private int email(int at) {
      int s = at;
      while (s > 0 && isLocal(t.charAt(s - 1)) && at - s < 64) {
        s--;
      }
      while (s < at && (t.charAt(s) == '.' || t.charAt(s) == '\'')) {
        s++;
      }
      if (s == at || t.charAt(at - 1) == '.' || s > 0 && isWord(t.charAt(s - 1))) {
        return at + 1;
      }
      for (int k = s + 1; k < at; k++) {
        if (t.charAt(k) == '.' && t.charAt(k - 1) == '.') {
          return at + 1;
        }
      }
      int e = at + 1;
      int lastDot = -1;
      int labelStart = e;
      while (e < n && e - at <= 253) {
        char c = t.charAt(e);
        if (c == '.') {
          if (e == labelStart || t.charAt(e - 1) == '-' || e + 1 >= n || !isAlnum(t.charAt(e + 1))) {
            break;
          }
          lastDot = e;
          labelStart = e + 1;
        } else if (c == '-') {
          if (e == labelStart) {
            break;
          }
        } else if (!isAlnum(c)) {
          break;
        }
        e++;
      }
      while (e > at + 1 && t.charAt(e - 1) == '-') {
        e--;
      }
      if (lastDot < 0 || e <= lastDot + 2) {
        return e;
      }
      for (int k = lastDot + 1; k < e; k++) {
        if (!isLetter(t.charAt(k))) {
          return e;
        }
      }
      if (e - lastDot - 1 > 24 || e < n && (isWord(t.charAt(e)) || t.charAt(e) == '@')) {
        return e;
      }
      add(PiiType.EMAIL, s, e);
      return e;
    }

    private void slackWebhooks() {
      int from = 0;
      while (true) {
        int h = t.indexOf("hooks.slack.com/services/", from);
        if (h < 0) {
          return;
        }
        int s = h;
        if (s >= 8 && t.startsWith("https://", s - 8)) {
          s -= 8;
        }
        int e = h + 25;
        while (e < n && (isAlnum(t.charAt(e)) || t.charAt(e) == '/' || t.charAt(e) == '_' || t.charAt(e) == '-')) {
          e++;
        }
        if (e - h - 25 >= 20) {
          add(PiiType.API_KEY, s, e);
        }
        from = e;
      }
    }

    // ---- numbers: IPv4, credit cards, phone numbers

    /**
     * A run of digits in groups (with an optional leading {@code +} and parentheses) at {@code i}: the
     * end of a finding, or minus the run's end when the run is none (skipped whole).
     */
    private int number(int i) {
      if (i > 1 && (t.charAt(i - 1) == '.' || t.charAt(i - 1) == ',') && isDigit(t.charAt(i - 2))) {
        return -1; // the fraction of a decimal number
      }
      int p = i;
      boolean plus = false;
      if (t.charAt(p) == '+') {
        plus = true;
        p++;
      }
      if (sizes == null) {
        sizes = new int[24];
      }
      int digits = 0;
      int groups = 0;
      char sep = 0;
      boolean mixedSeps = false;
      boolean paren = false;
      int parenGroup = -1;
      int end = p;
      while (p < n && groups < sizes.length) {
        boolean open = false;
        if (t.charAt(p) == '(') {
          if (paren) {
            break;
          }
          open = true;
          p++;
        }
        int g = 0;
        while (p < n && isDigit(t.charAt(p))) {
          p++;
          g++;
        }
        if (g == 0) {
          break;
        }
        if (open) {
          if (p >= n || t.charAt(p) != ')') {
            break;
          }
          paren = true;
          parenGroup = groups;
          p++;
        }
        sizes[groups++] = g;
        digits += g;
        end = p;
        // a separator continues the run only when a digit (or an opening parenthesis) follows it
        if (p < n) {
          char c = t.charAt(p);
          int q = p;
          char used = 0;
          if (c == ' ' || c == '-' || c == '.') {
            used = c;
            q++;
          }
          if (q < n && (isDigit(t.charAt(q)) || t.charAt(q) == '(' && !paren && q + 1 < n
              && isDigit(t.charAt(q + 1)))) {
            if (used == 0 && t.charAt(q) == '(') {
              break;
            }
            if (used != 0) {
              if (sep != 0 && sep != used) {
                mixedSeps = true;
              }
              sep = sep == 0 ? used : sep;
            } else if (!open) {
              break;
            }
            p = q;
            continue;
          }
        }
        break;
      }
      if (groups == 0) {
        return -1;
      }
      if (end < n && (isWord(t.charAt(end)) || t.charAt(end) == '@')) {
        return -end;
      }
      // IPv4
      if (!plus && !paren && groups == 4 && sep == '.' && !mixedSeps && ip) {
        if (ipv4(t.substring(i, end))) {
          add(PiiType.IP_ADDRESS, i, end);
          return end;
        }
        return -end;
      }
      // a credit card: 13 to 19 digits, one kind of separator, a network prefix, Luhn
      if (card && !plus && !paren && digits >= 13 && digits <= 19 && !mixedSeps && sep != '.') {
        boolean shaped = groups == 1;
        if (!shaped) {
          shaped = true;
          for (int k = 0; k < groups - 1; k++) {
            shaped &= sizes[k] >= 4 && sizes[k] <= 6;
          }
          shaped &= sizes[groups - 1] >= 1 && sizes[groups - 1] <= 6;
        }
        String d = digitsOf(t, i, end);
        if (shaped && cardPrefix(d) && luhn(d)) {
          add(PiiType.CREDIT_CARD, i, end);
          return end;
        }
      }
      if (!phone || groups > 6) {
        return -end;
      }
      if (groups >= 3 && sizes[0] == 4 && sizes[1] == 2 && (t.startsWith("19", i) || t.startsWith("20", i))) {
        return -end; // 2023-11-0456: a date followed by a number
      }
      boolean international = plus || !paren && sizes[0] >= 3 && t.startsWith("00", i) && t.charAt(i + 2) != '0';
      if (international && !plus) {
        // 0041 44 668 18 00: the "00" dialling prefix stands for the "+"
        digits -= 2;
        sizes[0] -= 2;
      }
      if (international) {
        if (digits < 8 || digits > 15 || (groups > 1 && sizes[0] > 3 && parenGroup != 0)) {
          return -end;
        }
        for (int k = 1; k < groups; k++) {
          boolean small = sizes[k] < 2;
          if (small && !(k == 1 || k == parenGroup && sizes[k] == 1)) {
            return -end;
          }
        }
        add(PiiType.PHONE, i, end);
        return end;
      }
      // national numbers: 10 or 11 digits, or 12 with a trunk prefix 0 (German mobiles: 0176 12345678)
      int maxDigits = t.charAt(i) == '0' || t.charAt(i) == '(' && t.charAt(i + 1) == '0' ? 12 : 11;
      if (digits < 10 || digits > maxDigits || groups < 2 || mixedSeps && !paren) {
        return -end;
      }
      if (sep == '.' && groups < 3) {
        return -end;
      }
      for (int k = 0; k < groups; k++) {
        if (sizes[k] < 2 && !(k == 0 && sizes[0] == 1 && t.charAt(i) == '1' && digits == 11)) {
          return -end;
        }
      }
      add(PiiType.PHONE, i, end);
      return end;
    }

    // ---- IPv6

    /** An IPv6 address at {@code i}: its end, or -1. */
    private int ipv6(int i) {
      // quick refusal: an address has a ':' within its first five characters
      int colon = -1;
      for (int k = i; k < n && k < i + 5; k++) {
        char c = t.charAt(k);
        if (c == ':') {
          colon = k;
          break;
        }
        if (!isHex(c)) {
          return -1;
        }
      }
      if (colon < 0) {
        return -1;
      }
      int e = i;
      while (e < n && e - i < 45 && (isHex(t.charAt(e)) || t.charAt(e) == ':' || t.charAt(e) == '.')) {
        e++;
      }
      // trailing punctuation belongs to the sentence
      while (e > i && (t.charAt(e - 1) == '.' || t.charAt(e - 1) == ':' && !(e - 2 >= i && t.charAt(e - 2) == ':'))) {
        e--;
      }
      if (e < n && (isWord(t.charAt(e)) || t.charAt(e) == ':')) {
        return -1;
      }
      String s = t.substring(i, e);
      return validIpv6(s) ? addIp(i, e) : -1;
    }

    private int addIp(int start, int end) {
      add(PiiType.IP_ADDRESS, start, end);
      return end;
    }

    // ---- keys and tokens

    /** A key or token by its provider's format at {@code i} (first letter {@code c}): its end, or -1. */
    private int apiKey(int i, char c) {
      if (i + 3 >= n) {
        return -1;
      }
      char second = t.charAt(i + 1);
      switch (c) {
        case 's':
          if (second != 'k') {
            return -1;
          }
          if (t.startsWith("sk-", i)) {
            return token(i, 3, 20, true, false);
          }
          if (t.startsWith("sk_live_", i) || t.startsWith("sk_test_", i)) {
            return token(i, 8, 16, false, false);
          }
          return -1;
        case 'r':
          return second == 'k' && t.startsWith("rk_live_", i) || t.startsWith("rk_test_", i) ? token(i, 8, 16, false, false) : -1;
        case 'A':
          if (second < 'A' || second > 'Z') {
            return -1;
          }
          if (t.startsWith("AIza", i)) {
            int e = token(i, 4, 35, true, false);
            return e - i == 39 ? e : -1;
          }
          for (String p : AWS_PREFIXES) {
            if (t.startsWith(p, i)) {
              int e = i + 4;
              while (e < n && (isUpperOrDigit(t.charAt(e)))) {
                e++;
              }
              if (e - i == 20 && (e >= n || !isWord(t.charAt(e)))) {
                add(PiiType.API_KEY, i, e);
                return e;
              }
              return -1;
            }
          }
          return -1;
        case 'g':
          if (second != 'h' && second != 'i' && second != 'l') {
            return -1;
          }
          if (t.startsWith("gh", i) && i + 3 < n && "pousr".indexOf(t.charAt(i + 2)) >= 0 && t.charAt(i + 3) == '_') {
            return token(i, 4, 36, false, false);
          }
          if (t.startsWith("github_pat_", i)) {
            return token(i, 11, 22, false, true);
          }
          if (t.startsWith("glpat-", i)) {
            return token(i, 6, 20, true, false);
          }
          return -1;
        case 'x':
          if (second != 'o' && second != 'a') {
            return -1;
          }
          if (t.startsWith("xox", i) && i + 4 < n && "abposr".indexOf(t.charAt(i + 3)) >= 0 && t.charAt(i + 4) == '-') {
            return token(i, 5, 10, true, false);
          }
          if (t.startsWith("xapp-", i)) {
            return token(i, 5, 10, true, false);
          }
          return -1;
        case 'h':
          if (second == 'f' && t.startsWith("hf_", i)) {
            int e = i + 3;
            while (e < n && isLetter(t.charAt(e))) {
              e++;
            }
            if (e - i - 3 >= 30 && (e >= n || !isWord(t.charAt(e)))) {
              add(PiiType.API_KEY, i, e);
              return e;
            }
          }
          return -1;
        case 'n':
          return second == 'p' && t.startsWith("npm_", i) ? token(i, 4, 36, false, false) : -1;
        default:
          return -1;
      }
    }

    /**
     * A token of letters and digits (with {@code -} and {@code _} when {@code dashes}, {@code _} when
     * {@code underscores}) after a prefix of {@code prefix} characters, at least {@code min} long after
     * it, ending where a word ends: its end (recorded), or -1.
     */
    private int token(int i, int prefix, int min, boolean dashes, boolean underscores) {
      int e = i + prefix;
      while (e < n) {
        char c = t.charAt(e);
        if (isAlnum(c) || (dashes || underscores) && c == '_' || dashes && c == '-') {
          e++;
        } else {
          break;
        }
      }
      if (e - i - prefix < min || e < n && isWord(t.charAt(e))) {
        return -1;
      }
      // a token is random: one made of lowercase words joined by dashes ("sk-learn-...") is prose
      boolean digit = false;
      boolean upper = false;
      for (int k = i + prefix; k < e; k++) {
        char c = t.charAt(k);
        digit |= isDigit(c);
        upper |= c >= 'A' && c <= 'Z';
      }
      if (!digit && !upper) {
        return -1;
      }
      add(PiiType.API_KEY, i, e);
      return e;
    }

    /** A JWT at {@code i}: {@code eyJ...} header and payload, then a signature. */
    private int jwt(int i) {
      if (!t.startsWith("eyJ", i)) {
        return -1;
      }
      int e = base64Url(i);
      if (e - i < 10 || e >= n || t.charAt(e) != '.' || !t.startsWith("eyJ", e + 1)) {
        return -1;
      }
      int p = base64Url(e + 1);
      if (p - e - 1 < 10 || p >= n || t.charAt(p) != '.') {
        return -1;
      }
      int s = base64Url(p + 1);
      if (s < n && isWord(t.charAt(s))) {
        return -1;
      }
      add(PiiType.JWT, i, s);
      return s;
    }

    private int base64Url(int from) {
      int e = from;
      while (e < n && (isAlnum(t.charAt(e)) || t.charAt(e) == '-' || t.charAt(e) == '_')) {
        e++;
      }
      return e;
    }

    // ---- IBAN

    private int iban(int i) {
      if (i + 4 > n || !(t.charAt(i + 1) >= 'A' && t.charAt(i + 1) <= 'Z') || !isDigit(t.charAt(i + 2))
          || !isDigit(t.charAt(i + 3))) {
        return -1;
      }
      Integer len = IBAN_LENGTHS.get(t.substring(i, i + 2));
      if (len == null) {
        return -1;
      }
      StringBuilder compact = new StringBuilder(len);
      int p = i;
      while (p < n && compact.length() < len) {
        char c = t.charAt(p);
        if (isUpperOrDigit(c)) {
          compact.append(c);
          p++;
        } else if (c == ' ' && compact.length() % 4 == 0 && p + 1 < n && isUpperOrDigit(t.charAt(p + 1))) {
          p++; // printed form: groups of four
        } else {
          break;
        }
      }
      if (compact.length() != len || p < n && isWord(t.charAt(p)) || !mod97(compact)) {
        return -1;
      }
      add(PiiType.IBAN, i, p);
      return p;
    }

    // ---- names (a heuristic)

    private int person(int i) {
      int w = letterEnd(i);
      String word = t.substring(i, w);
      if (TITLES.contains(word)) {
        int p = w;
        if (p < n && t.charAt(p) == '.') {
          p++;
        }
        if (p >= n || t.charAt(p) != ' ') {
          return -1;
        }
        int s = p + 1;
        int e = capitalised(s);
        if (e < 0) {
          return -1;
        }
        int e2 = e + 1 < n && t.charAt(e) == ' ' ? capitalised(e + 1) : -1;
        int end = e2 > 0 && !NOT_SURNAMES.contains(t.substring(e + 1, e2)) ? e2 : e;
        add(PiiType.PERSON, s, end);
        return end;
      }
      if (!firstNames.contains(word) || w >= n || t.charAt(w) != ' ') {
        return -1;
      }
      int p = w + 1;
      // a middle initial: "John F. Kennedy"
      if (p + 3 < n && Character.isUpperCase(t.charAt(p)) && t.charAt(p + 1) == '.' && t.charAt(p + 2) == ' ') {
        p += 3;
      }
      int e = capitalised(p);
      if (e < 0 || NOT_SURNAMES.contains(t.substring(p, e))) {
        return -1;
      }
      add(PiiType.PERSON, i, e);
      return e;
    }

    /** The end of a capitalised word ({@code Smith}, {@code O'Brien}, {@code Smith-Jones}) at {@code s}, or -1. */
    private int capitalised(int s) {
      if (s >= n || !Character.isUpperCase(t.charAt(s))) {
        return -1;
      }
      int e = s + 1;
      int lower = 0;
      while (e < n) {
        char c = t.charAt(e);
        if (Character.isLowerCase(c)) {
          lower++;
          e++;
        } else if ((c == '\'' || c == '-') && e + 1 < n && Character.isUpperCase(t.charAt(e + 1))) {
          e += 2;
        } else {
          break;
        }
      }
      if (lower == 0 || e < n && (isDigit(t.charAt(e)) || t.charAt(e) == '_' || Character.isUpperCase(t.charAt(e)))) {
        return -1;
      }
      return e;
    }

    private int letterEnd(int i) {
      int e = i;
      while (e < n && Character.isLetter(t.charAt(e))) {
        e++;
      }
      return e;
    }
  }

  // ---------------------------------------------------------------- checks

  static boolean luhn(String digits) {
    int sum = 0;
    boolean doubled = false;
    for (int k = digits.length() - 1; k >= 0; k--) {
      int d = digits.charAt(k) - '0';
      if (doubled) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubled = !doubled;
    }
    return sum % 10 == 0;
  }

  /** Visa, Mastercard, American Express, Discover, JCB, Diners Club, UnionPay, Maestro prefixes. */
  static boolean cardPrefix(String d) {
    int two = Integer.parseInt(d.substring(0, 2));
    int four = Integer.parseInt(d.substring(0, 4));
    int len = d.length();
    if (d.charAt(0) == '4') {
      return len == 13 || len == 16 || len == 19;
    }
    if (two >= 51 && two <= 55 || four >= 2221 && four <= 2720) {
      return len == 16;
    }
    if (two == 34 || two == 37) {
      return len == 15;
    }
    if (four == 6011 || two == 65 || four >= 6440 && four <= 6499) {
      return len >= 16;
    }
    if (four >= 3528 && four <= 3589) {
      return len >= 16;
    }
    if (two == 36 || two == 38 || two == 39 || four >= 3000 && four <= 3059) {
      return len >= 14;
    }
    if (two == 62) {
      return len >= 16;
    }
    return (two == 50 || two >= 56 && two <= 69) && len >= 12;
  }

  /** ISO 7064 mod 97-10 over the IBAN with its first four characters moved to the end. */
  static boolean mod97(CharSequence iban) {
    int rem = 0;
    int len = iban.length();
    for (int k = 0; k < len; k++) {
      char c = iban.charAt((k + 4) % len);
      int v = c <= '9' ? c - '0' : c - 'A' + 10;
      rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
    }
    return rem == 1;
  }

  static boolean ipv4(String dotted) {
    int octets = 0;
    int value = 0;
    int digits = 0;
    for (int k = 0; k <= dotted.length(); k++) {
      char c = k == dotted.length() ? '.' : dotted.charAt(k);
      if (c == '.') {
        if (digits == 0 || digits > 3 || value > 255) {
          return false;
        }
        octets++;
        value = 0;
        digits = 0;
      } else if (isDigit(c)) {
        value = value * 10 + (c - '0');
        digits++;
      } else {
        return false;
      }
    }
    return octets == 4;
  }

  /** A textual IPv6 address (RFC 4291 2.2), with at least three groups or {@code ::1}. */
  static boolean validIpv6(String s) {
    if (s.equals("::1")) {
      return true;
    }
    int dc = s.indexOf("::");
    if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
      return false;
    }
    String[] parts = s.split(":", -1);
    int groups = 0;
    for (int k = 0; k < parts.length; k++) {
      String p = parts[k];
      if (p.isEmpty()) {
        continue; // the "::" (or its edges)
      }
      if (p.indexOf('.') >= 0) {
        if (k != parts.length - 1 || !ipv4(p)) {
          return false;
        }
        groups += 2;
        continue;
      }
      if (p.length() > 4) {
        return false;
      }
      for (int c = 0; c < p.length(); c++) {
        if (!isHex(p.charAt(c))) {
          return false;
        }
      }
      groups++;
    }
    if (dc < 0) {
      // no compression: exactly eight groups, no empty ones
      for (String p : parts) {
        if (p.isEmpty()) {
          return false;
        }
      }
      return groups == 8;
    }
    // a single ':' at either edge is not an address; "::" there is
    if (s.startsWith(":") && !s.startsWith("::") || s.endsWith(":") && !s.endsWith("::")) {
      return false;
    }
    return groups >= 2 && groups <= 7 && s.length() >= 6;
  }

  private static String digitsOf(String text, int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    for (int k = from; k < to; k++) {
      char c = text.charAt(k);
      if (isDigit(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- characters

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isAlnum(char c) {
    return isDigit(c) || isLetter(c);
  }

  private static boolean isUpperOrDigit(char c) {
    return isDigit(c) || c >= 'A' && c <= 'Z';
  }

  private static boolean isHex(char c) {
    return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  private static boolean isBase64(char c) {
    return isAlnum(c) || c == '+' || c == '/' || c == '=';
  }

  /** Letters (any script), digits and {@code _}: what a word is made of. */
  private static boolean isWord(char c) {
    return c < 128 ? (CLASS[c] & WORD) != 0 : Character.isLetterOrDigit(c);
  }

  // ASCII character classes for the main scan
  private static final int WORD = 1;
  private static final int DIGIT = 2;
  private static final int LETTER = 4;
  private static final int UPPER = 8;
  private static final int HEX = 16;
  /** First letters of the key formats {@link Scan#apiKey} knows. */
  private static final int KEY_START = 32;
  /** Characters that may belong to (or follow, or start) a finding's first word. */
  private static final int TRIGGER = 64;
  private static final int[] CLASS = classes();

  private static int[] classes() {
    int[] c = new int[128];
    for (char x = '0'; x <= '9'; x++) {
      c[x] = WORD | DIGIT | HEX | TRIGGER;
    }
    for (char x = 'a'; x <= 'z'; x++) {
      c[x] = WORD | LETTER | (x <= 'f' ? HEX : 0);
    }
    for (char x = 'A'; x <= 'Z'; x++) {
      c[x] = WORD | LETTER | UPPER | TRIGGER | (x <= 'F' ? HEX : 0);
    }
    c['_'] = WORD | TRIGGER;
    c['+'] = TRIGGER;
    c['('] = TRIGGER;
    c[':'] = TRIGGER;
    c['-'] = TRIGGER;
    for (char x : "srAgxhn".toCharArray()) {
      c[x] |= KEY_START;
    }
    return c;
  }

  private static boolean isLocal(char c) {
    return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
  }

  // ---------------------------------------------------------------- data

  private static Set<String> loadNames() {
    Set<String> names = new HashSet<>();
    try (InputStream in = PiiDetector.class.getResourceAsStream("first-names.txt")) {
      if (in == null) {
        throw new IllegalStateException("first-names.txt is missing from the classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String s = line.trim();
        if (!s.isEmpty() && !s.startsWith("#")) {
          names.add(s);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled first names", e);
    }
    return Set.copyOf(names);
  }

  private static int[] rank(PiiType... order) {
    int[] r = new int[PiiType.values().length];
    for (int k = 0; k < order.length; k++) {
      r[order[k].ordinal()] = k;
    }
    return r;
  }

  private static Map<String, Integer> ibanLengths() {
    String table = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18"
        + " DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26"
        + " IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28"
        + " NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25"
        + " SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20";
    Map<String, Integer> m = new HashMap<>();
    for (String e : table.split(" ")) {
      m.put(e.substring(0, 2), Integer.parseInt(e.substring(2)));
    }
    return Map.copyOf(m);
  }
}
