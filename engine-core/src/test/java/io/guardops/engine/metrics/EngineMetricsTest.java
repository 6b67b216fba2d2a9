package io.guardops.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.ingest.IngestException;
import io.guardops.api.ingest.IngestService;
import io.guardops.api.store.SpanStore;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreException;
import io.guardops.engine.internal.InMemoryStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineMetricsTest {
  private static Span span(String id) {
    return Span.builder().projectId("p").traceId("1af7651916cd43dd8448eb211c80319c").spanId(id).name("chat")
        .startEpochNanos(1_700_000_000_000_000_000L).endEpochNanos(1_700_000_001_000_000_000L).build();
  }

  /** The value of one sample line ({@code name{labels}}) in a scrape, or null. */
  static Double value(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).replace("+Inf", "Infinity"));
      }
    }
    return null;
  }

  @Test
  void countersHistogramsAndEscapingInBothFormats() {
    Registry r = new Registry();
    Counter c = r.counter("demo_events_total", "Events, \"quoted\" \\ and\nnewline", "kind");
    c.labels("a\"b\\c\nd").add(3);
    c.labels("plain").increment();
    Histogram h = r.histogram("demo_seconds", "Latency", new double[] {0.001, 0.5, 1}, "route");
    h.labels("/x").observe(0.0005);
    h.labels("/x").observe(0.5);   // on a bound: counted in that bucket (le is inclusive)
    h.labels("/x").observe(7);

    String text = Exposition.write(r.collect(), false);
    assertThat(text).contains("# HELP demo_events_total Events, \"quoted\" \\\\ and\\nnewline\n"
        + "# TYPE demo_events_total counter\n"
        + "demo_events_total{kind=\"a\\\"b\\\\c\\nd\"} 3\n"
        + "demo_events_total{kind=\"plain\"} 1\n");
    assertThat(text).contains("# TYPE demo_seconds histogram\n"
        + "demo_seconds_bucket{route=\"/x\",le=\"0.001\"} 1\n"
        + "demo_seconds_bucket{route=\"/x\",le=\"0.5\"} 2\n"
        + "demo_seconds_bucket{route=\"/x\",le=\"1.0\"} 2\n"
        + "demo_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"
        + "demo_seconds_count{route=\"/x\"} 3\n"
        + "demo_seconds_sum{route=\"/x\"} 7.5005\n");
    assertThat(text).doesNotContain("# EOF");

    String om = Exposition.write(r.collect(), true);
    assertThat(om).contains("# HELP demo_events Events, \\\"quoted\\\" \\\\ and\\nnewline\n# TYPE demo_events counter\n"
        + "demo_events_total{kind=\"a\\\"b\\\\c\\nd\"} 3\n");
    assertThat(om).endsWith("demo_seconds_sum{route=\"/x\"} 7.5005\n# EOF\n");
  }

  @Test
  void namesAreCheckedWhenRegistered() {
    Registry r = new Registry();
    assertThatThrownBy(() -> r.counter("bad-name_total", "x")).hasMessageContaining("not a valid metric name");
    assertThatThrownBy(() -> r.counter("no_suffix", "x")).hasMessageContaining("ends with _total");
    assertThatThrownBy(() -> r.counter("x_total", "x", "le")).hasMessageContaining("label name");
    assertThatThrownBy(() -> r.histogram("h", "x", new double[] {1, 1})).hasMessageContaining("increase");
  }

  @Test
  void aFailingCollectorIsLeftOutAndTheRestStillAnswers() {
    Registry r = new Registry();
    r.register(out -> {
      throw new IllegalStateException("boom");
    });
    r.counter("still_here_total", "x").labels().increment();
    assertThat(Exposition.write(r.collect(), false)).contains("still_here_total 1");
  }

  @Test
  void openMetricsIsChosenByTheAcceptHeaderAsPrometheusSendsIt() {
    assertThat(EngineMetrics.Format.forAccept("application/openmetrics-text;version=1.0.0,application/"
        + "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"))
        .isEqualTo(EngineMetrics.Format.OPENMETRICS);
    assertThat(EngineMetrics.Format.forAccept("text/plain")).isEqualTo(EngineMetrics.Format.PROMETHEUS_TEXT);
    assertThat(EngineMetrics.Format.forAccept(null)).isEqualTo(EngineMetrics.Format.PROMETHEUS_TEXT);
  }

  @Test
  void theJvmAndTheBuildAreThere() {
    String text = EngineMetrics.create("9.9.9").scrape(EngineMetrics.Format.PROMETHEUS_TEXT);
    assertThat(value(text, "guardops_build_info{version=\"9.9.9\"}")).isEqualTo(1.0);
    assertThat(value(text, "jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
    assertThat(text).contains("# TYPE jvm_gc_collection_seconds summary", "# TYPE jvm_info gauge",
        "# TYPE process_cpu_seconds_total counter");
    assertThat(value(text, "jvm_threads_current")).isPositive();
    String om = EngineMetrics.create("9.9.9").scrape(EngineMetrics.Format.OPENMETRICS);
    assertThat(om).contains("# TYPE guardops_build info\n", "# TYPE process_cpu_seconds counter\n").endsWith("# EOF\n");
  }

  @Test
  void theMeteredStoreTimesWritesByOutcomeAndExportsTheStoresGauges() {
    EngineMetrics m = EngineMetrics.create("1");
    InMemoryStore raw = new InMemoryStore();
    // the in-memory store has no gauges: a proxy adds two, one of them with an invalid name
    Store gauged = (Store) java.lang.reflect.Proxy.newProxyInstance(Store.class.getClassLoader(),
        new Class<?>[] {Store.class}, (proxy, method, args) -> method.getName().equals("gauges")
            ? Map.of("write_queue_depth", 3.0, "not a name", 1.0) : method.invoke(raw, args));
    Store store = m.meter(gauged);
    store.spans().write(List.of(span("c7ad6b7169203331"), span("c7ad6b7169203332")));
    store.spans().write(List.of());   // a no-op is not a write
    String text = m.scrape(EngineMetrics.Format.PROMETHEUS_TEXT);
    assertThat(value(text, "guardops_store_write_duration_seconds_count{outcome=\"ok\"}")).isEqualTo(1.0);
    assertThat(value(text, "guardops_store_write_queue_depth")).isEqualTo(3.0);
    assertThat(text).doesNotContain("not a name");
    assertThat(raw.spans().findSpans("p", List.of("1af7651916cd43dd8448eb211c80319c"))).hasSize(2);

    raw.close();
    assertThatThrownBy(() -> store.spans().write(List.of(span("c7ad6b7169203333")))).isInstanceOf(RuntimeException.class);
    assertThat(value(m.scrape(EngineMetrics.Format.PROMETHEUS_TEXT),
        "guardops_store_write_duration_seconds_count{outcome=\"error\"}")).isEqualTo(1.0);
  }

  /** A part added to Store or SpanStore later must be forwarded by the decorators, not hidden behind its default. */
  @Test
  void theDecoratorsOverrideEveryMethodOfTheInterfacesTheyWrap() {
    for (Class<?>[] pair : List.of(new Class<?>[] {Store.class, MeteredStore.class},
        new Class<?>[] {SpanStore.class, MeteredSpanStore.class},
        new Class<?>[] {IngestService.class, MeteredIngestService.class})) {
      List<String> missing = new ArrayList<>();
      for (Method m : pair[0].getMethods()) {
        if (Modifier.isStatic(m.getModifiers())) {
          continue;
        }
        try {
          pair[1].getDeclaredMethod(m.getName(), m.getParameterTypes());
        } catch (NoSuchMethodException e) {
          missing.add(m.getName() + Arrays.toString(m.getParameterTypes()));
        }
      }
      assertThat(missing).as("%s forwards every method of %s", pair[1].getSimpleName(), pair[0].getSimpleName())
          .isEmpty();
    }
  }

  @Test
  void aReceiversIngestionIsCountedUnderItsName() {
    EngineMetrics m = EngineMetrics.create("1");
    List<Span> written = new ArrayList<>();
    boolean[] storeDown = {false};
    IngestService inner = new IngestService() {
      @Override
      public Caller apiKey(String rawKey) {
        if (!"good".equals(rawKey)) {
          throw new IngestException(IngestException.Kind.UNAUTHENTICATED, "unknown key");
        }
        return Caller.apiKey("k", "0");
      }

      @Override
      public Routing routing(Caller caller, String projectHeader) {
        throw new IngestException(IngestException.Kind.NOT_FOUND, "no such project");
      }

      @Override
      public void write(Caller caller, List<Span> spans) {
        if (storeDown[0]) {
          throw new IngestException(IngestException.Kind.UNAVAILABLE, "down", new StoreException("down"));
        }
        written.addAll(spans);
      }

      @Override
      public long maxMessageBytes() {
        return 1024;
      }
    };
    IngestService s = m.meter(inner, "grpc");
    Caller caller = s.apiKey("good");
    assertThatThrownBy(() -> s.apiKey("bad")).isInstanceOf(IngestException.class);
    assertThatThrownBy(() -> s.routing(caller, "x")).isInstanceOf(IngestException.class);
    s.write(caller, List.of(span("c7ad6b7169203331"), span("c7ad6b7169203332")));
    s.refused(IngestException.Kind.INVALID, 3);   // spans the receiver's decoder dropped
    s.refused(IngestException.Kind.TOO_LARGE, 0); // a request refused before decoding
    storeDown[0] = true;
    assertThatThrownBy(() -> s.write(caller, List.of(span("c7ad6b7169203333")))).isInstanceOf(IngestException.class);
    assertThat(s.maxMessageBytes()).isEqualTo(1024);

    String t = m.scrape(EngineMetrics.Format.PROMETHEUS_TEXT);
    assertThat(value(t, "guardops_ingest_spans_received_total{transport=\"grpc\"}")).isEqualTo(6.0);
    assertThat(value(t, "guardops_ingest_spans_accepted_total{transport=\"grpc\"}")).isEqualTo(2.0);
    assertThat(value(t, "guardops_ingest_spans_rejected_total{transport=\"grpc\",reason=\"invalid\"}")).isEqualTo(3.0);
    assertThat(value(t, "guardops_ingest_spans_rejected_total{transport=\"grpc\",reason=\"unavailable\"}")).isEqualTo(1.0);
    for (String reason : List.of("unauthenticated", "not_found", "too_large", "unavailable")) {
      assertThat(value(t, "guardops_ingest_requests_refused_total{transport=\"grpc\",reason=\"" + reason + "\"}"))
          .as(reason).isEqualTo(1.0);
    }
    assertThat(written).hasSize(2);
  }

  @Test
  void httpRequestsAreHistogrammedByRouteAndStatusClass() {
    EngineMetrics m = EngineMetrics.create("1");
    m.httpRequest("GET", "/api/get_trace", 200, 2_000_000);
    m.httpRequest("GET", "/api/get_trace", 404, 1_000_000);
    m.httpRequest("GET", "/api/get_trace", 404, 30_000_000);
    String t = m.scrape(EngineMetrics.Format.PROMETHEUS_TEXT);
    assertThat(value(t, "guardops_http_request_duration_seconds_count{method=\"GET\",route=\"/api/get_trace\","
        + "status=\"4xx\"}")).isEqualTo(2.0);
    assertThat(value(t, "guardops_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/get_trace\","
        + "status=\"4xx\",le=\"0.01\"}")).isEqualTo(1.0);
    assertThat(value(t, "guardops_http_request_duration_seconds_sum{method=\"GET\",route=\"/api/get_trace\","
        + "status=\"2xx\"}")).isEqualTo(0.002);
  }
}
