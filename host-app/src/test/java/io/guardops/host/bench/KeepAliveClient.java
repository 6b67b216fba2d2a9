package io.guardops.host.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection, as lean as a load generator's client should be: a request is
 * one socket write (head and body together), a response is read into a reused buffer (Content-Length
 * or chunked). After a failure the next request opens a new connection. Not thread-safe: one per
 * client thread.
 */
public final class KeepAliveClient implements AutoCloseable {
  private final String host;
  private final int port;
  private final int timeoutMillis;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int lim;
  private final Encoders.Bytes request = new Encoders.Bytes(128 * 1024);
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private boolean keepBody;
  private int reconnects;

  public KeepAliveClient(String host, int port, int timeoutMillis) {
    this.host = host;
    this.port = port;
    this.timeoutMillis = timeoutMillis;
  }

  /** Opens the connection now (otherwise the first request does). */
  public void connect() throws IOException {
    if (socket == null) {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      socket = s;
      in = s.getInputStream();
      out = s.getOutputStream();
      pos = 0;
      lim = 0;
    }
  }

  /** How many requests failed on a connection that had served requests before. */
  public int reconnects() {
    return reconnects;
  }

  /** Whether a connection is open. */
  public boolean connected() {
    return socket != null;
  }

  /**
   * Sends a request and reads the whole response; returns its status. {@code headers} are complete
   * header lines ending in CRLF (or empty); {@code body} may be null (no body).
   */
  public int send(String method, String target, String headers, byte[] bodyBytes, int off, int len, boolean keep)
      throws IOException {
    boolean fresh = socket == null;
    connect();
    request.reset();
    request.ascii(method);
    request.put(' ');
    request.ascii(target);
    request.ascii(" HTTP/1.1\r\nHost: ");
    request.ascii(host);
    request.put(':');
    request.ascii(Integer.toString(port));
    request.ascii("\r\n");
    request.ascii(headers);
    if (bodyBytes != null) {
      request.ascii("Content-Length: ");
      request.ascii(Integer.toString(len));
      request.ascii("\r\n\r\n");
      request.put(bodyBytes, off, len);
    } else {
      request.ascii("\r\n");
    }
    keepBody = keep;
    body.reset();
    try {
      out.write(request.buf, 0, request.len);
      return readResponse();
    } catch (IOException e) {
      // never re-sent here: the caller counts a failure, and the next request opens a new connection
      close();
      if (!fresh) {
        reconnects++;
      }
      throw e;
    }
  }

  /** The body of the last response, when it was asked to be kept. */
  public byte[] body() {
    return body.toByteArray();
  }

  private int readResponse() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before the response");
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    String h;
    while ((h = line()) != null && !h.isEmpty()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim();
      String value = h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("transfer-encoding")) {
        chunked = value.toLowerCase().contains("chunked");
      } else if (name.equalsIgnoreCase("connection")) {
        close = value.equalsIgnoreCase("close");
      }
    }
    if (chunked) {
      while (true) {
        String size = line();
        int semi = size.indexOf(';');
        long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
        if (n == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          break;
        }
        skip(n);
        line();
      }
    } else if (length > 0) {
      skip(length);
    } else if (length < 0 && close) {
      while (fill()) {
        skip(lim - pos);
      }
    }
    if (close) {
      close();
    }
    return code;
  }

  private boolean fill() throws IOException {
    if (pos < lim) {
      return true;
    }
    int n = in.read(buf, 0, buf.length);
    if (n < 0) {
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      if (!fill()) {
        throw new IOException("connection closed in the middle of a response body");
      }
      int take = (int) Math.min(n, lim - pos);
      if (keepBody) {
        body.write(buf, pos, take);
      }
      pos += take;
      n -= take;
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder(64);
    while (true) {
      if (!fill()) {
        return sb.length() == 0 ? null : sb.toString();
      }
      byte b = buf[pos++];
      if (b == '\n') {
        int l = sb.length();
        if (l > 0 && sb.charAt(l - 1) == '\r') {
          sb.setLength(l - 1);
        }
        return sb.toString();
      }
      sb.append((char) (b & 0xff));
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
      socket = null;
    }
  }

  public static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
