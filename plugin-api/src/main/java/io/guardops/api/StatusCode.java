package io.guardops.api;

/** OpenTelemetry span status codes. */
public enum StatusCode {
  UNSET, OK, ERROR;

  /** Parses {@code 0..2}, {@code STATUS_CODE_ERROR}, {@code ERROR}, {@code StatusCode.ERROR}. */
  public static StatusCode parse(String value) {
    if (value == null) {
      return UNSET;
    }
    String v = value.trim();
    int dot = v.lastIndexOf('.');
    if (dot >= 0) {
      v = v.substring(dot + 1);
    }
    if (v.startsWith("STATUS_CODE_")) {
      v = v.substring("STATUS_CODE_".length());
    }
    switch (v.toUpperCase(java.util.Locale.ROOT)) {
      case "1": case "OK": return OK;
      case "2": case "ERROR": return ERROR;
      default: return UNSET;
    }
  }
}
