package io.guardops.host;

import fi.iki.elonen.NanoHTTPD;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A response whose body is a byte array, written in one socket write: status line, headers and body.
 * NanoHTTPD's own {@code send} builds a {@code SimpleDateFormat}, a {@code PrintWriter} chain and a
 * content-type parser per response and writes head and body separately; on small replies (the library
 * path answers one span per request) that was most of the server's time per request. Same headers as
 * NanoHTTPD writes: Content-Type, Date, the added ones, Connection, Content-Length.
 */
final class FixedResponse extends NanoHTTPD.Response {
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
      Locale.US);
  private static volatile long dateSecond;
  private static volatile String date = "";

  private final byte[] body;
  private final List<String> headers = new ArrayList<>(4);
  private boolean keepAlive = true;
  private boolean close;
  private NanoHTTPD.Method method;

  FixedResponse(NanoHTTPD.Response.IStatus status, String mimeType, byte[] body) {
    super(status, mimeType, null, body.length);
    this.body = body;
  }

  @Override
  public void addHeader(String name, String value) {
    super.addHeader(name, value);
    headers.add(name);
    headers.add(value);
  }

  @Override
  public void closeConnection(boolean close) {
    super.closeConnection(close);
    this.close = close;
  }

  @Override
  public void setKeepAlive(boolean keepAlive) {
    super.setKeepAlive(keepAlive);
    this.keepAlive = keepAlive;
  }

  @Override
  public void setRequestMethod(NanoHTTPD.Method requestMethod) {
    super.setRequestMethod(requestMethod);
    this.method = requestMethod;
  }

  @Override
  protected void send(OutputStream out) {
    StringBuilder head = new StringBuilder(160 + 32 * headers.size());
    head.append("HTTP/1.1 ").append(getStatus().getDescription()).append("\r\n");
    if (getMimeType() != null) {
      head.append("Content-Type: ").append(getMimeType()).append("\r\n");
    }
    head.append("Date: ").append(date()).append("\r\n");
    for (int i = 0; i < headers.size(); i += 2) {
      head.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
    }
    head.append("Connection: ").append(keepAlive && !close ? "keep-alive" : "close").append("\r\n");
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    boolean withBody = method != NanoHTTPD.Method.HEAD;
    byte[] all = new byte[h.length + (withBody ? body.length : 0)];
    System.arraycopy(h, 0, all, 0, h.length);
    if (withBody) {
      System.arraycopy(body, 0, all, h.length, body.length);
    }
    try {
      out.write(all);
      out.flush();
    } catch (IOException e) {
      // the client went away; NanoHTTPD's own send logs and goes on the same way
      LoggerHolder.LOG.debug("could not send a response: {}", e.toString());
    }
  }

  /** The Date header, formatted once per second. */
  static String date() {
    long now = System.currentTimeMillis() / 1000;
    if (now != dateSecond) {
      date = HTTP_DATE.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(now), ZoneOffset.UTC));
      dateSecond = now;
    }
    return date;
  }

  private static final class LoggerHolder {
    static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FixedResponse.class);
  }
}
