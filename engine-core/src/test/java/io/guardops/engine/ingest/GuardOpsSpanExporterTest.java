package io.guardops.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.StatusCode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GuardOpsSpanExporterTest {
  private final List<Span> stored = new CopyOnWriteArrayList<>();

  private SdkTracerProvider provider(GuardOpsSpanExporter exporter, Resource resource) {
    return SdkTracerProvider.builder().setResource(resource)
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  }

  /** A finished span as the SDK hands it to exporters. */
  static io.opentelemetry.sdk.trace.data.SpanData oneSpan() {
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    try (SdkTracerProvider tp = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
      tp.get("t").spanBuilder("s").startSpan().end();
      // closing the provider shuts the in-memory exporter down, which empties it
      return memory.getFinishedSpanItems().get(0);
    }
  }

  @Test
  void convertsSdkSpansAndUsesTheDefaultProject() {
    GuardOpsSpanExporter exporter = new GuardOpsSpanExporter(stored::addAll, "default-project");
    try (SdkTracerProvider tp = provider(exporter, Resource.getDefault().merge(
        Resource.builder().put("service.name", "embedded").build()))) {
      Tracer tracer = tp.get("test-lib", "0.9");
      io.opentelemetry.api.trace.Span parent = tracer.spanBuilder("agent").startSpan();
      try (Scope ignored = parent.makeCurrent()) {
        io.opentelemetry.api.trace.Span child = tracer.spanBuilder("chat gpt-4o")
            .setSpanKind(io.opentelemetry.api.trace.SpanKind.CLIENT).startSpan();
        child.setAttribute("gen_ai.request.model", "gpt-4o");
        child.setAttribute("gen_ai.usage.input_tokens", 12L);
        child.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"));
        child.setAttribute("temperature", 0.2);
        child.addEvent("gen_ai.choice", io.opentelemetry.api.common.Attributes.of(AttributeKey.longKey("index"), 0L));
        child.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "boom");
        child.end();
      }
      parent.end();
    }
    assertThat(stored).hasSize(2);
    Span child = stored.get(0);
    Span parent = stored.get(1);
    assertThat(child.projectId()).isEqualTo("default-project");
    assertThat(child.traceId()).isEqualTo(parent.traceId()).hasSize(32);
    assertThat(child.parentSpanId()).isEqualTo(parent.spanId());
    assertThat(parent.parentSpanId()).isNull();
    assertThat(child.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(parent.kind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(child.status()).isEqualTo(StatusCode.ERROR);
    assertThat(child.statusMessage()).isEqualTo("boom");
    assertThat(child.attributes())
        .containsEntry("gen_ai.request.model", "gpt-4o")
        .containsEntry("gen_ai.usage.input_tokens", 12L)
        .containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
        .containsEntry("temperature", 0.2)
        .containsEntry("otel.scope.name", "test-lib")
        .containsEntry("otel.scope.version", "0.9");
    assertThat(child.events()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo("gen_ai.choice");
      assertThat(e.attributes()).containsEntry("index", 0L);
    });
    assertThat(child.resource()).containsEntry("service.name", "embedded");
    assertThat(child.endEpochNanos()).isGreaterThanOrEqualTo(child.startEpochNanos());
  }

  @Test
  void resourceProjectWins() {
    GuardOpsSpanExporter exporter = new GuardOpsSpanExporter(stored::addAll, "default-project");
    try (SdkTracerProvider tp = provider(exporter,
        Resource.builder().put(io.guardops.api.SpanRules.PROJECT_ATTRIBUTE, "from-resource").build())) {
      tp.get("t").spanBuilder("s").startSpan().end();
    }
    assertThat(stored).singleElement().extracting(Span::projectId).isEqualTo("from-resource");
  }

  @Test
  void exportFailsWhenTheSinkThrowsAndAfterShutdown() {
    GuardOpsSpanExporter failing = new GuardOpsSpanExporter(spans -> {
      throw new IllegalStateException("disk full");
    }, "p");
    io.opentelemetry.sdk.trace.data.SpanData data = oneSpan();
    CompletableResultCode result = failing.export(List.of(data));
    assertThat(result.join(1, TimeUnit.SECONDS).isSuccess()).isFalse();

    GuardOpsSpanExporter ok = new GuardOpsSpanExporter(stored::addAll, "p");
    assertThat(ok.export(List.of(data)).isSuccess()).isTrue();
    assertThat(ok.flush().isSuccess()).isTrue();
    assertThat(ok.shutdown().isSuccess()).isTrue();
    assertThat(ok.export(List.of(data)).isSuccess()).isFalse();
    assertThat(stored).hasSize(1);
  }

  @Test
  void successOnlyAfterTheSinkReturned() {
    List<String> order = new CopyOnWriteArrayList<>();
    GuardOpsSpanExporter exporter = new GuardOpsSpanExporter(spans -> order.add("stored"), "p");
    CompletableResultCode r = exporter.export(List.of(oneSpan()));
    assertThat(r.isDone()).isTrue();
    assertThat(order).containsExactly("stored");
  }
}
