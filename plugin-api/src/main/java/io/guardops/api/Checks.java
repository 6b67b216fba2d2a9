package io.guardops.api;

import java.util.Collection;

/** Validation helpers shared by the model records. Messages say what is wrong and why. */
public final class Checks {
  private Checks() {}

  /** Returns {@code value} or throws {@link IllegalArgumentException} if it is null or blank. */
  public static String notBlank(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  /** Returns {@code value} or throws if it is negative. */
  public static long notNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
    return value;
  }

  /** Returns {@code value} (possibly null) or throws if it is negative. */
  public static Long notNegative(Long value, String name) {
    if (value != null && value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
    return value;
  }

  /** Checks that {@code value} is lowercase hex of exactly {@code length} characters and not all zeros. */
  public static String hexId(String value, int length, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    // a loop, not a regex: every span's ids pass through here on the ingest path
    boolean nonZero = false;
    boolean hex = value.length() == length;
    for (int i = 0; hex && i < length; i++) {
      char c = value.charAt(i);
      hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
      nonZero |= c != '0';
    }
    if (!hex) {
      throw new IllegalArgumentException(
          name + " must be " + length + " lowercase hex characters, was '" + abbreviate(value) + "'");
    }
    if (!nonZero) {
      throw new IllegalArgumentException(name + " must not be all zeros");
    }
    return value;
  }

  /** Returns an immutable copy of {@code values} with every element checked not blank. */
  public static <T extends Collection<String>> void noBlank(T values, String name) {
    for (String v : values) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException(name + " must not contain blank values");
      }
    }
  }

  static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
