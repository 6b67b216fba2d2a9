package io.guardops.host.wire;

import io.guardops.api.SpanIds;
import io.guardops.api.store.TraceCursor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Trace-list cursors as clients see them: opaque base64url strings. Inside, a version tag, the start
 * time and the trace id of the last trace of a page; clients must not rely on that.
 */
public final class Cursors {
  private static final String VERSION = "t1";

  private Cursors() {}

  /** The opaque form of a cursor. */
  public static String encode(TraceCursor c) {
    String raw = VERSION + ":" + c.startEpochNanos() + ":" + c.traceId();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The cursor a client sent back.
   *
   * @throws IllegalArgumentException when it is not one this server issued
   */
  public static TraceCursor decode(String text) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.US_ASCII);
      String[] parts = raw.split(":", 3);
      if (parts.length == 3 && parts[0].equals(VERSION)) {
        String id = SpanIds.parseHex(parts[2], SpanIds.TRACE_HEX);
        if (id != null && id.equals(parts[2])) {
          return new TraceCursor(Long.parseLong(parts[1]), id);
        }
      }
    } catch (IllegalArgumentException e) {
      // refused below (Base64 and number errors are IllegalArgumentExceptions too)
    }
    throw new IllegalArgumentException("'cursor' is not a cursor this server issued; pass back next_cursor unchanged");
  }

  /**
   * The opaque form of a keyset position in a list ordered by an id (dataset items, experiment
   * results): the last id of a page.
   */
  public static String encodeAfter(String lastId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("k1:" + lastId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The id a cursor of {@link #encodeAfter} holds.
   *
   * @throws IllegalArgumentException when it is not one this server issued
   */
  public static String decodeAfter(String text) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.UTF_8);
      if (raw.startsWith("k1:") && raw.length() > 3) {
        return raw.substring(3);
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new IllegalArgumentException("'cursor' is not a cursor this server issued; pass back next_cursor unchanged");
  }
}
