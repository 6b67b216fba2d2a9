package io.guardops.otlp;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** The one gunzip of every ingest path (OTLP/HTTP, OTLP/gRPC, the library), with a limit on the inflated size. Stateless and thread-safe. */
public final class Gzip {
  private Gzip() {}

  /**
   * Inflates a gzip stream, refusing to produce more than {@code maxBytes}: the check runs while
   * inflating, so a zip bomb costs at most {@code maxBytes} of memory. Does not close {@code in}.
   *
   * @throws PayloadTooLargeException when the inflated size exceeds {@code maxBytes}
   * @throws MalformedPayloadException when the stream is not valid gzip or is cut short
   * @throws IOException when reading {@code in} itself fails
   */
  public static byte[] gunzip(InputStream in, long maxBytes) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
    try {
      GZIPInputStream gz = new GZIPInputStream(in, 8192);
      ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
      byte[] buf = new byte[16384];
      long total = 0;
      int n;
      while ((n = gz.read(buf)) > 0) {
        total += n;
        if (total > maxBytes) {
          throw new PayloadTooLargeException(
              "gzip body inflates to more than the limit of " + maxBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (ZipException | EOFException e) {
      throw new MalformedPayloadException("body is not valid gzip: " + e.getMessage(), e);
    }
  }
}
