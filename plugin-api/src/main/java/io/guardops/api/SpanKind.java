package io.guardops.api;

/** OpenTelemetry span kinds. */
public enum SpanKind {
  UNSPECIFIED, INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER;

  /**
   * Parses OTLP numbers ({@code 0..5}), OTLP names ({@code SPAN_KIND_CLIENT}) and the Python
   * form ({@code SpanKind.CLIENT}); anything else is {@link #UNSPECIFIED}.
   */
  public static SpanKind parse(String value) {
    if (value == null) {
      return UNSPECIFIED;
    }
    String v = value.trim();
    int dot = v.lastIndexOf('.');
    if (dot >= 0) {
      v = v.substring(dot + 1);
    }
    if (v.startsWith("SPAN_KIND_")) {
      v = v.substring("SPAN_KIND_".length());
    }
    if (!v.isEmpty() && Character.isDigit(v.charAt(0))) {
      try {
        int n = Integer.parseInt(v);
        return n >= 0 && n < values().length ? values()[n] : UNSPECIFIED;
      } catch (NumberFormatException e) {
        return UNSPECIFIED;
      }
    }
    for (SpanKind k : values()) {
      if (k.name().equalsIgnoreCase(v)) {
        return k;
      }
    }
    return UNSPECIFIED;
  }
}
