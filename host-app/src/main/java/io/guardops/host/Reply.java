package io.guardops.host;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A handled request's reply: status, content type and body bytes, or a body streamed from
 * {@code stream} (chunked, for downloads that are never held in memory), with extra headers.
 */
record Reply(int status, String contentType, byte[] body, InputStream stream, Map<String, String> headers) {
  static final String JSON = "application/json";

  Reply(int status, String contentType, byte[] body) {
    this(status, contentType, body, null, Map.of());
  }

  Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    this(status, contentType, body, null, Map.copyOf(headers));
  }

  static Reply json(int status, String body) {
    return new Reply(status, JSON, body.getBytes(StandardCharsets.UTF_8));
  }

  /** A streamed body; the server closes {@code stream} when it is sent or the client went away. */
  static Reply streamed(int status, String contentType, InputStream stream, Map<String, String> headers) {
    return new Reply(status, contentType, new byte[0], stream, Map.copyOf(headers));
  }
}
