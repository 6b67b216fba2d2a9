package io.guardops.host;

import io.guardops.engine.EngineException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads request bodies where NanoHTTPD does not: exactly Content-Length bytes (so keep-alive
 * stays in sync), or decoded chunked transfer encoding (NanoHTTPD hands chunk framing through
 * raw), always under a byte limit, and gunzipped when {@code Content-Encoding: gzip} (with the
 * limit applied to the inflated size, against zip bombs).
 */
final class BodyReaders {
  private BodyReaders() {}

  /**
   * Refuses a body whose declared length is over the limit before any route runs, whether or not its
   * handler would read it (413).
   */
  static void checkDeclaredLength(String contentLength, long limit) {
    if (contentLength == null) {
      return;
    }
    long n;
    try {
      n = Long.parseLong(contentLength.trim());
    } catch (NumberFormatException e) {
      throw EngineException.badRequest("Content-Length is not a number");
    }
    if (n > limit) {
      throw new EngineException(EngineException.Kind.TOO_LARGE,
          "request body of " + n + " bytes is over the limit of " + limit + " bytes");
    }
  }

  static byte[] read(InputStream in, String contentLength, String transferEncoding, String contentEncoding,
      long limit) {
    byte[] raw;
    try {
      if (transferEncoding != null && transferEncoding.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
        raw = readChunked(in, limit);
      } else if (contentLength != null) {
        long n;
        try {
          n = Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
          throw EngineException.badRequest("Content-Length is not a number");
        }
        if (n < 0) {
          throw EngineException.badRequest("Content-Length is negative");
        }
        if (n > limit) {
          throw new EngineException(EngineException.Kind.TOO_LARGE,
              "request body of " + n + " bytes is over the limit of " + limit + " bytes");
        }
        raw = in.readNBytes((int) n);
        if (raw.length != n) {
          throw EngineException.badRequest("request body ended after " + raw.length + " of " + n + " bytes");
        }
      } else {
        raw = new byte[0];
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (contentEncoding != null && !contentEncoding.isBlank()) {
      String enc = contentEncoding.trim().toLowerCase(java.util.Locale.ROOT);
      if (enc.equals("gzip") || enc.equals("x-gzip")) {
        return gunzip(raw, limit);
      }
      if (!enc.equals("identity")) {
        throw new EngineException(EngineException.Kind.UNSUPPORTED_MEDIA_TYPE,
            "Content-Encoding '" + contentEncoding + "' is not supported (use gzip or none)");
      }
    }
    return raw;
  }

  static byte[] gunzip(byte[] raw, long limit) {
    try {
      return io.guardops.otlp.Gzip.gunzip(new java.io.ByteArrayInputStream(raw), limit);
    } catch (io.guardops.otlp.PayloadTooLargeException e) {
      throw new EngineException(EngineException.Kind.TOO_LARGE, e.getMessage());
    } catch (io.guardops.otlp.MalformedPayloadException e) {
      throw EngineException.badRequest(e.getMessage());
    } catch (IOException e) {
      throw EngineException.badRequest("body is not a valid gzip stream: " + e.getMessage());
    }
  }

  private static byte[] readChunked(InputStream in, long limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      int semi = sizeLine.indexOf(';');
      String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw EngineException.badRequest("malformed chunked body: bad chunk size '" + hex + "'");
      }
      if (size < 0) {
        throw EngineException.badRequest("malformed chunked body: negative chunk size");
      }
      if (size == 0) {
        // trailers until an empty line
        while (!readLine(in).isEmpty()) {
          // skip trailer headers
        }
        return out.toByteArray();
      }
      if (out.size() + size > limit) {
        throw new EngineException(EngineException.Kind.TOO_LARGE,
            "request body is over the limit of " + limit + " bytes");
      }
      byte[] chunk = in.readNBytes((int) size);
      if (chunk.length != size) {
        throw EngineException.badRequest("malformed chunked body: chunk cut short");
      }
      out.write(chunk);
      String end = readLine(in);
      if (!end.isEmpty()) {
        throw EngineException.badRequest("malformed chunked body: missing CRLF after a chunk");
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(16);
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        line.write(c);
      }
      if (line.size() > 4096) {
        throw EngineException.badRequest("malformed chunked body: line too long");
      }
    }
    if (c == -1 && line.size() == 0) {
      throw EngineException.badRequest("malformed chunked body: unexpected end");
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
