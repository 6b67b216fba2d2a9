package io.guardops.otlp;

import io.guardops.api.Span;
import java.util.List;

/**
 * The outcome of decoding one OTLP request: the spans that passed validation and how many were
 * rejected (OTLP partial success).
 *
 * @param spans the accepted spans, in request order; immutable, never {@code null}
 * @param rejectedSpans how many spans were dropped because of a bad id or timestamp
 * @param firstError the reason for the first rejection, {@code null} when nothing was rejected
 */
public record DecodedSpans(List<Span> spans, int rejectedSpans, String firstError) {
  public DecodedSpans {
    spans = List.copyOf(spans);
    if (rejectedSpans < 0) {
      throw new IllegalArgumentException("rejectedSpans must not be negative");
    }
  }

  /** Whether every span was accepted. */
  public boolean complete() {
    return rejectedSpans == 0;
  }
}
