package io.guardops.engine.pii;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The kinds of personal data and secrets the detector finds. Internal: not API. */
public enum PiiType {
  EMAIL,
  PHONE,
  /** 13 to 19 digits with a card network's prefix and a valid Luhn check digit. */
  CREDIT_CARD,
  /** A country's IBAN length and a valid ISO 7064 mod 97-10 checksum. */
  IBAN,
  /** IPv4 (four octets up to 255) and IPv6 (full, compressed, with an embedded IPv4). */
  IP_ADDRESS,
  /** Provider keys and tokens by their published formats (OpenAI, AWS, GitHub, Slack, Stripe, ...). */
  API_KEY,
  /** A PEM {@code -----BEGIN ... PRIVATE KEY-----} block. */
  PRIVATE_KEY,
  /** A JSON Web Token (three base64url parts, header and payload JSON objects). */
  JWT,
  /** Person names: a heuristic (a title or a common first name followed by a capitalised word); off by default. */
  PERSON;

  /** Every type but {@link #PERSON}, whose heuristic is opt-in. */
  public static final Set<PiiType> DEFAULT = Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(PERSON)));

  /** The placeholder masked text gets: {@code [EMAIL]}. */
  public String placeholder() {
    return "[" + name() + "]";
  }

  /**
   * The types named in {@code names} (case-insensitive).
   *
   * @throws IllegalArgumentException naming an unknown type and listing the known ones
   */
  public static Set<PiiType> parse(List<String> names) {
    Set<PiiType> out = EnumSet.noneOf(PiiType.class);
    for (String raw : names) {
      for (String part : raw.split(",")) {
        String n = part.trim().toUpperCase(Locale.ROOT);
        if (n.isEmpty()) {
          continue;
        }
        try {
          out.add(valueOf(n));
        } catch (IllegalArgumentException e) {
          List<String> known = new ArrayList<>();
          for (PiiType t : values()) {
            known.add(t.name());
          }
          throw new IllegalArgumentException("unknown entity type '" + part.trim() + "'; known: "
              + String.join(", ", known));
        }
      }
    }
    return out;
  }
}
