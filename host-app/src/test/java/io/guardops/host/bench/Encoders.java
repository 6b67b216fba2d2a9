package io.guardops.host.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The three encodings of {@link LlmWorkload}'s spans, written by hand into reusable buffers so the load
 * generator spends little CPU beside the servers it measures: an OTLP {@code ExportTraceServiceRequest}
 * (protobuf), a Zipkin JSON v2 span list, and the GuardOps Python library's {@code store_trace} body
 * (one span). Each encoder is used by one thread.
 */
public final class Encoders {
  private Encoders() {}

  /** A growable byte buffer. */
  public static final class Bytes {
    public byte[] buf;
    public int len;

    Bytes(int capacity) {
      buf = new byte[capacity];
    }

    void reset() {
      len = 0;
    }

    void ensure(int extra) {
      if (len + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
      }
    }

    void put(int b) {
      ensure(1);
      buf[len++] = (byte) b;
    }

    void put(byte[] b, int off, int n) {
      ensure(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    void put(Bytes other) {
      put(other.buf, 0, other.len);
    }

    void ascii(String s) {
      int n = s.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    }

    public byte[] toArray() {
      return Arrays.copyOf(buf, len);
    }
  }

  // ------------------------------------------------------------------------------------- OTLP

  /**
   * OTLP/protobuf: one ResourceSpans (the workload's resource) with one ScopeSpans holding every span
   * written since {@link #reset}.
   */
  public static final class Otlp implements LlmWorkload.Sink {
    private final Bytes spans = new Bytes(128 * 1024);
    private final Bytes span = new Bytes(4096);
    private final Bytes attrs = new Bytes(4096);
    private final Bytes value = new Bytes(2048);
    private final Bytes out = new Bytes(128 * 1024);
    private final Bytes head = new Bytes(1024);
    private int statusCode;
    private String statusMessage;

    public void reset() {
      spans.reset();
    }

    @Override
    public void begin(long traceHi, long traceLo, long spanId, long parentId, String name, int kind, long startNanos,
        long endNanos, int status, String message) {
      span.reset();
      attrs.reset();
      tag(span, 1, 2);
      varint(span, 16);
      fixed64be(span, traceHi);
      fixed64be(span, traceLo);
      tag(span, 2, 2);
      varint(span, 8);
      fixed64be(span, spanId);
      if (parentId != 0) {
        tag(span, 4, 2);
        varint(span, 8);
        fixed64be(span, parentId);
      }
      string(span, 5, name);
      tag(span, 6, 0);
      varint(span, kind);
      tag(span, 7, 1);
      fixed64le(span, startNanos);
      tag(span, 8, 1);
      fixed64le(span, endNanos);
      statusCode = status;
      statusMessage = message;
    }

    @Override
    public void attr(String key, String v) {
      value.reset();
      string(value, 1, v);
      keyValue(attrs, 9, key, value);
    }

    @Override
    public void attr(String key, long v) {
      value.reset();
      tag(value, 3, 0);
      varint(value, v);
      keyValue(attrs, 9, key, value);
    }

    @Override
    public void attr(String key, double v) {
      value.reset();
      tag(value, 4, 1);
      fixed64le(value, Double.doubleToRawLongBits(v));
      keyValue(attrs, 9, key, value);
    }

    @Override
    public void attr(String key, boolean v) {
      value.reset();
      tag(value, 2, 0);
      varint(value, v ? 1 : 0);
      keyValue(attrs, 9, key, value);
    }

    @Override
    public void end() {
      span.put(attrs);
      if (statusCode != 0 || statusMessage != null) {
        value.reset();
        if (statusMessage != null) {
          string(value, 2, statusMessage);
        }
        tag(value, 3, 0);
        varint(value, statusCode);
        tag(span, 15, 2);
        varint(span, value.len);
        span.put(value);
      }
      tag(spans, 2, 2);
      varint(spans, span.len);
      spans.put(span);
    }

    /** The request with every span since {@link #reset}; valid until the next call. */
    public Bytes request() {
      // Resource
      Bytes resource = head;
      resource.reset();
      Bytes kv = new Bytes(128);
      for (String[] a : LlmWorkload.RESOURCE) {
        kv.reset();
        string(kv, 1, a[1]);
        keyValue(resource, 1, a[0], kv);
      }
      Bytes scope = new Bytes(96);
      string(scope, 1, LlmWorkload.SCOPE_NAME);
      string(scope, 2, LlmWorkload.SCOPE_VERSION);
      // ScopeSpans = scope + spans; ResourceSpans = resource + scopeSpans
      int scopeSpansLen = 1 + varintSize(scope.len) + scope.len + spans.len;
      int resourceSpansLen = 1 + varintSize(resource.len) + resource.len + 1 + varintSize(scopeSpansLen) + scopeSpansLen;
      out.reset();
      tag(out, 1, 2);
      varint(out, resourceSpansLen);
      tag(out, 1, 2);
      varint(out, resource.len);
      out.put(resource);
      tag(out, 2, 2);
      varint(out, scopeSpansLen);
      tag(out, 1, 2);
      varint(out, scope.len);
      out.put(scope);
      out.put(spans);
      return out;
    }

    private static void keyValue(Bytes to, int field, String key, Bytes anyValue) {
      int keyLen = utf8Length(key);
      int kvLen = 1 + varintSize(keyLen) + keyLen + 1 + varintSize(anyValue.len) + anyValue.len;
      tag(to, field, 2);
      varint(to, kvLen);
      string(to, 1, key);
      tag(to, 2, 2);
      varint(to, anyValue.len);
      to.put(anyValue);
    }
  }

  static void tag(Bytes b, int field, int wireType) {
    varint(b, (long) field << 3 | wireType);
  }

  static void varint(Bytes b, long v) {
    b.ensure(10);
    while ((v & ~0x7FL) != 0) {
      b.buf[b.len++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b.buf[b.len++] = (byte) v;
  }

  static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  static void fixed64le(Bytes b, long v) {
    b.ensure(8);
    for (int i = 0; i < 8; i++) {
      b.buf[b.len++] = (byte) (v >>> (8 * i));
    }
  }

  static void fixed64be(Bytes b, long v) {
    b.ensure(8);
    for (int i = 7; i >= 0; i--) {
      b.buf[b.len++] = (byte) (v >>> (8 * i));
    }
  }

  static void string(Bytes b, int field, String s) {
    tag(b, field, 2);
    if (isAscii(s)) {
      varint(b, s.length());
      b.ascii(s);
    } else {
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      varint(b, u.length);
      b.put(u, 0, u.length);
    }
  }

  static int utf8Length(String s) {
    return isAscii(s) ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------------- JSON

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static void hex(Bytes b, long v) {
    b.ensure(16);
    for (int i = 60; i >= 0; i -= 4) {
      b.buf[b.len++] = (byte) HEX[(int) (v >>> i) & 0xf];
    }
  }

  /** A JSON string literal (quotes included), escaped as RFC 8259 requires. */
  static void jsonString(Bytes b, String s) {
    b.put('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.put('\\');
        b.put(c);
      } else if (c < 0x20) {
        b.ascii(String.format("\\u%04x", (int) c));
      } else if (c < 0x80) {
        b.put(c);
      } else {
        byte[] u = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        b.put(u, 0, u.length);
      }
    }
    b.put('"');
  }

  /**
   * Zipkin JSON v2, as OpenTelemetry's Zipkin exporter maps spans: {@code service.name} as the local
   * endpoint, every attribute as a string tag, the scope as {@code otel.scope.*} tags, an error status
   * as {@code otel.status_code} and {@code error} tags, INTERNAL spans without a kind.
   */
  static final class Zipkin implements LlmWorkload.Sink {
    private final Bytes out = new Bytes(160 * 1024);
    private final String serviceName = LlmWorkload.RESOURCE[0][1];
    private boolean firstSpan = true;
    private boolean firstTag;
    private int status;
    private String statusMessage;

    void reset() {
      out.reset();
      out.put('[');
      firstSpan = true;
    }

    @Override
    public void begin(long traceHi, long traceLo, long spanId, long parentId, String name, int kind, long startNanos,
        long endNanos, int status, String message) {
      if (!firstSpan) {
        out.put(',');
      }
      firstSpan = false;
      out.ascii("{\"traceId\":\"");
      hex(out, traceHi);
      hex(out, traceLo);
      out.ascii("\",\"id\":\"");
      hex(out, spanId);
      if (parentId != 0) {
        out.ascii("\",\"parentId\":\"");
        hex(out, parentId);
      }
      out.ascii("\",");
      if (kind == LlmWorkload.KIND_CLIENT) {
        out.ascii("\"kind\":\"CLIENT\",");
      }
      out.ascii("\"name\":");
      jsonString(out, name);
      long startMicros = startNanos / 1000;
      out.ascii(",\"timestamp\":");
      out.ascii(Long.toString(startMicros));
      out.ascii(",\"duration\":");
      out.ascii(Long.toString(Math.max(1, endNanos / 1000 - startMicros)));
      out.ascii(",\"localEndpoint\":{\"serviceName\":");
      jsonString(out, serviceName);
      out.ascii("},\"tags\":{");
      firstTag = true;
      this.status = status;
      this.statusMessage = message;
    }

    private void tag(String key, String v) {
      if (!firstTag) {
        out.put(',');
      }
      firstTag = false;
      jsonString(out, key);
      out.put(':');
      jsonString(out, v);
    }

    @Override
    public void attr(String key, String v) {
      tag(key, v);
    }

    @Override
    public void attr(String key, long v) {
      tag(key, Long.toString(v));
    }

    @Override
    public void attr(String key, double v) {
      tag(key, Double.toString(v));
    }

    @Override
    public void attr(String key, boolean v) {
      tag(key, Boolean.toString(v));
    }

    @Override
    public void end() {
      tag("otel.scope.name", LlmWorkload.SCOPE_NAME);
      tag("otel.scope.version", LlmWorkload.SCOPE_VERSION);
      if (status == LlmWorkload.STATUS_ERROR) {
        tag("otel.status_code", "ERROR");
        tag("error", statusMessage == null ? "" : statusMessage);
      }
      out.ascii("}}");
    }

    /** The span list since {@link #reset}. */
    Bytes request() {
      out.put(']');
      return out;
    }
  }

  /**
   * The GuardOps Python library's body for one span (GUARDOPS_WIRE.md): OpenTelemetry Python's
   * {@code to_json()} with every {@code .} in attribute keys made {@code _}, plus the library's added
   * {@code prompt}, {@code output}, {@code model} and {@code response} (all attributes as a JSON string).
   * Each span becomes its own body; {@link #bodies()} returns them in order.
   */
  static final class Library implements LlmWorkload.Sink {
    private final java.util.List<byte[]> bodies = new java.util.ArrayList<>();
    private final Bytes out = new Bytes(8192);
    private final Bytes attrs = new Bytes(4096);
    private final StringBuilder prompts = new StringBuilder();
    private final StringBuilder completions = new StringBuilder();
    private String model;
    private boolean firstAttr;

    java.util.List<byte[]> bodies() {
      return bodies;
    }

    void reset() {
      bodies.clear();
    }

    @Override
    public void begin(long traceHi, long traceLo, long spanId, long parentId, String name, int kind, long startNanos,
        long endNanos, int status, String message) {
      out.reset();
      attrs.reset();
      prompts.setLength(0);
      completions.setLength(0);
      model = null;
      firstAttr = true;
      out.ascii("{\"span\":{\"name\":");
      jsonString(out, name);
      out.ascii(",\"context\":{\"trace_id\":\"0x");
      hex(out, traceHi);
      hex(out, traceLo);
      out.ascii("\",\"span_id\":\"0x");
      hex(out, spanId);
      out.ascii("\",\"trace_state\":\"[]\"},\"kind\":\"");
      out.ascii(kind == LlmWorkload.KIND_CLIENT ? "SpanKind.CLIENT" : "SpanKind.INTERNAL");
      out.ascii("\",\"parent_id\":");
      if (parentId == 0) {
        out.ascii("null");
      } else {
        out.ascii("\"0x");
        hex(out, parentId);
        out.put('"');
      }
      out.ascii(",\"start_time\":\"");
      out.ascii(Instant.ofEpochSecond(0, startNanos).toString());
      out.ascii("\",\"end_time\":\"");
      out.ascii(Instant.ofEpochSecond(0, endNanos).toString());
      out.ascii("\",\"status\":{\"status_code\":\"");
      out.ascii(status == LlmWorkload.STATUS_ERROR ? "ERROR" : "UNSET");
      out.put('"');
      if (message != null) {
        out.ascii(",\"description\":");
        jsonString(out, message);
      }
      out.ascii("},\"attributes\":{");
    }

    private void raw(String key, String jsonValue, String text) {
      if (!firstAttr) {
        attrs.put(',');
      }
      firstAttr = false;
      String k = key.replace('.', '_');
      jsonString(attrs, k);
      attrs.put(':');
      attrs.ascii(jsonValue == null ? "" : jsonValue);
      if (text != null) {
        jsonString(attrs, text);
        if (k.startsWith("gen_ai_prompt_") && k.endsWith("_content")) {
          prompts.append(prompts.length() > 0 ? "\n" : "").append(text);
        } else if (k.startsWith("gen_ai_completion_") && k.endsWith("_content")) {
          completions.append(completions.length() > 0 ? "\n" : "").append(text);
        } else if (k.equals("gen_ai_response_model")) {
          model = text;
        }
      }
    }

    @Override
    public void attr(String key, String v) {
      raw(key, null, v);
    }

    @Override
    public void attr(String key, long v) {
      raw(key, Long.toString(v), null);
    }

    @Override
    public void attr(String key, double v) {
      raw(key, Double.toString(v), null);
    }

    @Override
    public void attr(String key, boolean v) {
      raw(key, Boolean.toString(v), null);
    }

    @Override
    public void end() {
      String all = "{" + new String(attrs.buf, 0, attrs.len, StandardCharsets.UTF_8) + "}";
      if (prompts.length() > 0) {
        raw("prompt", null, prompts.toString());
      }
      if (completions.length() > 0) {
        raw("output", null, completions.toString());
      }
      if (model != null) {
        raw("model", null, model);
      }
      raw("response", null, all);
      out.put(attrs);
      out.ascii("},\"events\":[],\"links\":[],\"resource\":{\"attributes\":{\"service_name\":");
      jsonString(out, LlmWorkload.RESOURCE[0][1]);
      out.ascii("},\"schema_url\":\"\"}}}");
      bodies.add(out.toArray());
    }
  }
}
