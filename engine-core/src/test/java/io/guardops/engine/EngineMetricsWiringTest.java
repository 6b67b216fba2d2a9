package io.guardops.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.Health;
import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.ingest.IngestException;
import io.guardops.api.ingest.IngestReceiver;
import io.guardops.api.ingest.IngestReceiverProvider;
import io.guardops.api.ingest.IngestService;
import io.guardops.engine.internal.InMemoryStore;
import io.guardops.engine.metrics.EngineMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine wires its metrics: receivers counted under their names, in-process spans, retention, readiness. */
class EngineMetricsWiringTest {
  @TempDir
  Path dir;

  /** A receiver that keeps the IngestService it was given, so the test can drive it as a protocol would. */
  static final class HandReceiverProvider implements IngestReceiverProvider {
    final AtomicReference<IngestService> service = new AtomicReference<>();
    volatile boolean healthy = true;

    @Override
    public String name() {
      return "hand";
    }

    @Override
    public IngestReceiver create(ComponentConfig config, ComponentContext context) {
      service.set(context.require(IngestService.class));
      return new IngestReceiver() {
        @Override
        public void start() {}

        @Override
        public String address() {
          return "hand://" + config.getString("where", "here");
        }

        @Override
        public Health check() {
          return healthy ? Health.up() : Health.down("unplugged");
        }

        @Override
        public void close() {}
      };
    }
  }

  static String series(String scrape, String name) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name + " ")) {
        return line.substring(name.length() + 1);
      }
    }
    return null;
  }

  @Test
  void everyTransportIsCountedAndReadinessFollowsTheComponents() {
    HandReceiverProvider hand = new HandReceiverProvider();
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    Engine engine = Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(new InMemoryStore()).tokenCache(new MapTokenCache()).clock(clock)
        .setting("guardops.auth", "unprotected").setting("guardops.receivers.hand.where", "dock")
        .provider(hand).startScheduler(false).build();
    try (engine) {
      assertThat(engine.receiverAddresses()).containsExactly("hand://dock");
      assertThat(engine.ready()).isTrue();
      engine.users().provision("alice");
      Caller alice = Caller.claimedUser("alice");
      String project = engine.projects().create(alice, new Projects.Draft("week", "", List.of(), 7, null, null))
          .projectId();
      String key = engine.apiKeys().create(alice);

      IngestService grpc = hand.service.get();
      Caller byKey = grpc.apiKey(key);
      long old = (clock.instant().minus(Duration.ofDays(30)).getEpochSecond()) * 1_000_000_000L;
      grpc.write(byKey, List.of(Span.builder().projectId(project).traceId("1af7651916cd43dd8448eb211c80319c")
          .spanId("c7ad6b7169203331").name("chat").startEpochNanos(old).endEpochNanos(old + 1_000_000).build()));
      try {
        grpc.apiKey("go-not-a-key");
      } catch (IngestException expected) {
        // counted as a refused request
      }
      grpc.refused(IngestException.Kind.INVALID, 2);

      try (io.opentelemetry.sdk.trace.SdkTracerProvider sdk = io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
          .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(
              engine.spanExporter(project))).build()) {
        sdk.get("app").spanBuilder("work").startSpan().end();
      }
      Retention.SweepReport sweep = engine.retention().sweep(Retention.Progress.none());
      assertThat(sweep.deletedTraces()).isEqualTo(1);

      String t = engine.metrics().scrape(EngineMetrics.Format.PROMETHEUS_TEXT);
      assertThat(series(t, "guardops_ingest_spans_received_total{transport=\"hand\"}")).isEqualTo("3");
      assertThat(series(t, "guardops_ingest_spans_accepted_total{transport=\"hand\"}")).isEqualTo("1");
      assertThat(series(t, "guardops_ingest_spans_rejected_total{transport=\"hand\",reason=\"invalid\"}"))
          .isEqualTo("2");
      assertThat(series(t, "guardops_ingest_requests_refused_total{transport=\"hand\",reason=\"unauthenticated\"}"))
          .isEqualTo("1");
      assertThat(series(t, "guardops_ingest_spans_accepted_total{transport=\"in-process\"}")).isEqualTo("1");
      assertThat(series(t, "guardops_retention_sweeps_total{outcome=\"ran\"}")).isEqualTo("1");
      assertThat(series(t, "guardops_retention_deleted_traces_total")).isEqualTo("1");
      assertThat(series(t, "guardops_retention_deleted_spans_total")).isEqualTo("1");
      assertThat(series(t, "guardops_store_write_duration_seconds_count{outcome=\"ok\"}")).isEqualTo("2");
      assertThat(series(t, "guardops_component_up{component=\"store\"}")).isEqualTo("1");
      assertThat(series(t, "guardops_component_up{component=\"receiver hand://dock\"}")).isEqualTo("1");

      hand.healthy = false;
      assertThat(engine.ready()).as("a receiver that is down makes the engine not ready").isFalse();
      hand.healthy = true;
      assertThat(engine.ready()).isTrue();
    }
    assertThat(engine.ready()).as("a closed engine is not ready").isFalse();
  }

  @Test
  void aReceiverNoPluginProvidesNamesTheIngestPlugin() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Engine.builder().environment(Map.of())
        .systemProperties(Map.of()).workingDirectory(dir).pluginsEnabled(false).store(new InMemoryStore())
        .tokenCache(new MapTokenCache()).setting("guardops.auth", "unprotected").setting("guardops.receivers", "grpc")
        .startScheduler(false).build())
        .hasMessageContaining("Install the plugin 'ingest-grpc'").hasMessageContaining("io.guardops:ingest-grpc");
  }
}
