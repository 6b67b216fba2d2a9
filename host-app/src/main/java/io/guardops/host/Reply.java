package io.guardops.host;

import java.nio.charset.StandardCharsets;

/** A handled request's reply: status, content type and body bytes. */
record Reply(int status, String contentType, byte[] body) {
  static final String JSON = "application/json";

  static Reply json(int status, String body) {
    return new Reply(status, JSON, body.getBytes(StandardCharsets.UTF_8));
  }
}
