package io.guardops.host.bench;

import io.guardops.api.Span;
import io.guardops.api.store.TraceQuery;
import io.guardops.engine.ingest.SpanNormalizer;
import io.guardops.engine.internal.Builtins;
import io.guardops.engine.internal.InMemoryStore;
import io.guardops.engine.mapping.BuiltinMappers;
import io.guardops.engine.pricing.PriceTable;
import io.guardops.otlp.OtlpProtobufDecoder;
import io.guardops.otlp.ProjectResolver;
import java.util.List;
import java.util.Locale;

/**
 * Not a unit test: the in-memory store filling up and beyond its bound, on one thread, with the
 * side-by-side workload (decoded and normalised once, written in batches of 100 spans): write
 * throughput, heap in use and the newest page's latency per step, to show they stay flat once the
 * bound evicts. {@code -Dbench.maxSpans} (the provider's default), {@code -Dbench.spans} (3 x max).
 */
public final class MemoryStoreBenchmark {
  private MemoryStoreBenchmark() {}

  public static void main(String[] args) {
    long max = Long.getLong("bench.maxSpans", Builtins.MemoryStoreProvider.DEFAULT_MAX_SPANS);
    long total = Long.getLong("bench.spans", 3 * max);
    InMemoryStore store = new InMemoryStore(new InMemoryStore.Backend(max));
    LlmWorkload workload = new LlmWorkload(42, 3600);
    OtlpProtobufDecoder decoder = new OtlpProtobufDecoder(ProjectResolver.fixed("bench"));
    SpanNormalizer normalizer = new SpanNormalizer(BuiltinMappers.mappers(), PriceTable.bundled());
    Encoders.Otlp otlp = new Encoders.Otlp();
    long step = Math.max(100, total / 15 / 100 * 100);
    long written = 0;
    long stepStart = System.nanoTime();
    long writeNanos = 0;
    while (written < total) {
      otlp.reset();
      workload.traces(written / 4, 25, System.currentTimeMillis() * 1_000_000L, otlp);
      List<Span> batch = normalizer.normalizeAll(decoder.decode(otlp.request().toArray()).spans());
      long t0 = System.nanoTime();
      store.spans().write(batch);
      writeNanos += System.nanoTime() - t0;
      written += batch.size();
      if (written % step == 0) {
        long p0 = System.nanoTime();
        store.spans().findTraces(TraceQuery.page("bench", 0, 50));
        double pageMillis = (System.nanoTime() - p0) / 1e6;
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heap = rt.totalMemory() - rt.freeMemory();
        System.out.printf(Locale.ROOT, "%,10d spans written: store write %,8.0f spans/s (%.1f us/span), newest page"
                + " %.2f ms, heap in use %,d MB, %s%n", written, step / (writeNanos / 1e9), writeNanos / 1e3 / step,
            pageMillis, heap >> 20, store.check().detail());
        writeNanos = 0;
        stepStart = System.nanoTime();
      }
    }
  }
}
