package io.guardops.plugins.store.sqlite;

import io.guardops.api.Span;
import io.guardops.api.TraceSummary.SpanFacts;
import io.guardops.api.store.SpanStat;

/**
 * A span ready to be written, encoded on the caller's thread ({@link SpanCodec}) so that the one writer
 * thread only binds and executes: its project's dictionary number, its trace and span ids as numbers,
 * its facts and body blobs, its text for the full-text index and its model call, if any.
 */
final class SpanRow {
  final Span span;
  final int projectRef;
  final byte[] traceId;
  final long spanId;
  /** What the trace's summary needs of this span. */
  final SpanFacts facts;
  final byte[] factsBlob;
  final byte[] body;
  /** Prompt and output for the full-text index, or null. */
  final String text;
  /** The span's model call for rollups and {@code model_calls}, or null. */
  final SpanStat call;

  SpanRow(Span span, int projectRef, long resourceRef, SpanCodec codec, ByteWriter scratch) {
    this.span = span;
    this.projectRef = projectRef;
    this.traceId = SpanCodec.traceId(span.traceId());
    this.spanId = SpanCodec.spanId(span.spanId());
    this.facts = SpanFacts.of(span);
    this.factsBlob = codec.facts(span, spanId, scratch);
    this.body = codec.body(span, resourceRef, scratch);
    this.text = SpanCodec.text(span);
    this.call = MetricRollups.call(facts);
  }
}
