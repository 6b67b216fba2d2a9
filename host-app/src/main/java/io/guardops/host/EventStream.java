package io.guardops.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server-sent event stream as a response body: producers ({@link #send}, from any thread) queue
 * events, and the server reads them as they come and writes each as a chunk, so a client sees every
 * event when it is sent. {@link #finish} ends the stream; when the client goes away the server closes
 * it, and later events are dropped (producers learn it from {@link #send}'s result).
 */
final class EventStream extends InputStream {
  static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";
  /** Headers that keep proxies from buffering the stream. */
  static final Map<String, String> HEADERS = Map.of("Cache-Control", "no-cache", "X-Accel-Buffering", "no");
  private static final byte[] END = new byte[0];
  /** A stream whose producer stopped without finishing (a bug) ends after this long without events. */
  private static final long IDLE_LIMIT_MINUTES = 15;

  private final ObjectMapper json;
  private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
  private byte[] current;
  private int pos;
  private volatile boolean closed;

  EventStream(ObjectMapper json) {
    this.json = json;
  }

  /** Queues {@code event} with {@code data} as JSON; false when the client is gone. */
  boolean send(String event, Object data) {
    if (closed) {
      return false;
    }
    try {
      queue.add(("event: " + event + "\ndata: " + json.writeValueAsString(data) + "\n\n")
          .getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  /** Ends the stream after the events queued so far. */
  void finish() {
    queue.add(END);
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    if (current == null || pos == current.length) {
      if (current == END) {
        return -1;
      }
      try {
        current = queue.poll(IDLE_LIMIT_MINUTES, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        current = END;
      }
      if (current == null) {
        current = END;
      }
      pos = 0;
      if (current == END) {
        return -1;
      }
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() {
    closed = true;
    queue.clear();
    queue.add(END);
  }
}
