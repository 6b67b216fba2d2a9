package io.guardops.engine.pii;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Masks a span's findings in place of their text ({@code [EMAIL]}): the prompt and output, every string
 * attribute value (inside lists and maps too), every event's attributes and the status message. Keys,
 * names, ids, times and the resource (the service's own description, never user content) are left as
 * they are. Returns the same instances when nothing was found, so a span without personal data costs
 * one scan of its strings and no copy. Internal: not API. Stateless and thread-safe.
 */
public final class SpanMasker {
  private final PiiDetector detector;

  public SpanMasker(PiiDetector detector) {
    this.detector = detector;
  }

  /** The span with {@code types} masked; the same instance when there was nothing to mask. */
  public Span mask(Span s, Set<PiiType> types) {
    if (types.isEmpty()) {
      return s;
    }
    Memo memo = new Memo();
    Map<String, Object> attributes = maskMap(s.attributes(), types, memo);
    List<SpanEvent> events = maskEvents(s.events(), types, memo);
    String status = s.statusMessage().isEmpty() ? s.statusMessage() : memo.mask(detector, s.statusMessage(), types);
    LlmFields llm = s.llm();
    // the normalised prompt and output are usually an attribute's text: scanned once
    String prompt = llm.prompt() == null ? null : memo.mask(detector, llm.prompt(), types);
    String output = llm.output() == null ? null : memo.mask(detector, llm.output(), types);
    if (prompt != llm.prompt() || output != llm.output()) {
      llm = llm.toBuilder().prompt(prompt).output(output).build();
    }
    if (attributes == s.attributes() && events == s.events() && status == s.statusMessage() && llm == s.llm()) {
      return s;
    }
    return new Span(s.projectId(), s.traceId(), s.spanId(), s.parentSpanId(), s.name(), s.kind(),
        s.startEpochNanos(), s.endEpochNanos(), s.status(), status, attributes, events, s.resource(), llm);
  }

  private List<SpanEvent> maskEvents(List<SpanEvent> events, Set<PiiType> types, Memo memo) {
    List<SpanEvent> out = null;
    for (int i = 0; i < events.size(); i++) {
      SpanEvent e = events.get(i);
      Map<String, Object> a = maskMap(e.attributes(), types, memo);
      if (a != e.attributes()) {
        if (out == null) {
          out = new ArrayList<>(events);
        }
        out.set(i, new SpanEvent(e.name(), e.epochNanos(), a));
      }
    }
    return out == null ? events : out;
  }

  /** The map with its string values masked (recursively); the same instance when nothing changed. */
  private Map<String, Object> maskMap(Map<String, Object> map, Set<PiiType> types, Memo memo) {
    Map<String, Object> out = null;
    for (Map.Entry<String, Object> e : map.entrySet()) {
      Object v = e.getValue();
      Object m = maskValue(v, types, memo);
      if (m != v) {
        if (out == null) {
          out = new LinkedHashMap<>(map);
        }
        out.put(e.getKey(), m);
      }
    }
    return out == null ? map : out;
  }

  @SuppressWarnings("unchecked")
  private Object maskValue(Object v, Set<PiiType> types, Memo memo) {
    if (v instanceof String s) {
      return memo.mask(detector, s, types);
    }
    if (v instanceof List<?> list) {
      List<Object> out = null;
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        Object m = maskValue(item, types, memo);
        if (m != item) {
          if (out == null) {
            out = new ArrayList<>(list);
          }
          out.set(i, m);
        }
      }
      return out == null ? v : java.util.Collections.unmodifiableList(out);
    }
    if (v instanceof Map<?, ?> map) {
      return maskMap((Map<String, Object>) map, types, memo);
    }
    return v;
  }

  /**
   * The long texts of one span masked so far: a span's prompt is often in two attributes and in its
   * normalised fields, and each copy is scanned once.
   */
  private static final class Memo {
    private static final int MIN_LENGTH = 64;
    private final String[] in = new String[8];
    private final String[] out = new String[8];
    private int size;

    String mask(PiiDetector detector, String s, Set<PiiType> types) {
      if (s.length() < MIN_LENGTH) {
        return detector.mask(s, types);
      }
      for (int k = 0; k < size; k++) {
        if (in[k] == s || in[k].length() == s.length() && in[k].equals(s)) {
          return in[k] == s ? out[k] : out[k] == in[k] ? s : out[k];
        }
      }
      String m = detector.mask(s, types);
      if (size < in.length) {
        in[size] = s;
        out[size++] = m;
      }
      return m;
    }
  }
}
