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
    if (contentLength != null) {
      declaredLength(contentLength, limit);
    }
  }

  /** The Content-Length; 400 when it is not a length, 413 when it is over {@code limit}. */
  private static long declaredLength(String contentLength, long limit) {
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
    return n;
  }

  static byte[] read(InputStream in, String contentLength, String transferEncoding, String contentEncoding,
      long limit) {
    byte[] raw;
    try {
      if (transferEncoding != null && transferEncoding.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
        raw = readChunked(in, limit);
      } else if (contentLength != null) {
        long n = declaredLength(contentLength, limit);
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
    return new ChunkedStream(in, limit).readAllBytes();
  }

  /**
   * The body as a stream, for routes that must not hold it in memory (dataset imports): exactly
   * Content-Length bytes, or chunked transfer encoding decoded as it arrives, gunzipped on the fly
   * when {@code Content-Encoding: gzip}; more than {@code limit} bytes (after inflation) fails the read
   * with 413. The caller reads it to its end or the connection is closed after the reply.
   */
  static EndAwareStream stream(InputStream in, String contentLength, String transferEncoding, String contentEncoding,
      long limit) {
    InputStream raw;
    if (transferEncoding != null && transferEncoding.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
      raw = new ChunkedStream(in, limit);
    } else if (contentLength != null) {
      raw = new ExactStream(in, declaredLength(contentLength, limit));
    } else {
      raw = InputStream.nullInputStream();
    }
    EndAwareStream body = new EndAwareStream(raw);
    if (contentEncoding != null && !contentEncoding.isBlank()) {
      String enc = contentEncoding.trim().toLowerCase(java.util.Locale.ROOT);
      if (enc.equals("gzip") || enc.equals("x-gzip")) {
        return new EndAwareStream(new LimitedStream(new LazyGzip(body), limit), body);
      }
      if (!enc.equals("identity")) {
        throw new EngineException(EngineException.Kind.UNSUPPORTED_MEDIA_TYPE,
            "Content-Encoding '" + contentEncoding + "' is not supported (use gzip or none)");
      }
    }
    return body;
  }

  /** A stream that knows whether its source (the raw body) was read to the end. */
  static final class EndAwareStream extends java.io.FilterInputStream {
    private final EndAwareStream source;
    private boolean ended;

    EndAwareStream(InputStream in) {
      this(in, null);
    }

    private EndAwareStream(InputStream in, EndAwareStream source) {
      super(in);
      this.source = source;
    }

    /** Whether the raw body was read to its end (so keep-alive stays in sync). */
    boolean ended() {
      return source != null ? source.ended : ended;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      ended |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = in.read(buf, off, len);
      ended |= n < 0;
      return n;
    }

    /** The body belongs to the connection: closing it must not close the socket. */
    @Override
    public void close() {}
  }

  /** A stream whose single-byte read is its block read (the block read is where the logic is). */
  private abstract static class BlockStream extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int r = read(one, 0, 1);
      return r < 0 ? -1 : one[0] & 0xff;
    }
  }

  /** Exactly {@code n} bytes of the connection. */
  private static final class ExactStream extends BlockStream {
    private final InputStream in;
    private final long n;
    private long read;

    ExactStream(InputStream in, long n) {
      this.in = in;
      this.n = n;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (read >= n) {
        return -1;
      }
      int r = in.read(buf, off, (int) Math.min(len, n - read));
      if (r < 0) {
        throw EngineException.badRequest("request body ended after " + read + " of " + n + " bytes");
      }
      read += r;
      return r;
    }
  }

  /** Fails with 413 once more than {@code limit} bytes were read (an inflated gzip body). */
  private static final class LimitedStream extends java.io.FilterInputStream {
    private final long limit;
    private long read;

    LimitedStream(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = in.read(buf, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > limit) {
        throw new EngineException(EngineException.Kind.TOO_LARGE,
            "request body is over the limit of " + limit + " bytes once inflated");
      }
    }
  }

  /** Opens the gzip stream on first read, so a bad header fails the read, not the route's set-up. */
  private static final class LazyGzip extends InputStream {
    private final InputStream raw;
    private InputStream gz;

    LazyGzip(InputStream raw) {
      this.raw = raw;
    }

    private InputStream gz() throws IOException {
      if (gz == null) {
        gz = new java.util.zip.GZIPInputStream(raw, 64 * 1024);
      }
      return gz;
    }

    @Override
    public int read() throws IOException {
      return gz().read();
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      return gz().read(buf, off, len);
    }
  }

  /** Chunked transfer encoding, decoded as it is read, under a byte limit. */
  private static final class ChunkedStream extends BlockStream {
    private final InputStream in;
    private final long limit;
    private long total;
    private long left;
    private boolean done;

    ChunkedStream(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (done) {
        return -1;
      }
      if (left == 0) {
        long size = nextChunk();
        if (size == 0) {
          done = true;
          return -1;
        }
        left = size;
      }
      int r = in.read(buf, off, (int) Math.min(len, left));
      if (r < 0) {
        throw EngineException.badRequest("malformed chunked body: chunk cut short");
      }
      left -= r;
      if (left == 0 && !readLine(in).isEmpty()) {
        throw EngineException.badRequest("malformed chunked body: missing CRLF after a chunk");
      }
      return r;
    }

    private long nextChunk() throws IOException {
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
        return 0;
      }
      if (total + size > limit) {
        throw new EngineException(EngineException.Kind.TOO_LARGE,
            "request body is over the limit of " + limit + " bytes");
      }
      total += size;
      return size;
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
