package io.guardops.host;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A handled request's reply: status, content type, body bytes and any extra headers. */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
  static final String JSON = "application/json";

  Reply {
    headers = Map.copyOf(headers);
  }

  Reply(int status, String contentType, byte[] body) {
    this(status, contentType, body, Map.of());
  }

  static Reply json(int status, String body) {
    return new Reply(status, JSON, body.getBytes(StandardCharsets.UTF_8));
  }
}
