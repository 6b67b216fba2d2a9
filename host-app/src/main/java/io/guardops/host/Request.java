package io.guardops.host;

import io.guardops.engine.EngineException;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the routes see it: method, path (without the optional {@code /tracing}
 * root), query/form parameters, lowercase headers, and the body read on demand with the
 * server's size limit.
 */
final class Request {
  interface BodyReader {
    byte[] read();
  }

  /** Opens the body as a stream under a byte limit. */
  interface BodyStreamer {
    BodyReaders.EndAwareStream open(long limit);
  }

  private final String method;
  private final String path;
  private final Map<String, List<String>> params;
  private final Map<String, String> headers;
  private final String remoteAddress;
  private final long maxBodyBytes;
  private final long maxStreamBytes;
  private final BodyReader bodyReader;
  private boolean bodyOpened;
  private final BodyStreamer bodyStreamer;
  private byte[] body;
  private BodyReaders.EndAwareStream stream;

  Request(String method, String path, Map<String, List<String>> params, Map<String, String> headers,
      String remoteAddress, long maxBodyBytes, BodyReader bodyReader) {
    this(method, path, params, headers, remoteAddress, maxBodyBytes, maxBodyBytes, bodyReader, null);
  }

  Request(String method, String path, Map<String, List<String>> params, Map<String, String> headers,
      String remoteAddress, long maxBodyBytes, long maxStreamBytes, BodyReader bodyReader, BodyStreamer bodyStreamer) {
    this.method = method;
    this.path = path;
    this.params = params;
    this.headers = headers;
    this.remoteAddress = remoteAddress;
    this.maxBodyBytes = maxBodyBytes;
    this.maxStreamBytes = maxStreamBytes;
    this.bodyReader = bodyReader;
    this.bodyStreamer = bodyStreamer;
  }

  String method() {
    return method;
  }

  String path() {
    return path;
  }

  String remoteAddress() {
    return remoteAddress;
  }

  /** A header by lowercase name, or null. */
  String header(String name) {
    return headers.get(name);
  }

  /**
   * Refuses a body whose declared length is over the limit before any handler runs, whether or not
   * it would read the body (413).
   */
  void checkDeclaredLength(boolean streamed) {
    BodyReaders.checkDeclaredLength(header("content-length"), streamed ? maxStreamBytes : maxBodyBytes);
  }

  /** The body bytes (read once; later calls return the same array). */
  byte[] body() {
    if (stream != null) {
      throw new IllegalStateException("the body was opened as a stream");
    }
    if (body == null) {
      bodyOpened = true;
      body = bodyReader.read();
    }
    return body;
  }

  /**
   * The body as a stream, never held in memory, under the larger limit of streamed routes
   * ({@code guardops.http.max-import-bytes}). Only for routes registered as streaming.
   */
  java.io.InputStream bodyStream() {
    if (body != null) {
      throw new IllegalStateException("the body was read already");
    }
    if (stream == null) {
      if (bodyStreamer == null) {
        throw new IllegalStateException("this request cannot stream its body");
      }
      bodyOpened = true;
      stream = bodyStreamer.open(maxStreamBytes);
    }
    return stream;
  }

  /** Whether reading the body began (then how much of it is left is unknown). */
  boolean bodyOpened() {
    return bodyOpened;
  }

  /** Whether the body was consumed to its end (an unread body must close the connection). */
  boolean bodyRead() {
    return body != null || stream != null && stream.ended();
  }

  /** The first value of a parameter, or null. */
  String param(String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** All values of a repeated parameter. */
  List<String> params(String name) {
    List<String> v = params.get(name);
    return v == null ? List.of() : v;
  }

  /** A required, non-blank parameter. */
  String required(String name) {
    String v = param(name);
    if (v == null || v.isBlank()) {
      throw EngineException.badRequest("query parameter '" + name + "' is required");
    }
    return v;
  }

  /**
   * The id a keyset {@code cursor} parameter holds (a page of items or results continues after it),
   * or null without one.
   *
   * @throws EngineException BAD_REQUEST for a cursor this server did not issue
   */
  String afterCursor() {
    String cursor = param("cursor");
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      return io.guardops.host.wire.Cursors.decodeAfter(cursor);
    } catch (IllegalArgumentException e) {
      throw EngineException.badRequest(e.getMessage());
    }
  }

  /** An optional integer parameter within bounds. */
  Integer intParam(String name, Integer defaultValue, int min, int max) {
    String v = param(name);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw EngineException.badRequest("'" + name + "' must be between " + min + " and " + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw EngineException.badRequest("'" + name + "' must be a whole number, was '" + v + "'");
    }
  }

  /**
   * An optional number of seconds: positive, or at least 0 when {@code zeroAllowed}; finite and
   * below 10^9 either way.
   */
  Double secondsParam(String name, boolean zeroAllowed) {
    String v = param(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if ((zeroAllowed ? d >= 0 : d > 0) && d < 1e9) {
        return d;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw EngineException.badRequest("'" + name + "' must be " + (zeroAllowed ? "a number of seconds, at least 0"
        : "a positive number of seconds") + ", was '" + v + "'");
  }

  /** An optional boolean parameter ({@code true/false/1/0}). */
  boolean boolParam(String name, boolean defaultValue) {
    String v = param(name);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true": case "1": case "yes": return true;
      case "false": case "0": case "no": return false;
      default: throw EngineException.badRequest("'" + name + "' must be true or false, was '" + v + "'");
    }
  }
}
