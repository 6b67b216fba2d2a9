package io.guardops.engine.metrics;

import io.guardops.api.Health;
import io.guardops.api.ingest.IngestException;
import io.guardops.api.ingest.IngestService;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreException;
import io.guardops.engine.EngineException;
import io.guardops.engine.PluginStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's own metrics, exposed by the host at {@code GET /metrics} in the Prometheus text format
 * 0.0.4 or OpenMetrics 1.0: spans received, accepted and rejected per transport, refused ingestion
 * requests, HTTP request latency per route, store write latency and the store's own gauges (the
 * SQLite writer's queue), retention sweeps, component health, plugin states and the JVM. Written here
 * with no dependency; the store and the receivers' {@link IngestService} are instrumented once, by
 * decorators ({@link #meter(Store)}, {@link #meter(IngestService, String)}), not in every plugin.
 * Thread-safe. Obtain from {@code Engine.metrics()}.
 */
public final class EngineMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(EngineMetrics.class);

  /** The two exposition formats. */
  public enum Format {
    /** The Prometheus text format, version 0.0.4. */
    PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),
    /** OpenMetrics 1.0 text. */
    OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

    private final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }

    public String contentType() {
      return contentType;
    }

    /** OpenMetrics when the {@code Accept} header asks for it (as Prometheus does), else the 0.0.4 text. */
    public static Format forAccept(String accept) {
      return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
          ? OPENMETRICS : PROMETHEUS_TEXT;
    }
  }

  /** Why spans or a request were refused: a closed set, so the {@code reason} label stays small. */
  public enum Reason {
    UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, INVALID, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, UNAVAILABLE, ERROR;

    final String label = name().toLowerCase(Locale.ROOT);

    /** The reason a failure stands for: the engine's, the receivers' and the store's refusals. */
    public static Reason of(Throwable failure) {
      if (failure instanceof IngestException e) {
        return of(e.kind());
      }
      if (failure instanceof EngineException e) {
        return ofHttpStatus(e.kind().httpStatus());
      }
      if (failure instanceof StoreException) {
        return UNAVAILABLE;
      }
      return failure instanceof IllegalArgumentException ? INVALID : ERROR;
    }

    public static Reason of(IngestException.Kind kind) {
      return switch (kind) {
        case UNAUTHENTICATED -> UNAUTHENTICATED;
        case NOT_FOUND -> NOT_FOUND;
        case INVALID -> INVALID;
        case TOO_LARGE -> TOO_LARGE;
        case UNAVAILABLE -> UNAVAILABLE;
      };
    }

    /** The reason of an HTTP error status (what an ingestion route answered). */
    public static Reason ofHttpStatus(int status) {
      return switch (status) {
        case 400 -> INVALID;
        case 401 -> UNAUTHENTICATED;
        case 403 -> FORBIDDEN;
        case 404 -> NOT_FOUND;
        case 413 -> TOO_LARGE;
        case 415 -> UNSUPPORTED_MEDIA_TYPE;
        case 503 -> UNAVAILABLE;
        default -> status >= 500 ? ERROR : INVALID;
      };
    }
  }

  /**
   * The ingestion counters of one transport ({@code http}, {@code library}, {@code grpc},
   * {@code in-process}). Received spans = accepted + rejected, once every write returned.
   */
  public final class IngestMeter {
    private final String transport;

    private IngestMeter(String transport) {
      this.transport = transport;
    }

    /** Spans decoded from a request (whatever happens to them next). */
    public void received(int spans) {
      if (spans > 0) {
        received.labels(transport).add(spans);
      }
    }

    /** Spans durably stored. */
    public void accepted(int spans) {
      if (spans > 0) {
        accepted.labels(transport).add(spans);
      }
    }

    /** Spans decoded but not stored. */
    public void rejected(Reason reason, int spans) {
      if (spans > 0) {
        rejected.labels(transport, reason.label).add(spans);
      }
    }

    /** A whole request answered with an error. */
    public void refused(Reason reason) {
      refused.labels(transport, reason.label).increment();
    }

    /**
     * Counts {@code spans} received, runs the write, and counts them accepted, or rejected with the
     * reason of the failure (which is rethrown).
     */
    public void write(int spans, Runnable write) {
      received(spans);
      try {
        write.run();
      } catch (RuntimeException | Error e) {
        rejected(Reason.of(e), spans);
        throw e;
      }
      accepted(spans);
    }
  }

  private final Registry registry = new Registry();
  private final Counter received;
  private final Counter accepted;
  private final Counter rejected;
  private final Counter refused;
  private final Histogram http;
  final Histogram storeWrite;
  private final Counter sweeps;
  private final Counter deletedTraces;
  private final Counter deletedSpans;
  private final Map<String, IngestMeter> meters = new ConcurrentHashMap<>();
  private final Set<String> badGauges = ConcurrentHashMap.newKeySet();

  private EngineMetrics(String version) {
    registry.register(out -> out.add(new MetricFamily("guardops_build_info", MetricFamily.Type.INFO,
        "The GuardOps version", List.of(new MetricFamily.Sample("guardops_build_info", List.of("version"),
            List.of(version), 1)))));
    received = registry.counter("guardops_ingest_spans_received_total",
        "Spans decoded from ingestion requests, per transport", "transport");
    accepted = registry.counter("guardops_ingest_spans_accepted_total",
        "Spans durably stored, per transport", "transport");
    rejected = registry.counter("guardops_ingest_spans_rejected_total",
        "Spans decoded but not stored, per transport and reason", "transport", "reason");
    refused = registry.counter("guardops_ingest_requests_refused_total",
        "Ingestion requests answered with an error, per transport and reason", "transport", "reason");
    http = registry.histogram("guardops_http_request_duration_seconds",
        "HTTP request latency per route (method and path template) and status class", Histogram.LATENCY_SECONDS,
        "method", "route", "status");
    storeWrite = registry.histogram("guardops_store_write_duration_seconds",
        "Latency of span writes to the store (durable when they return), by outcome", Histogram.LATENCY_SECONDS,
        "outcome");
    sweeps = registry.counter("guardops_retention_sweeps_total",
        "Retention sweeps: ran, or skipped because another instance held the lease", "outcome");
    deletedTraces = registry.counter("guardops_retention_deleted_traces_total", "Traces deleted by retention sweeps");
    deletedSpans = registry.counter("guardops_retention_deleted_spans_total", "Spans deleted by retention sweeps");
    registry.register(new JvmMetrics());
  }

  /** A new set of metrics for one engine; {@code version} labels {@code guardops_build_info}. */
  public static EngineMetrics create(String version) {
    return new EngineMetrics(Objects.requireNonNull(version, "version"));
  }

  /** The counters of one transport. */
  public IngestMeter ingest(String transport) {
    return meters.computeIfAbsent(Objects.requireNonNull(transport, "transport"), IngestMeter::new);
  }

  /**
   * One HTTP request: {@code route} is the route's path template (not the request's path, so the label
   * stays small), or {@code "unmatched"}.
   */
  public void httpRequest(String method, String route, int status, long nanos) {
    http.labels(method, route, (status / 100) + "xx").observeNanos(nanos);
  }

  /** One retention sweep: whether it ran (else another instance held the lease) and what it deleted. */
  public void retentionSweep(boolean ran, long traces, long spans) {
    sweeps.labels(ran ? "ran" : "skipped").increment();
    deletedTraces.labels().add(traces);
    deletedSpans.labels().add(spans);
  }

  /**
   * The store, instrumented: span write latency, and its {@link Store#gauges()} exported as
   * {@code guardops_store_<name>}.
   */
  public Store meter(Store store) {
    registry.register(out -> {
      for (Map.Entry<String, Double> g : store.gauges().entrySet()) {
        String name = "guardops_store_" + g.getKey();
        if (!Names.validMetric(name) || g.getValue() == null) {
          if (badGauges.add(g.getKey())) {
            LOG.warn("the store reports a gauge '{}' that is not a valid metric name: left out", g.getKey());
          }
          continue;
        }
        out.add(JvmMetrics.gauge(name, "The store's " + g.getKey().replace('_', ' '), g.getValue()));
      }
    });
    return new MeteredStore(store, storeWrite);
  }

  /** A receiver's view of ingestion, counted under {@code transport} (the receiver's name). */
  public IngestService meter(IngestService service, String transport) {
    return new MeteredIngestService(service, ingest(transport));
  }

  /** Exports component health ({@code guardops_component_up}) and plugin states, read at scrape time. */
  public void components(Supplier<Map<String, Health>> health, Supplier<List<PluginStatus>> plugins) {
    registry.register(out -> {
      List<MetricFamily.Sample> up = new ArrayList<>();
      health.get().forEach((name, h) -> up.add(new MetricFamily.Sample("guardops_component_up", List.of("component"),
          List.of(name), h.healthy() ? 1 : 0)));
      out.add(new MetricFamily("guardops_component_up", MetricFamily.Type.GAUGE,
          "Whether a component is healthy (1) or not (0), as /health reports it", up));
      List<MetricFamily.Sample> states = new ArrayList<>();
      for (PluginStatus p : plugins.get()) {
        states.add(new MetricFamily.Sample("guardops_plugin_state", List.of("plugin", "state"),
            List.of(p.id() == null ? p.source() : p.id(), p.state()), 1));
      }
      out.add(new MetricFamily("guardops_plugin_state", MetricFamily.Type.GAUGE,
          "Each loaded plugin with its PF4J state (STARTED, FAILED, ...) as a label", states));
    });
  }

  /** Every metric now, in {@code format}. */
  public String scrape(Format format) {
    return Exposition.write(registry.collect(), format == Format.OPENMETRICS);
  }
}
