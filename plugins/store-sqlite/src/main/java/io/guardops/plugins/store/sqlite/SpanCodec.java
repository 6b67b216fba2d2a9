package io.guardops.plugins.store.sqlite;

import io.guardops.api.Attributes;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.guardops.api.TraceSummary.SpanFacts;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a span is stored from schema v7 on: two blobs instead of thirty columns and three JSON documents.
 *
 * <ul>
 *   <li><b>facts</b>: what trace summaries, metric rollups and purges need, read without the rest: span
 *       id and parent (8 bytes each), start, duration, name, model, token counts, cost and status.</li>
 *   <li><b>body</b>: kind, status message, a reference to the span's resource (stored once, see {@link
 *       Dictionary}), attributes, events and the remaining LLM fields.</li>
 * </ul>
 *
 * <p>Attribute keys, span and event names and model and provider names are numbers into the {@link
 * Dictionary} when it holds them, else written inline (a string reference is the varint {@code id << 1},
 * or {@code byteLength << 1 | 1} followed by the UTF-8 bytes). A long attribute value that is part of the
 * span's prompt or output (the mappers take the prompt from {@code gen_ai.prompt.N.content} and the like)
 * is stored as a slice of that text instead of a second copy. Values keep their types (string, long,
 * double, boolean, list, map), so a span reads back equal to what was written. The first byte of each
 * blob is the format version. Stateless apart from the dictionary; thread-safe.
 */
final class SpanCodec {
  static final int VERSION = 1;

  // facts flags
  private static final int F_PARENT = 1;
  private static final int F_ERROR = 2;
  private static final int F_AGGREGATE = 4;
  private static final int F_MODEL = 8;
  private static final int F_COST = 16;
  private static final int F_TEXT = 32;
  private static final int F_OK = 64;

  // value tags
  private static final int V_STRING = 0;
  private static final int V_LONG = 1;
  private static final int V_DOUBLE = 2;
  private static final int V_TRUE = 3;
  private static final int V_FALSE = 4;
  private static final int V_LIST = 5;
  private static final int V_MAP = 6;
  private static final int V_PROMPT_SLICE = 7;
  private static final int V_OUTPUT_SLICE = 8;
  private static final int V_NULL = 9;

  /** Shortest attribute value worth looking up in the prompt and output. */
  private static final int MIN_SLICE = 24;

  // llm field bits
  private static final int L_OPERATION = 1;
  private static final int L_PROVIDER = 1 << 1;
  private static final int L_REQUEST_MODEL = 1 << 2;
  private static final int L_RESPONSE_MODEL = 1 << 3;
  private static final int L_INPUT = 1 << 4;
  private static final int L_OUTPUT_TOKENS = 1 << 5;
  private static final int L_CACHED = 1 << 6;
  private static final int L_REASONING = 1 << 7;
  private static final int L_TOTAL = 1 << 8;
  private static final int L_COST = 1 << 9;
  private static final int L_CURRENCY = 1 << 10;
  private static final int L_PROMPT = 1 << 11;
  private static final int L_OUTPUT = 1 << 12;
  private static final int L_SESSION = 1 << 13;
  private static final int L_USER = 1 << 14;
  private static final int L_AGGREGATE = 1 << 15;

  private static final SpanKind[] KINDS = SpanKind.values();
  private static final StatusCode[] STATUSES = StatusCode.values();

  private final Dictionary dictionary;

  SpanCodec(Dictionary dictionary) {
    this.dictionary = dictionary;
  }

  Dictionary dictionary() {
    return dictionary;
  }

  // ------------------------------------------------------------------------------- what a batch needs

  /** Strings of a batch to intern before it is encoded, and the encoded form of each of its resources. */
  static final class Needs {
    final Set<String> strings = new LinkedHashSet<>();
    final Set<Dictionary.ResourceKey> resources = new LinkedHashSet<>();
    /** Each distinct resource map of the batch (decoders share one map per resource) and its encoding. */
    final Map<Map<String, Object>, Dictionary.ResourceKey> encodedResources = new IdentityHashMap<>();

    boolean isEmpty() {
      return strings.isEmpty() && resources.isEmpty();
    }
  }

  /** What {@code spans} need from the dictionary that it does not hold yet. */
  Needs needs(List<Span> spans) {
    Needs n = new Needs();
    Set<String> seen = new java.util.HashSet<>();
    for (Span s : spans) {
      if (dictionary.id(s.projectId()) == null) {
        // project ids always get a number: summaries and model calls refer to them
        n.strings.add(s.projectId());
      }
      want(n, seen, s.name());
      for (String k : s.attributes().keySet()) {
        want(n, seen, k);
      }
      for (SpanEvent e : s.events()) {
        want(n, seen, e.name());
        for (String k : e.attributes().keySet()) {
          want(n, seen, k);
        }
      }
      LlmFields l = s.llm();
      want(n, seen, l.operation());
      want(n, seen, l.provider());
      want(n, seen, l.requestModel());
      want(n, seen, l.responseModel());
      want(n, seen, l.currency());
      Map<String, Object> resource = s.resource();
      if (!resource.isEmpty() && !n.encodedResources.containsKey(resource)) {
        Dictionary.ResourceKey key = new Dictionary.ResourceKey(encodeResource(resource));
        n.encodedResources.put(resource, key);
        if (dictionary.resourceRef(key) == null) {
          n.resources.add(key);
        }
      }
    }
    return n;
  }

  private void want(Needs n, Set<String> seen, String s) {
    // known strings (nearly all, once a deployment has run a while) cost one lookup and nothing else
    if (s != null && dictionary.id(s) == null && dictionary.mayIntern(s) && seen.add(s)) {
      n.strings.add(s);
    }
  }

  // ------------------------------------------------------------------------------- encoding

  /** A string reference: the dictionary's number if it has one, else the string inline. */
  private void ref(ByteWriter w, String s) {
    Integer id = dictionary.id(s);
    if (id != null) {
      w.varint((long) id << 1);
    } else {
      w.inlineRef(s);
    }
  }

  /** The facts blob of {@code s}. */
  byte[] facts(Span s, long spanId, ByteWriter w) {
    SpanFacts f = SpanFacts.of(s);
    LlmFields l = s.llm();
    boolean text = l.prompt() != null || l.output() != null;
    int flags = (s.parentSpanId() != null ? F_PARENT : 0) | (f.error() ? F_ERROR : 0)
        | (f.usageIsAggregate() ? F_AGGREGATE : 0) | (f.model() != null ? F_MODEL : 0)
        | (f.cost() != null ? F_COST : 0) | (text ? F_TEXT : 0) | (s.status() == StatusCode.OK ? F_OK : 0);
    w.reset();
    w.u8(VERSION);
    w.u8(flags);
    w.fixed64(spanId);
    if (s.parentSpanId() != null) {
      w.fixed64(Long.parseUnsignedLong(s.parentSpanId(), 16));
    }
    w.fixed64(s.startEpochNanos());
    w.varint(s.endEpochNanos() - s.startEpochNanos());
    ref(w, s.name());
    if (f.model() != null) {
      ref(w, f.model());
    }
    w.varint(f.inputTokens());
    w.varint(f.outputTokens());
    w.varint(f.totalTokens());
    if (f.cost() != null) {
      w.fixed64(Double.doubleToRawLongBits(f.cost()));
    }
    return w.toArray();
  }

  /** The body blob of {@code s}, whose resource has the ref {@code resourceRef} (0: none). */
  byte[] body(Span s, long resourceRef, ByteWriter w) {
    LlmFields l = s.llm();
    w.reset();
    w.u8(VERSION);
    w.u8(s.kind().ordinal());
    w.string(s.statusMessage());
    w.varint(resourceRef);
    attributes(w, s.attributes(), l.prompt(), l.output(), true);
    w.varint(s.events().size());
    for (SpanEvent e : s.events()) {
      ref(w, e.name());
      w.fixed64(e.epochNanos());
      attributes(w, e.attributes(), null, null, true);
    }
    int mask = (l.operation() != null ? L_OPERATION : 0) | (l.provider() != null ? L_PROVIDER : 0)
        | (l.requestModel() != null ? L_REQUEST_MODEL : 0) | (l.responseModel() != null ? L_RESPONSE_MODEL : 0)
        | (l.inputTokens() != null ? L_INPUT : 0) | (l.outputTokens() != null ? L_OUTPUT_TOKENS : 0)
        | (l.cachedInputTokens() != null ? L_CACHED : 0) | (l.reasoningTokens() != null ? L_REASONING : 0)
        | (l.totalTokens() != null ? L_TOTAL : 0) | (l.cost() != null ? L_COST : 0)
        | (l.currency() != null ? L_CURRENCY : 0) | (l.prompt() != null ? L_PROMPT : 0)
        | (l.output() != null ? L_OUTPUT : 0) | (l.sessionId() != null ? L_SESSION : 0)
        | (l.userId() != null ? L_USER : 0) | (l.usageIsAggregate() ? L_AGGREGATE : 0);
    w.varint(mask);
    if (l.operation() != null) {
      ref(w, l.operation());
    }
    if (l.provider() != null) {
      ref(w, l.provider());
    }
    if (l.requestModel() != null) {
      ref(w, l.requestModel());
    }
    if (l.responseModel() != null) {
      ref(w, l.responseModel());
    }
    for (Long n : new Long[] {l.inputTokens(), l.outputTokens(), l.cachedInputTokens(), l.reasoningTokens(),
        l.totalTokens()}) {
      if (n != null) {
        w.varint(n);
      }
    }
    if (l.cost() != null) {
      w.fixed64(Double.doubleToRawLongBits(l.cost()));
    }
    if (l.currency() != null) {
      ref(w, l.currency());
    }
    for (String t : new String[] {l.prompt(), l.output(), l.sessionId(), l.userId()}) {
      if (t != null) {
        w.string(t);
      }
    }
    return w.toArray();
  }

  /** An attribute map: count, then key references (or inline keys) and typed values. */
  private void attributes(ByteWriter w, Map<String, Object> attrs, String prompt, String output, boolean refs) {
    w.varint(attrs.size());
    for (Map.Entry<String, Object> e : attrs.entrySet()) {
      if (refs) {
        ref(w, e.getKey());
      } else {
        w.string(e.getKey());
      }
      value(w, e.getValue(), prompt, output);
    }
  }

  private void value(ByteWriter w, Object v, String prompt, String output) {
    if (v instanceof String s) {
      if (s.length() >= MIN_SLICE) {
        int at = prompt == null ? -1 : prompt.indexOf(s);
        if (at >= 0) {
          w.u8(V_PROMPT_SLICE);
          w.varint(at);
          w.varint(s.length());
          return;
        }
        at = output == null ? -1 : output.indexOf(s);
        if (at >= 0) {
          w.u8(V_OUTPUT_SLICE);
          w.varint(at);
          w.varint(s.length());
          return;
        }
      }
      w.u8(V_STRING);
      w.string(s);
    } else if (v instanceof Long n) {
      w.u8(V_LONG);
      w.zigzag(n);
    } else if (v instanceof Double d) {
      w.u8(V_DOUBLE);
      w.fixed64(Double.doubleToRawLongBits(d));
    } else if (v instanceof Boolean b) {
      w.u8(b ? V_TRUE : V_FALSE);
    } else if (v instanceof List<?> list) {
      w.u8(V_LIST);
      w.varint(list.size());
      for (Object o : list) {
        value(w, o, null, null);
      }
    } else if (v instanceof Map<?, ?> map) {
      w.u8(V_MAP);
      w.varint(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        w.string(String.valueOf(e.getKey()));
        value(w, e.getValue(), null, null);
      }
    } else if (v == null) {
      // a null inside a list (an OTLP array may hold unset values) stays one
      w.u8(V_NULL);
    } else {
      w.u8(V_STRING);
      w.string(v.toString());
    }
  }

  /** A resource as stored once in {@code resources}: its attributes with their keys inline. */
  static byte[] encodeResource(Map<String, Object> resource) {
    ByteWriter w = new ByteWriter(256);
    w.u8(VERSION);
    new SpanCodec(null).attributes(w, resource, null, null, false);
    return w.toArray();
  }

  static Map<String, Object> decodeResource(byte[] bytes) throws SQLException {
    ByteReader r = new ByteReader(bytes);
    version(r);
    return Collections.unmodifiableMap(new SpanCodec(null).attributes(r, null, null, null, null));
  }

  /** The text the full-text index keeps for a span: its prompt and output, or null when it has neither. */
  static String text(Span s) {
    String p = s.llm().prompt();
    String o = s.llm().output();
    if (p == null) {
      return o;
    }
    return o == null ? p : p + "\n" + o;
  }

  // ------------------------------------------------------------------------------- decoding

  /** A span's stored facts with what the write path and purges need beside {@link SpanFacts}. */
  record StoredFacts(long spanId, SpanFacts facts, boolean hasText) {}

  private static void version(ByteReader r) {
    int v = r.u8();
    if (v != VERSION) {
      throw new IllegalStateException("stored span in format " + v + ", this GuardOps reads format " + VERSION
          + ": it was written by a newer GuardOps");
    }
  }

  /** Decodes a facts blob; string references are resolved through the dictionary (and {@code c}). */
  StoredFacts facts(byte[] bytes, Connection c) throws SQLException {
    ByteReader r = new ByteReader(bytes);
    version(r);
    int flags = r.u8();
    long spanId = r.fixed64();
    String parent = (flags & F_PARENT) != 0 ? hex16(r.fixed64()) : null;
    long start = r.fixed64();
    long end = start + r.varint();
    String name = ref(r, c);
    String model = (flags & F_MODEL) != 0 ? ref(r, c) : null;
    long in = r.varint();
    long out = r.varint();
    long total = r.varint();
    Double cost = (flags & F_COST) != 0 ? Double.longBitsToDouble(r.fixed64()) : null;
    return new StoredFacts(spanId, new SpanFacts(hex16(spanId), parent, name, start, end, (flags & F_ERROR) != 0,
        model, in, out, total, cost, (flags & F_AGGREGATE) != 0), (flags & F_TEXT) != 0);
  }

  /** The span stored as {@code facts} and {@code body}, of {@code projectId}'s trace {@code traceId}. */
  Span span(String projectId, String traceId, byte[] facts, byte[] body, Connection c) throws SQLException {
    ByteReader f = new ByteReader(facts);
    version(f);
    int flags = f.u8();
    String spanId = hex16(f.fixed64());
    String parent = (flags & F_PARENT) != 0 ? hex16(f.fixed64()) : null;
    long start = f.fixed64();
    long end = start + f.varint();
    String name = ref(f, c);
    StatusCode status = (flags & F_ERROR) != 0 ? StatusCode.ERROR : (flags & F_OK) != 0 ? StatusCode.OK
        : StatusCode.UNSET;

    ByteReader b = new ByteReader(body);
    version(b);
    SpanKind kind = KINDS[Math.min(b.u8(), KINDS.length - 1)];
    String statusMessage = b.string();
    Map<String, Object> resource = dictionary.resource(b.varint(), c);
    // the prompt and output come last: attributes that are slices of them are resolved once they are read
    List<Object[]> slices = new ArrayList<>();
    Map<String, Object> attributes = attributes(b, c, slices, null, null);
    int events = b.varint32();
    List<SpanEvent> eventList = events == 0 ? List.of() : new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      String eventName = ref(b, c);
      long at = b.fixed64();
      eventList.add(new SpanEvent(eventName, at, attributes(b, c, null, null, null)));
    }
    int mask = b.varint32();
    LlmFields.Builder l = LlmFields.builder();
    l.operation((mask & L_OPERATION) != 0 ? ref(b, c) : null);
    l.provider((mask & L_PROVIDER) != 0 ? ref(b, c) : null);
    l.requestModel((mask & L_REQUEST_MODEL) != 0 ? ref(b, c) : null);
    l.responseModel((mask & L_RESPONSE_MODEL) != 0 ? ref(b, c) : null);
    l.inputTokens((mask & L_INPUT) != 0 ? b.varint() : null);
    l.outputTokens((mask & L_OUTPUT_TOKENS) != 0 ? b.varint() : null);
    l.cachedInputTokens((mask & L_CACHED) != 0 ? b.varint() : null);
    l.reasoningTokens((mask & L_REASONING) != 0 ? b.varint() : null);
    l.totalTokens((mask & L_TOTAL) != 0 ? b.varint() : null);
    l.cost((mask & L_COST) != 0 ? Double.longBitsToDouble(b.fixed64()) : null);
    l.currency((mask & L_CURRENCY) != 0 ? ref(b, c) : null);
    String prompt = (mask & L_PROMPT) != 0 ? b.string() : null;
    String output = (mask & L_OUTPUT) != 0 ? b.string() : null;
    l.prompt(prompt).output(output);
    l.sessionId((mask & L_SESSION) != 0 ? b.string() : null);
    l.userId((mask & L_USER) != 0 ? b.string() : null);
    l.usageIsAggregate((mask & L_AGGREGATE) != 0);
    for (Object[] slice : slices) {
      @SuppressWarnings("unchecked")
      Map<String, Object> into = (Map<String, Object>) slice[0];
      String text = (Boolean) slice[2] ? prompt : output;
      int off = (Integer) slice[3];
      int len = (Integer) slice[4];
      if (text == null || off + len > text.length()) {
        throw new IllegalStateException("corrupt stored span: an attribute slice outside the prompt or output");
      }
      into.put((String) slice[1], text.substring(off, off + len));
    }
    return new Span(projectId, traceId, spanId, parent, name, kind, start, end, status, statusMessage, attributes,
        eventList, resource, l.build());
  }

  /**
   * Reads an attribute map. Keys are references when {@code c} may resolve them (span and event
   * attributes), inline otherwise (resources: {@code dictionary} is null). Slices of the prompt or output
   * are put as placeholders and listed in {@code slices} to fill in later.
   */
  private Map<String, Object> attributes(ByteReader r, Connection c, List<Object[]> slices, String prompt,
      String output) throws SQLException {
    int n = r.varint32();
    if (n == 0) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>(Math.max(4, n * 2));
    for (int i = 0; i < n; i++) {
      String key = dictionary == null ? r.string() : ref(r, c);
      int tag = r.u8();
      if (tag == V_PROMPT_SLICE || tag == V_OUTPUT_SLICE) {
        int off = r.varint32();
        int len = r.varint32();
        if (slices == null) {
          throw new IllegalStateException("corrupt stored span: a slice outside span attributes");
        }
        // keep the key's place in the order; the text comes later in the blob
        out.put(key, "");
        slices.add(new Object[] {out, key, tag == V_PROMPT_SLICE, off, len});
      } else {
        out.put(key, value(r, tag));
      }
    }
    return out;
  }

  private static Object value(ByteReader r, int tag) {
    switch (tag) {
      case V_STRING:
        return r.string();
      case V_LONG:
        return r.zigzag();
      case V_DOUBLE:
        return Double.longBitsToDouble(r.fixed64());
      case V_TRUE:
        return Boolean.TRUE;
      case V_FALSE:
        return Boolean.FALSE;
      case V_LIST: {
        int n = r.varint32();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(value(r, r.u8()));
        }
        return Collections.unmodifiableList(list);
      }
      case V_NULL:
        return null;
      case V_MAP: {
        int n = r.varint32();
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          String k = r.string();
          map.put(k, value(r, r.u8()));
        }
        return Collections.unmodifiableMap(map);
      }
      default:
        throw new IllegalStateException("corrupt stored span: value tag " + tag);
    }
  }

  /** Skips a value of {@code tag} (the attribute filter looks at one key only). */
  private static void skipValue(ByteReader r, int tag) {
    switch (tag) {
      case V_STRING -> r.skip(r.varint32());
      case V_LONG -> r.varint();
      case V_DOUBLE -> r.skip(8);
      case V_TRUE, V_FALSE, V_NULL -> { }
      case V_LIST -> {
        int n = r.varint32();
        for (int i = 0; i < n; i++) {
          skipValue(r, r.u8());
        }
      }
      case V_MAP -> {
        int n = r.varint32();
        for (int i = 0; i < n; i++) {
          r.skip(r.varint32());
          skipValue(r, r.u8());
        }
      }
      case V_PROMPT_SLICE, V_OUTPUT_SLICE -> {
        r.varint();
        r.varint();
      }
      default -> throw new IllegalStateException("corrupt stored span: value tag " + tag);
    }
  }

  private String ref(ByteReader r, Connection c) throws SQLException {
    long v = r.varint();
    if ((v & 1) == 1) {
      return r.utf8((int) (v >>> 1));
    }
    return dictionary.value((int) (v >>> 1), c);
  }

  /** Skips a string reference; true when it is the key sought (the dictionary's {@code keyId}, or inline {@code key}). */
  private static boolean refIs(ByteReader r, int keyId, byte[] key) {
    long v = r.varint();
    if ((v & 1) == 0) {
      return (v >>> 1) == keyId;
    }
    int n = (int) (v >>> 1);
    int at = r.position();
    r.skip(n);
    if (n != key.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (r.peek(at + i) != key[i]) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------- searching a body

  /**
   * Whether the span stored as {@code body} has the attribute {@code key} (dictionary id {@code keyId},
   * -1 when the dictionary has none) whose string form ({@link Attributes#asString}) is {@code value}.
   * Reads the attributes only (the filter's SQL function runs it on each candidate span).
   */
  static boolean attributeEquals(byte[] body, int keyId, String key, String value) {
    int[] count = new int[1];
    ByteReader r = atAttributes(body, count);
    byte[] keyBytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int n = count[0];
    for (int i = 0; i < n; i++) {
      boolean match = refIs(r, keyId, keyBytes);
      int tag = r.u8();
      if (!match) {
        skipValue(r, tag);
        continue;
      }
      Object v;
      if (tag == V_PROMPT_SLICE || tag == V_OUTPUT_SLICE) {
        int off = r.varint32();
        int len = r.varint32();
        String text = llmTexts(r, n - i - 1)[tag == V_PROMPT_SLICE ? 0 : 1];
        v = text == null || off + len > text.length() ? null : text.substring(off, off + len);
      } else {
        v = value(r, tag);
      }
      return v != null && value.equals(Attributes.asString(v));
    }
    return false;
  }

  /**
   * The prompt and output (either may be null) of a body whose reader stands {@code attributesLeft}
   * attributes before their end.
   */
  private static String[] llmTexts(ByteReader r, int attributesLeft) {
    for (int i = 0; i < attributesLeft; i++) {
      skipRef(r);
      skipValue(r, r.u8());
    }
    int events = r.varint32();
    for (int i = 0; i < events; i++) {
      skipRef(r);
      r.skip(8);
      int n = r.varint32();
      for (int k = 0; k < n; k++) {
        skipRef(r);
        skipValue(r, r.u8());
      }
    }
    int mask = r.varint32();
    for (int bit : new int[] {L_OPERATION, L_PROVIDER, L_REQUEST_MODEL, L_RESPONSE_MODEL}) {
      if ((mask & bit) != 0) {
        skipRef(r);
      }
    }
    for (int bit : new int[] {L_INPUT, L_OUTPUT_TOKENS, L_CACHED, L_REASONING, L_TOTAL}) {
      if ((mask & bit) != 0) {
        r.varint();
      }
    }
    if ((mask & L_COST) != 0) {
      r.skip(8);
    }
    if ((mask & L_CURRENCY) != 0) {
      skipRef(r);
    }
    String p = (mask & L_PROMPT) != 0 ? r.string() : null;
    String o = (mask & L_OUTPUT) != 0 ? r.string() : null;
    return new String[] {p, o};
  }

  /** A reader of {@code body} standing at its attribute count, which it returns in {@code count[0]}. */
  private static ByteReader atAttributes(byte[] body, int[] count) {
    ByteReader r = new ByteReader(body);
    version(r);
    r.u8();
    r.skip(r.varint32());
    r.varint();
    count[0] = r.varint32();
    return r;
  }

  private static void skipRef(ByteReader r) {
    long v = r.varint();
    if ((v & 1) == 1) {
      r.skip((int) (v >>> 1));
    }
  }

  /** Whether the prompt or output of the span stored as {@code body} contains {@code needle} (case-sensitive). */
  static boolean textContains(byte[] body, String needle) {
    int[] count = new int[1];
    String[] texts = llmTexts(atAttributes(body, count), count[0]);
    return texts[0] != null && texts[0].contains(needle) || texts[1] != null && texts[1].contains(needle);
  }

  /** The text-index text of the span stored as {@code body}, as {@link #text(Span)} gives it. */
  static String text(byte[] body) {
    int[] count = new int[1];
    String[] texts = llmTexts(atAttributes(body, count), count[0]);
    return texts[0] == null ? texts[1] : texts[1] == null ? texts[0] : texts[0] + "\n" + texts[1];
  }

  /** Lowercase hex of a span id. */
  static String hex16(long id) {
    String h = Long.toHexString(id);
    return h.length() == 16 ? h : "0".repeat(16 - h.length()) + h;
  }

  /** A span id (16 hex digits) as the 64-bit number it is. */
  static long spanId(String hex) {
    return Long.parseUnsignedLong(hex, 16);
  }

  /** A trace id (32 hex digits) as its 16 bytes. */
  static byte[] traceId(String hex) {
    byte[] out = new byte[16];
    for (int i = 0; i < 16; i++) {
      out[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
    }
    return out;
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** 16 bytes of a trace id as lowercase hex. */
  static String traceHex(byte[] id) {
    char[] out = new char[id.length * 2];
    for (int i = 0; i < id.length; i++) {
      out[2 * i] = HEX[(id[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[id[i] & 0xf];
    }
    return new String(out);
  }
}
