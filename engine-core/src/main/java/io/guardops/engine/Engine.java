package io.guardops.engine;

import io.guardops.api.AttributeMapper;
import io.guardops.api.AttributeMapperProvider;
import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentProvider;
import io.guardops.api.Health;
import io.guardops.api.RetentionPolicy;
import io.guardops.api.RetentionPolicyProvider;
import io.guardops.api.TokenCache;
import io.guardops.api.TokenCacheProvider;
import io.guardops.api.auth.AuthProvider;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.dataset.DatasetFormat;
import io.guardops.api.dataset.DatasetFormatProvider;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.eval.EvaluatorProvider;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelClientProvider;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreProvider;
import io.guardops.engine.internal.Builtins;
import io.guardops.engine.internal.ConfigSource;
import io.guardops.engine.internal.DefaultComponentContext;
import io.guardops.engine.internal.EvalComponents;
import io.guardops.engine.internal.IdGenerator;
import io.guardops.engine.internal.PluginHost;
import io.guardops.engine.internal.ProviderRegistry;
import io.guardops.engine.internal.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GuardOps engine: the one entry point. Build it with {@link #builder()}, from components
 * given in code or from providers that PF4J finds (plugins directory and class path), chosen by
 * name from configuration. Services hang off it ({@link #callers()}, {@link #projects()}, ...); each
 * takes the {@link Caller} a transport authenticated and checks what it may see in one place
 * ({@link Access}). Thread-safe once built. Close it to stop the schedulers and release the store.
 *
 * <pre>{@code
 * try (Engine engine = Engine.builder().setting("guardops.store", "memory").build()) {
 *   String key = engine.apiKeys().create("0");
 * }
 * }</pre>
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final Settings settings;
  private final PluginHost plugins;
  private final Store store;
  private final TokenCache tokenCache;
  private final Authenticator authenticator;
  private final EvalComponents eval;
  private final EngineComponent component;
  private final ScheduledExecutorService scheduler;
  private final ProviderRegistry registry;
  private final DefaultComponentContext context;
  private final List<io.guardops.api.ingest.IngestReceiver> receivers;
  private final io.guardops.engine.metrics.EngineMetrics metrics;
  private volatile boolean closed;

  private Engine(Settings settings, PluginHost plugins, Store store, TokenCache tokenCache,
      Authenticator authenticator, EvalComponents eval, EngineComponent component, ScheduledExecutorService scheduler,
      ProviderRegistry registry, DefaultComponentContext context, List<io.guardops.api.ingest.IngestReceiver> receivers,
      io.guardops.engine.metrics.EngineMetrics metrics) {
    this.settings = settings;
    this.plugins = plugins;
    this.store = store;
    this.tokenCache = tokenCache;
    this.authenticator = authenticator;
    this.eval = eval;
    this.component = component;
    this.scheduler = scheduler;
    this.registry = registry;
    this.context = context;
    this.receivers = receivers;
    this.metrics = metrics;
  }

  /**
   * Creates the data importer named {@code name} ({@code guardops import-<name>}) from a plugin or the
   * class path; the caller closes nothing (importers hold no resources between runs).
   *
   * @throws IllegalStateException naming the plugin to install when none provides it
   */
  public io.guardops.api.importer.DataImporter dataImporter(String name) {
    return registry.create(io.guardops.api.importer.DataImporterProvider.class, "importer", name, settings, context);
  }

  /** The store (for importers and tools that work below the services). */
  public Store store() {
    return store;
  }

  /** A builder that reads configuration from the usual sources and finds plugins. */
  public static Builder builder() {
    return new Builder();
  }

  /** The engine's version, such as {@code 0.1.0}. */
  public static String version() {
    try (InputStream in = Engine.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Authentication of requests into callers (the configured authenticator, API keys). */
  public Callers callers() {
    return component.callers();
  }

  public Users users() {
    return component.users();
  }

  public Projects projects() {
    return component.projects();
  }

  public ApiKeys apiKeys() {
    return component.apiKeys();
  }

  public Retention retention() {
    return component.retention();
  }

  public Ingest ingest() {
    return component.ingest();
  }

  public Traces traces() {
    return component.traces();
  }

  /** Datasets and their versioned items. */
  public Datasets datasets() {
    return component.datasets();
  }

  /** Evaluations of the wire contract (results computed by clients and exported). */
  public Evaluations evaluations() {
    return component.evaluations();
  }

  /** The installed evaluators: listing, parameter checks, ad-hoc scoring. */
  public Evaluators evaluators() {
    return component.evaluators();
  }

  /** Experiments: dataset versions run through a task and evaluators. */
  public Experiments experiments() {
    return component.experiments();
  }

  /** Scores attached to traces. */
  public Scores scores() {
    return component.scores();
  }

  /** Online evaluation rules and their background scoring. */
  public OnlineEvaluation onlineEvaluation() {
    return component.onlineEvaluation();
  }

  /** The model registry: models, their endpoints and prices (global and per user). */
  public Models models() {
    return component.models();
  }

  /** Prompt and chat playgrounds. */
  public Playgrounds playgrounds() {
    return component.playgrounds();
  }

  /** The model arena: anonymous pairs, votes, Elo ratings. */
  public Arena arena() {
    return component.arena();
  }

  /** Prompt templates with versions and labels. */
  public Templates templates() {
    return component.templates();
  }

  /** PII detection and per-project masking at ingestion. */
  public Pii pii() {
    return component.pii();
  }

  /**
   * An OpenTelemetry {@code SpanExporter} that an application registers with its own SDK so that
   * spans go straight into this engine, with no network hop. Spans go to the project named by the
   * resource attribute {@code guardops.project.id}, else to {@code projectId}. Needs
   * {@code io.opentelemetry:opentelemetry-sdk} on the class path.
   */
  public io.guardops.engine.ingest.GuardOpsSpanExporter spanExporter(String projectId) {
    io.guardops.engine.metrics.EngineMetrics.IngestMeter meter = metrics.ingest("in-process");
    return new io.guardops.engine.ingest.GuardOpsSpanExporter(
        spans -> meter.write(spans.size(), () -> ingest().spans(spans)), projectId);
  }

  /** The engine's own metrics (ingestion, store writes, retention, the JVM), for {@code GET /metrics}. */
  public io.guardops.engine.metrics.EngineMetrics metrics() {
    return metrics;
  }

  /** The configuration, keys relative to {@code guardops.} (for the host's own settings). */
  public ComponentConfig config() {
    return settings.root();
  }

  /** The engine's clock. */
  public Clock clock() {
    return settings.root().clock();
  }

  /** Largest request body after decompression ({@code guardops.http.max-body-bytes}). */
  public long maxBodyBytes() {
    return settings.maxBodyBytes();
  }

  /** The configured auth mode's name ({@code single-user}, {@code unprotected}, {@code auth0}, ...). */
  public String authMode() {
    return settings.auth();
  }

  /** Health of every component, as data. */
  public Map<String, Health> health() {
    Map<String, Health> out = new LinkedHashMap<>();
    out.put("store", safeCheck(store::check));
    out.put("tokencache", safeCheck(tokenCache::check));
    out.put("auth", safeCheck(authenticator::check));
    out.put("model", eval.model().map(m -> {
      Health h = safeCheck(m::check);
      return new Health(h.healthy(), eval.modelClientName() + (h.detail().isEmpty() ? "" : ": " + h.detail()));
    }).orElse(Health.up("none: LLM judges and prompt tasks are unavailable (install the model-openai plugin; "
        + "guardops.model-client)")));
    OnlineEvaluation.Stats online = component.onlineEvaluation().stats();
    out.put("evaluation", Health.up(eval.evaluators().size() + " evaluators, dataset formats "
        + (eval.formats().isEmpty() ? "none" : String.join(", ", eval.formats().keySet())) + "; online evaluation "
        + (online.enabled() ? online.rules() + " rules, " + online.sampled() + " sampled, " + online.scored()
            + " scored, " + online.failed() + " failed, " + online.dropped() + " dropped, " + online.queued() + " queued"
            : "off")));
    for (io.guardops.api.ingest.IngestReceiver r : receivers) {
      out.put("receiver " + r.address(), safeCheck(r::check));
    }
    out.put("plugins", plugins != null && plugins.hasFailures()
        ? Health.down("some plugins failed to load; see the plugin list")
        : Health.up());
    return out;
  }

  /**
   * Whether every component that serves requests is healthy (a failed unused plugin does not count,
   * nor the model client: traces are served without it).
   */
  public boolean healthy() {
    Map<String, Health> h = health();
    return h.get("store").healthy() && h.get("tokencache").healthy() && h.get("auth").healthy();
  }

  /**
   * Whether the engine is ready to serve: it exists only once started (the store open with its
   * migrations applied, every receiver started), so this is false only while it closes or while a
   * component that serves requests (store, token cache, authenticator, a receiver) is unhealthy.
   */
  public boolean ready() {
    if (closed) {
      return false;
    }
    Map<String, Health> h = health();
    for (Map.Entry<String, Health> e : h.entrySet()) {
      boolean serves = e.getKey().equals("store") || e.getKey().equals("tokencache") || e.getKey().equals("auth")
          || e.getKey().startsWith("receiver ");
      if (serves && !e.getValue().healthy()) {
        return false;
      }
    }
    return true;
  }

  /** Where the span receivers listen, such as {@code grpc://127.0.0.1:4317} (empty when none runs). */
  public List<String> receiverAddresses() {
    return receivers.stream().map(io.guardops.api.ingest.IngestReceiver::address).toList();
  }

  /** Loaded plugins and the ones that failed. */
  public List<PluginStatus> plugins() {
    if (plugins == null) {
      return List.of();
    }
    return plugins.plugins().stream()
        .map(p -> new PluginStatus(p.id(), p.version(), p.state(), p.source(), p.error()))
        .toList();
  }

  private static Health safeCheck(java.util.function.Supplier<Health> check) {
    try {
      Health h = check.get();
      return h == null ? Health.down("check returned nothing") : h;
    } catch (RuntimeException e) {
      return Health.down(e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (io.guardops.api.ingest.IngestReceiver r : receivers) {
      closeQuietly("receiver " + r.address(), r);
    }
    component.retention().stopSchedule();
    component.experiments().close();
    component.onlineEvaluation().close();
    component.modelRuns().close();
    scheduler.shutdownNow();
    closeQuietly("auth", authenticator);
    eval.model().ifPresent(m -> closeQuietly("model client", m));
    closeQuietly("tokencache", tokenCache);
    closeQuietly("store", store);
    if (plugins != null) {
      plugins.close();
    }
    LOG.info("engine stopped");
  }

  private static void closeQuietly(String what, AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("{} did not close cleanly: {}", what, e.toString());
    }
  }

  /** The metadata key that records the auth mode a store's data was created in. */
  static final String AUTH_MODE_KEY = "auth.mode";

  /**
   * Refuses to start in another auth mode than the one the data was created in, unless
   * {@code guardops.auth.allow-mode-change} says so: the users of one mode are not the users of the
   * other (single-user mode's data belongs to user "0"), so a silent switch would orphan or expose
   * data. Stores that predate the record are taken to be single-user when "0" is their only user.
   */
  static void checkAuthMode(Store store, Settings settings) {
    String mode = settings.auth();
    String recorded = store.meta().get(AUTH_MODE_KEY).orElseGet(() -> {
      List<String> users = store.users().listIds();
      return users.equals(List.of("0")) ? "single-user" : null;
    });
    if (recorded != null && !recorded.equals(mode)) {
      if (!settings.allowAuthModeChange()) {
        throw new IllegalStateException("the data in this store was created in '" + recorded + "' mode, but guardops.auth"
            + " is '" + mode + "'. The users of one mode are not the users of another (single-user mode's data"
            + " belongs to user \"0\"; unprotected and auth0 modes both use the identity provider's user ids)."
            + " Start in '" + recorded + "' mode, or set guardops.auth.allow-mode-change=true to switch on purpose.");
      }
      LOG.warn("switching this store's data from '{}' mode to '{}' mode (guardops.auth.allow-mode-change=true)",
          recorded, mode);
    }
    store.meta().put(AUTH_MODE_KEY, mode);
  }

  /** The scheduler components share: two daemon threads, cancelled tasks removed at once. */
  private static ScheduledExecutorService newScheduler() {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "guardops-scheduler-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.setRemoveOnCancelPolicy(true);
    pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return pool;
  }

  /**
   * Builds an {@link Engine}. Configuration precedence: {@link #setting} > system properties >
   * environment > {@code .env} > {@code conf/guardops.properties} (both in the working directory)
   * > defaults. Components given in code beat the ones configuration names. Not thread-safe.
   */
  public static final class Builder {
    private final Map<String, String> overrides = new HashMap<>();
    private Map<String, String> environment = System.getenv();
    private Map<String, String> systemProperties;
    private Path workingDirectory = Path.of("").toAbsolutePath();
    private boolean pluginsEnabled = true;
    private Store store;
    private TokenCache tokenCache;
    private Authenticator authenticator;
    private RetentionPolicy retentionPolicy;
    private ModelClient modelClient;
    private final List<Evaluator> evaluators = new ArrayList<>();
    private final List<DatasetFormat> formats = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private IdGenerator ids = IdGenerator.uuid4();
    private SecureRandom random;
    private final List<ComponentProvider<?>> providers = new ArrayList<>();
    private boolean startScheduler = true;
    private boolean startReceivers = true;

    private Builder() {}

    /** Sets one setting with the highest precedence, such as {@code guardops.store=memory}. */
    public Builder setting(String key, String value) {
      overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets several settings with the highest precedence. */
    public Builder settings(Map<String, String> values) {
      values.forEach(this::setting);
      return this;
    }

    /** The environment to read (default {@code System.getenv()}); tests pass an empty map. */
    public Builder environment(Map<String, String> env) {
      this.environment = Map.copyOf(env);
      return this;
    }

    /** The system properties to read (default the JVM's). */
    public Builder systemProperties(Map<String, String> props) {
      this.systemProperties = Map.copyOf(props);
      return this;
    }

    /** Where relative paths, {@code .env} and {@code conf/} are resolved (default the current directory). */
    public Builder workingDirectory(Path dir) {
      this.workingDirectory = dir.toAbsolutePath().normalize();
      return this;
    }

    /** Whether to run PF4J at all (default true); without it only code-given and built-in providers exist. */
    public Builder pluginsEnabled(boolean enabled) {
      this.pluginsEnabled = enabled;
      return this;
    }

    /** Uses this store instead of the configured one; the engine closes it. */
    public Builder store(Store s) {
      this.store = Objects.requireNonNull(s);
      return this;
    }

    public Builder tokenCache(TokenCache c) {
      this.tokenCache = Objects.requireNonNull(c);
      return this;
    }

    public Builder authenticator(Authenticator a) {
      this.authenticator = Objects.requireNonNull(a);
      return this;
    }

    public Builder retentionPolicy(RetentionPolicy p) {
      this.retentionPolicy = Objects.requireNonNull(p);
      return this;
    }

    /** Uses this model client instead of the configured one; the engine closes it. */
    public Builder modelClient(ModelClient c) {
      this.modelClient = Objects.requireNonNull(c);
      return this;
    }

    /** Adds an evaluator beside the installed ones; a name two evaluators share stops start-up. */
    public Builder evaluator(Evaluator e) {
      this.evaluators.add(Objects.requireNonNull(e));
      return this;
    }

    /** Adds a dataset format beside the installed ones; a name two formats share stops start-up. */
    public Builder datasetFormat(DatasetFormat f) {
      this.formats.add(Objects.requireNonNull(f));
      return this;
    }

    /** Registers a provider in code; it beats a plugin's provider of the same name. */
    public Builder provider(ComponentProvider<?> provider) {
      providers.add(Objects.requireNonNull(provider));
      return this;
    }

    /** The clock for timestamps, key use and retention cutoffs (default UTC system clock). */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c);
      return this;
    }

    /** Id generator for projects, keys and records (default random UUIDs). */
    public Builder idGenerator(IdGenerator g) {
      this.ids = Objects.requireNonNull(g);
      return this;
    }

    /**
     * Whether to start the span receivers plugins provide (OTLP/gRPC, ...); default true. Command-line
     * tools that do not serve (retention run, import) turn it off.
     */
    public Builder startReceivers(boolean start) {
      this.startReceivers = start;
      return this;
    }

    /** Whether to start the periodic retention sweep (default true, if enabled in configuration). */
    public Builder startScheduler(boolean start) {
      this.startScheduler = start;
      return this;
    }

    /**
     * Loads configuration and plugins, creates the components and starts the engine.
     *
     * @throws IllegalArgumentException for an invalid setting, naming it
     * @throws IllegalStateException when a named component is not installed (naming the plugin to
     *     install) or cannot start
     */
    public Engine build() {
      Map<String, String> sys = systemProperties;
      if (sys == null) {
        sys = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
          sys.put(name, System.getProperty(name));
        }
      }
      Settings settings = new Settings(ConfigSource.load(overrides, sys, environment, workingDirectory),
          workingDirectory, clock).validate();
      try {
        Files.createDirectories(settings.dataDirectory());
      } catch (IOException e) {
        throw new IllegalStateException("cannot create the data directory " + settings.dataDirectory() + ": " + e, e);
      }
      PluginHost host = pluginsEnabled ? PluginHost.start(settings.pluginsDirectory()) : null;
      ScheduledExecutorService scheduler = newScheduler();
      io.guardops.engine.metrics.EngineMetrics metrics = io.guardops.engine.metrics.EngineMetrics.create(version());
      List<AutoCloseable> created = new ArrayList<>();
      try {
        List<ComponentProvider<?>> all = new ArrayList<>(providers);
        all.add(new Builtins.MemoryStoreProvider());
        all.add(new Builtins.UnprotectedAuthProvider());
        all.add(new Builtins.RetentionDaysProvider());
        all.addAll(io.guardops.engine.mapping.BuiltinMappers.providers());
        ProviderRegistry registry = new ProviderRegistry(host, all, settings.pluginsDirectory());

        // the fixed creation order ComponentContext documents: each provider sees those before it
        DefaultComponentContext context = new DefaultComponentContext(clock, scheduler, List.of());
        Store s = store != null ? store
            : registry.create(StoreProvider.class, "store", settings.store(), settings, context);
        created.add(s);
        s = metrics.meter(s); // span write latency and the store's gauges, for every store
        if (authenticator == null) {
          checkAuthMode(s, settings);
        }
        context = context.with(s);
        TokenCache tc = tokenCache != null ? tokenCache
            : registry.create(TokenCacheProvider.class, "tokencache", settings.tokenCache(), settings, context);
        created.add(tc);
        context = context.with(tc);
        String modelName = "(given)";
        ModelClient mc = modelClient;
        if (mc == null) {
          // default: openai when its plugin is installed, else no model client
          modelName = settings.modelClient().orElseGet(() ->
              registry.providers(ModelClientProvider.class).containsKey("openai") ? "openai" : "none");
          if (!modelName.equals("none")) {
            mc = registry.create(ModelClientProvider.class, "model-client", modelName, settings, context);
          }
        }
        if (mc != null) {
          created.add(mc);
          context = context.with(mc);
        }
        Authenticator auth = authenticator != null ? authenticator
            : registry.create(AuthProvider.class, "auth", settings.auth(), settings, context);
        created.add(auth);
        context = context.with(auth);
        RetentionPolicy rp = retentionPolicy != null ? retentionPolicy
            : registry.create(RetentionPolicyProvider.class, "retention", settings.retentionPolicy(), settings, context);
        context = context.with(rp);

        List<AttributeMapper> mappers = registry.createAll(AttributeMapperProvider.class, "mappers",
            settings.mapperNames(), settings, context);

        EvalComponents.Collector<Evaluator> evs = new EvalComponents.Collector<>("evaluator", e -> e.info().name());
        evs.addAll(evaluators, "code (Engine.Builder.evaluator)");
        for (Map.Entry<String, EvaluatorProvider> p : registry.providers(EvaluatorProvider.class).entrySet()) {
          evs.addAll(registry.create(EvaluatorProvider.class, "evaluator", p.getKey(), settings, context),
              "the evaluator provider '" + p.getKey() + "' of " + p.getValue().pluginId());
        }
        EvalComponents.Collector<DatasetFormat> fmts = new EvalComponents.Collector<>("dataset format",
            f -> f.name().toLowerCase(java.util.Locale.ROOT));
        fmts.addAll(formats, "code (Engine.Builder.datasetFormat)");
        for (Map.Entry<String, DatasetFormatProvider> p : registry.providers(DatasetFormatProvider.class).entrySet()) {
          fmts.addAll(registry.create(DatasetFormatProvider.class, "dataset-format", p.getKey(), settings, context),
              "the dataset format provider '" + p.getKey() + "' of " + p.getValue().pluginId());
        }
        EvalComponents eval = new EvalComponents(modelName, mc, evs.byName(), fmts.byName());

        EngineComponent component = DaggerEngineComponent.factory().create(settings, s, tc, auth, rp, mappers, eval,
            clock, ids, random != null ? random : new SecureRandom());
        // Dagger builds singletons on first use: build them now, so that a bad setting (an unreadable
        // pricing file, say) stops start-up instead of failing the first request
        component.callers();
        component.users();
        component.projects();
        component.apiKeys();
        component.ingest();
        component.traces();
        component.retention();
        component.datasets();
        component.evaluations();
        component.scores();
        component.models();
        component.playgrounds();
        component.arena();
        component.templates();
        component.pii();
        component.experiments().start(scheduler);
        component.onlineEvaluation().start(scheduler);
        // receivers come last: they hand spans to the services just built
        List<io.guardops.api.ingest.IngestReceiver> receivers = new ArrayList<>();
        if (startReceivers) {
          IngestServices ingestService = new IngestServices(component.callers(), component.ingest(),
              settings.maxBodyBytes());
          List<String> receiverNames = settings.receiverNames().orElseGet(() -> new ArrayList<>(
              registry.providers(io.guardops.api.ingest.IngestReceiverProvider.class).keySet()));
          for (String name : receiverNames) {
            // each receiver's ingestion is counted under its own name (the metrics' transport label)
            io.guardops.api.ingest.IngestReceiver r = registry.create(io.guardops.api.ingest.IngestReceiverProvider.class,
                "receivers", name, settings, context.with(metrics.meter(ingestService, name)));
            created.add(r);
            try {
              r.start();
            } catch (Exception e) {
              throw new IllegalStateException("the receiver " + r.address() + " could not start: " + e.getMessage(), e);
            }
            receivers.add(r);
            LOG.info("receiving spans on {}", r.address());
          }
        }
        component.retention().onSweep(r -> metrics.retentionSweep(r.ran(), r.deletedTraces(), r.deletedSpans()));
        Engine engine = new Engine(settings, host, s, tc, auth, eval, component, scheduler, registry, context, receivers,
            metrics);
        metrics.components(engine::health, engine::plugins);
        // a mode with an implicit user (single-user) gets that user and its Default Project now
        Optional<Caller> implicit = auth.implicitCaller();
        if (implicit.isPresent() && implicit.get().userId() != null) {
          component.callers().provision(implicit.get());
        }
        if (startScheduler) {
          component.retention().startSchedule();
        }
        LOG.info("GuardOps engine {} started: store={}, auth={}, tokencache={}, model-client={}, {} evaluators,"
            + " dataset formats {}, data={}", version(),
            store != null ? "(given)" : settings.store(), authenticator != null ? "(given)" : settings.auth(),
            tokenCache != null ? "(given)" : settings.tokenCache(), modelName, eval.evaluators().size(),
            eval.formats().keySet(), settings.dataDirectory());
        return engine;
      } catch (RuntimeException | Error e) {
        for (AutoCloseable c : created) {
          closeQuietly("component", c);
        }
        scheduler.shutdownNow();
        if (host != null) {
          host.close();
        }
        throw e;
      }
    }
  }
}
