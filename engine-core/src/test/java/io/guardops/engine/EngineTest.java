package io.guardops.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.ApiKey;
import io.guardops.api.AttributeMapper;
import io.guardops.api.AttributeMapperProvider;
import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.LlmFields;
import io.guardops.api.Project;
import io.guardops.api.Span;
import io.guardops.api.TokenCache;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreProvider;
import io.guardops.engine.internal.InMemoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {
  static final Caller ALICE = Caller.claimedUser("alice");
  static final Caller BOB = Caller.claimedUser("bob");

  @TempDir
  Path dir;

  static Projects.Draft draft(String name, int retention) {
    return new Projects.Draft(name, "", List.of(), retention, null, null);
  }

  Engine.Builder builder() {
    return Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).tokenCache(new MapTokenCache()).setting("guardops.auth", "unprotected")
        .startScheduler(false);
  }

  @Test
  void aComponentNameNoProviderHasStopsStartUpNamingThePlugin() {
    assertThatThrownBy(() -> builder().setting("guardops.store", "mongo").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Install the plugin 'store-mongo'")
        .hasMessageContaining("Installed: memory");
  }

  /** A plugin-style mapper for an in-house convention: {@code acme.model} and {@code acme.tokens.in}. */
  static final class AcmeMapperProvider implements AttributeMapperProvider {
    @Override
    public String name() {
      return "acme";
    }

    @Override
    public AttributeMapper create(ComponentConfig config, ComponentContext context) {
      String prefix = config.getString("prefix", "acme");
      return (spanName, attributes, resource, out) -> {
        Object model = attributes.get(prefix + ".model");
        if (model != null) {
          out.requestModelIfAbsent(model.toString());
        }
        Object in = attributes.get(prefix + ".tokens.in");
        if (in instanceof Long n) {
          out.inputTokensIfAbsent(n);
        }
      };
    }
  }

  private static Span modelSpan(String projectId, String model) {
    return Span.builder().projectId(projectId).traceId("1af7651916cd43dd8448eb211c80319c").spanId("c7ad6b7169203331")
        .name("chat").startEpochNanos(1_700_000_000_000_000_000L).endEpochNanos(1_700_000_001_000_000_000L)
        .attributes(Map.of("gen_ai.request.model", model, "gen_ai.usage.input_tokens", 1_000_000L,
            "gen_ai.usage.output_tokens", 500_000L))
        .build();
  }

  private static Span acmeSpan(String projectId) {
    return Span.builder().projectId(projectId).traceId("0af7651916cd43dd8448eb211c80319c").spanId("b7ad6b7169203331")
        .name("llm").startEpochNanos(1_700_000_000_000_000_000L).endEpochNanos(1_700_000_001_000_000_000L)
        .attributes(Map.of("corp.model", "gpt-4o", "corp.tokens.in", 1000L, "gen_ai.request.model", "gpt-4o-mini"))
        .build();
  }

  @Test
  void attributeMappersFromProvidersRunBesideTheBuiltInOnesAndCanBeChosenByName() {
    InMemoryStore store = new InMemoryStore();
    try (Engine engine = builder().store(store).provider(new AcmeMapperProvider())
        .setting("guardops.mappers.acme.prefix", "corp").build()) {
      String project = engine.projects().create(ALICE, draft("p", 0)).projectId();
      engine.ingest().spans(List.of(acmeSpan(project)));
      LlmFields llm = store.spans().findSpans(project, List.of("0af7651916cd43dd8448eb211c80319c")).get(0).llm();
      // the built-in GenAI mapper runs first (order 10) and wins the model; acme fills the tokens
      assertThat(llm.requestModel()).isEqualTo("gpt-4o-mini");
      assertThat(llm.inputTokens()).isEqualTo(1000L);
      assertThat(llm.cost()).isPositive();
    }
    InMemoryStore only = new InMemoryStore();
    try (Engine engine = builder().store(only).provider(new AcmeMapperProvider())
        .setting("guardops.mappers", "acme").setting("guardops.mappers.acme.prefix", "corp").build()) {
      String project = engine.projects().create(ALICE, draft("p", 0)).projectId();
      engine.ingest().spans(List.of(acmeSpan(project)));
      assertThat(only.spans().findSpans(project, List.of("0af7651916cd43dd8448eb211c80319c")).get(0).llm().requestModel())
          .isEqualTo("gpt-4o");
    }
    assertThatThrownBy(() -> builder().store(new InMemoryStore()).setting("guardops.mappers", "otel-genai, langfuse")
        .build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("langfuse")
        .hasMessageContaining("otel-genai");
    assertThatThrownBy(() -> builder().setting("guardops.mappers", " , ").build())
        .hasMessageContaining("guardops.mappers");
  }

  @Test
  void anEmbeddingAppsOwnOpenTelemetrySdkExportsStraightIntoTheEngine() {
    try (Engine engine = builder().store(new InMemoryStore()).build()) {
      engine.users().provision("app");
      String project = engine.projects().defaultProject("app").orElseThrow().projectId();
      String traceId;
      try (io.opentelemetry.sdk.trace.SdkTracerProvider sdk = io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
          .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(
              engine.spanExporter(project))).build()) {
        io.opentelemetry.api.trace.Tracer tracer = sdk.get("my-service");
        io.opentelemetry.api.trace.Span agent = tracer.spanBuilder("invoke_agent support")
            .setAttribute("gen_ai.operation.name", "invoke_agent").startSpan();
        traceId = agent.getSpanContext().getTraceId();
        try (io.opentelemetry.context.Scope ignored = agent.makeCurrent()) {
          tracer.spanBuilder("chat gpt-4o-mini").setAttribute("gen_ai.operation.name", "chat")
              .setAttribute("gen_ai.request.model", "gpt-4o-mini").setAttribute("gen_ai.usage.input_tokens", 2000L)
              .setAttribute("gen_ai.usage.output_tokens", 100L).startSpan().end();
        }
        agent.end();
      }
      Traces.TraceDetail detail = engine.traces().detail(Caller.localUser("app"), project, traceId);
      io.guardops.api.TraceSummary summary = detail.summary();
      assertThat(summary.spanCount()).isEqualTo(2);
      assertThat(summary.rootName()).isEqualTo("invoke_agent support");
      assertThat(summary.inputTokens()).isEqualTo(2000L);
      assertThat(summary.model()).isEqualTo("gpt-4o-mini");
      assertThat(detail.spans()).hasSize(2);
      assertThat(detail.spans().get(0).isRoot()).isTrue();
      // gpt-4o-mini: $0.15 in / $0.60 out per 1M tokens
      assertThat(summary.cost()).isCloseTo(2000 * 0.15e-6 + 100 * 0.6e-6, org.assertj.core.data.Offset.offset(1e-12));
    }
  }

  @Test
  void usersAddAndOverrideModelPricesWithAPricingFile() throws Exception {
    Path prices = dir.resolve("my-prices.json");
    Files.writeString(prices, "{\"version\": \"acme-2026-12\", \"models\": {"
        + "\"acme-llm-1\": {\"provider\": \"acme\", \"input\": 1.0, \"output\": 2.0},"
        + "\"gpt-4o\": {\"provider\": \"openai\", \"input\": 100.0, \"output\": 100.0}}}");
    InMemoryStore store = new InMemoryStore();
    try (Engine engine = builder().store(store).setting("guardops.pricing.file", prices.toString()).build()) {
      String project = engine.projects().create(ALICE, draft("p", 0)).projectId();
      Span acme = modelSpan(project, "acme-llm-1");
      engine.ingest().spans(List.of(acme));
      LlmFields llm = store.spans().findSpans(project, List.of(acme.traceId())).get(0).llm();
      assertThat(llm.cost()).isCloseTo(1_000_000 * 1.0e-6 + 500_000 * 2.0e-6, org.assertj.core.data.Offset.offset(1e-9));
      // an override replaces the bundled price
      Span gpt = modelSpan(project, "gpt-4o").withProjectId(project);
      engine.projects().delete(ALICE, project, true);
      String again = engine.projects().create(ALICE, draft("q", 0)).projectId();
      engine.ingest().spans(List.of(gpt.withProjectId(again)));
      assertThat(store.spans().findSpans(again, List.of(gpt.traceId())).get(0).llm().cost())
          .isCloseTo(150.0, org.assertj.core.data.Offset.offset(1e-9));
    }
    Files.writeString(prices, "{\"models\": {\"broken\": {\"input\": \"cheap\"}}}");
    assertThatThrownBy(() -> builder().store(new InMemoryStore()).setting("guardops.pricing.file", prices.toString())
        .build()).hasMessageContaining("guardops.pricing.file").hasMessageContaining("broken");
  }

  @Test
  void aProviderRegisteredInCodeIsChosenByName() {
    InMemoryStore mine = new InMemoryStore();
    StoreProvider custom = new StoreProvider() {
      @Override
      public String name() {
        return "custom";
      }

      @Override
      public Store create(ComponentConfig config, ComponentContext context) {
        assertThat(config.get("flavour")).contains("vanilla");
        assertThat(context.find(Store.class)).as("the store is created first").isEmpty();
        return mine;
      }
    };
    try (Engine engine = builder().provider(custom).setting("guardops.store", "custom")
        .setting("guardops.store.custom.flavour", "vanilla").build()) {
      engine.users().provision("alice");
      assertThat(mine.users().listIds()).containsExactly("alice");
    }
  }

  @Test
  void provisioningCreatesTheDefaultProjectOnce() {
    try (Engine engine = builder().setting("guardops.store", "memory").build()) {
      assertThat(engine.users().provision("github|1")).isTrue();
      assertThat(engine.users().provision("github|1")).isFalse();
      List<Projects.ProjectView> projects = engine.projects().list(Caller.userToken("github|1", java.util.Set.of()));
      assertThat(projects).hasSize(1);
      Project p = projects.get(0).project();
      assertThat(p.name()).isEqualTo("Default Project");
      assertThat(p.description()).isEqualTo("This is the coai default project created after registration");
      assertThat(p.tags()).containsExactly("coai");
      assertThat(p.retentionDays()).isZero();
      assertThat(engine.projects().defaultProject("github|1")).contains(p);
      assertThatThrownBy(() -> engine.users().provision(" ")).isInstanceOf(EngineException.class);
    }
  }

  @Test
  void projectsAreScopedToTheirOwner() {
    try (Engine engine = builder().setting("guardops.store", "memory").build()) {
      engine.users().provision("alice");
      engine.users().provision("bob");
      Project p = engine.projects().create(ALICE, new Projects.Draft("  chat  ", "d", List.of("x"), 30, null, null));
      assertThat(p.name()).isEqualTo("chat");
      assertThatThrownBy(() -> engine.projects().update(BOB, p.projectId(), patchName("x")))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.NOT_FOUND));
      assertThatThrownBy(() -> engine.projects().delete(BOB, p.projectId(), true))
          .isInstanceOf(EngineException.class);
      assertThatThrownBy(() -> engine.projects().get(BOB, p.projectId())).isInstanceOf(EngineException.class);
      assertThatThrownBy(() -> engine.projects().update(ALICE, p.projectId(),
          new Projects.Patch(null, null, null, -5, null, null)))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.BAD_REQUEST));
      assertThat(engine.projects().get(ALICE, p.projectId()).project().retentionDays()).isEqualTo(30);
      Project renamed = engine.projects().update(ALICE, p.projectId(), new Projects.Patch("chat2", null, null, 7, 2.0, 4.0));
      assertThat(renamed.description()).isEqualTo("d");
      assertThat(renamed.latencyCriticalSeconds()).isEqualTo(4.0);
      engine.projects().delete(ALICE, p.projectId(), true);
      assertThat(engine.projects().list(ALICE)).hasSize(1);
    }
  }

  @Test
  void apiKeysAreHashedVerifiableAndRevocable() {
    try (Engine engine = builder().setting("guardops.store", "memory").setting("guardops.keys.base-key", "gk_").build()) {
      engine.users().provision("alice");
      engine.users().provision("bob");
      String raw = engine.apiKeys().create(ALICE);
      assertThat(raw).startsWith("gk_").hasSize(3 + 43);
      ApiKey listed = engine.apiKeys().list(ALICE).get(0);
      assertThat(listed.toString()).doesNotContain(raw);
      assertThat(listed.hashOfHash()).isEqualTo(ApiKeys.sha256Hex(ApiKeys.sha256Hex(raw)));
      assertThat(engine.apiKeys().verifyRawKey(raw)).hasValueSatisfying(k -> assertThat(k.ownerId()).isEqualTo("alice"));
      assertThat(engine.apiKeys().verifyKeyHash(ApiKeys.sha256Hex(raw))).isPresent();
      assertThat(engine.apiKeys().verifyRawKey(raw + "x")).isEmpty();
      assertThatThrownBy(() -> engine.apiKeys().delete(BOB, listed.hashOfHash()))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.NOT_FOUND));
      assertThat(engine.apiKeys().list(BOB)).isEmpty();
      engine.apiKeys().delete(ALICE, listed.hashOfHash());
      assertThat(engine.apiKeys().verifyRawKey(raw)).isEmpty(); // revoked at once, cache included
      assertThat(engine.apiKeys().list(ALICE)).isEmpty();
    }
  }

  @Test
  void unprotectedModeTrustsTheUserIdOfAUserThatExistsAndHealthIsData() {
    try (Engine engine = builder().setting("guardops.store", "memory").build()) {
      Caller nobody = engine.callers().authenticate(Credentials.none(), Callers.UserPolicy.EXISTING);
      assertThat(nobody.userId()).isNull();
      assertThatThrownBy(() -> engine.projects().list(nobody))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.BAD_REQUEST));
      assertThatThrownBy(() -> engine.callers().authenticate(new Credentials(null, "carol", null),
          Callers.UserPolicy.EXISTING))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.NOT_FOUND));
      assertThat(engine.callers().authenticate(new Credentials(null, "carol", null), Callers.UserPolicy.ANY).userId())
          .isEqualTo("carol");
      engine.users().provision("carol");
      assertThat(engine.callers().authenticate(new Credentials(null, "carol", null), Callers.UserPolicy.EXISTING)
          .kind()).isEqualTo(Caller.Kind.CLAIMED_USER);
      assertThat(engine.health()).containsKeys("store", "tokencache", "auth", "plugins");
      assertThat(engine.healthy()).isTrue();
    }
  }

  @Test
  void tokenCallersAreProvisionedOnTheirFirstCallAndTheAuthenticatorIsToldOnce() {
    java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.guardops.api.auth.Authenticator tokens = new io.guardops.api.auth.Authenticator() {
      @Override
      public io.guardops.api.auth.AuthResult authenticate(Credentials c) {
        return c.bearerToken() == null ? io.guardops.api.auth.AuthResult.unauthenticated("a token is required")
            : io.guardops.api.auth.AuthResult.authenticated(Caller.userToken(c.bearerToken(), java.util.Set.of()));
      }

      @Override
      public void userProvisioned(Caller caller) {
        told.add(caller.userId());
      }
    };
    try (Engine engine = builder().store(new InMemoryStore()).authenticator(tokens).build()) {
      assertThatThrownBy(() -> engine.callers().authenticate(Credentials.none(), Callers.UserPolicy.EXISTING))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.UNAUTHORIZED));
      for (int i = 0; i < 3; i++) {
        engine.callers().authenticate(new Credentials("auth0|1", null, null), Callers.UserPolicy.EXISTING);
      }
      assertThat(told).containsExactly("auth0|1");
      assertThat(engine.users().exists("auth0|1")).isTrue();
      assertThat(engine.projects().defaultProject("auth0|1")).isPresent();
    }
  }

  @Test
  void sharedProjectsAreReadAndWrittenByMembersButChangedOnlyByTheirOwner() {
    try (Engine engine = builder().setting("guardops.store", "memory").build()) {
      engine.users().provision("alice");
      engine.users().provision("bob");
      Project p = engine.projects().create(ALICE, draft("shared", 0));
      Sharing.IssuedCode code = engine.projects().share(ALICE, p.projectId());
      assertThat(code.code()).startsWith("gsp-");
      assertThat(code.record().codeHash()).isEqualTo(ApiKeys.sha256Hex(code.code()));
      assertThatThrownBy(() -> engine.projects().importShared(ALICE, code.code()))
          .hasMessageContaining("you own");
      assertThat(engine.projects().importShared(BOB, code.code()).projectId()).isEqualTo(p.projectId());
      // a retried import by the same user is fine; anyone else finds the code used
      assertThat(engine.projects().importShared(BOB, code.code()).projectId()).isEqualTo(p.projectId());
      engine.users().provision("carol");
      assertThatThrownBy(() -> engine.projects().importShared(Caller.claimedUser("carol"), code.code()))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.GONE));
      assertThat(engine.projects().list(BOB)).extracting(v -> v.project().projectId(), Projects.ProjectView::relation)
          .contains(org.assertj.core.groups.Tuple.tuple(p.projectId(), Access.Relation.MEMBER));
      assertThat(engine.projects().get(BOB, p.projectId()).relation()).isEqualTo(Access.Relation.MEMBER);
      assertThatThrownBy(() -> engine.projects().update(BOB, p.projectId(), patchName("mine now")))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.FORBIDDEN));
      assertThatThrownBy(() -> engine.projects().share(BOB, p.projectId()))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.FORBIDDEN));
      assertThatThrownBy(() -> engine.projects().delete(BOB, p.projectId(), true))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.FORBIDDEN));
      // bob sends with his own key
      Caller bobsKey = engine.callers().apiKey(engine.apiKeys().create(BOB));
      assertThat(engine.ingest().routing(bobsKey, p.projectId())).isNotNull();
      engine.ingest().write(bobsKey, List.of(modelSpan(p.projectId(), "gpt-4o")));
      assertThat(engine.traces().search(ALICE, io.guardops.api.store.TraceQuery.page(p.projectId(), 0, 10)).traces())
          .hasSize(1);
      // the owner ends bob's access
      assertThat(engine.projects().members(ALICE, p.projectId()).members()).extracting(io.guardops.api.Grant::userId)
          .containsExactly("bob");
      engine.projects().removeMember(ALICE, p.projectId(), "bob");
      assertThatThrownBy(() -> engine.projects().get(BOB, p.projectId()))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.NOT_FOUND));
      assertThatThrownBy(() -> engine.ingest().routing(bobsKey, p.projectId()))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.NOT_FOUND));
      assertThatThrownBy(() -> engine.ingest().write(bobsKey, List.of(modelSpan(p.projectId(), "gpt-4o"))))
          .isInstanceOf(EngineException.class);
    }
  }

  @Test
  void shareCodesExpireAndCanBeRevoked() {
    MutableClock clock = new MutableClock(java.time.Instant.parse("2026-06-01T00:00:00Z"));
    try (Engine engine = builder().setting("guardops.store", "memory").setting("guardops.sharing.code-ttl", "1d")
        .clock(clock).build()) {
      engine.users().provision("alice");
      engine.users().provision("bob");
      Project p = engine.projects().create(ALICE, draft("p", 0));
      Sharing.IssuedCode expiring = engine.projects().share(ALICE, p.projectId());
      Sharing.IssuedCode revoked = engine.projects().share(ALICE, p.projectId());
      engine.projects().revokeCode(ALICE, p.projectId(), revoked.record().codeId());
      assertThatThrownBy(() -> engine.projects().revokeCode(ALICE, p.projectId(), revoked.record().codeId()))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.NOT_FOUND));
      assertThatThrownBy(() -> engine.projects().importShared(BOB, revoked.code())).hasMessageContaining("revoked");
      clock.advance(java.time.Duration.ofDays(1));
      assertThatThrownBy(() -> engine.projects().importShared(BOB, expiring.code())).hasMessageContaining("expired");
      assertThatThrownBy(() -> engine.projects().importShared(BOB, "gsp-" + "A".repeat(43)))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.NOT_FOUND));
      assertThatThrownBy(() -> engine.projects().importShared(BOB, "gsd-" + "A".repeat(43)))
          .hasMessageContaining("import_dataset");
      assertThatThrownBy(() -> engine.projects().importShared(BOB, "hello")).hasMessageContaining("start with");
      assertThat(engine.projects().list(BOB)).extracting(v -> v.project().projectId()).doesNotContain(p.projectId());
    }
  }

  private static Projects.Patch patchName(String name) {
    return new Projects.Patch(name, null, null, null, null, null);
  }

  @Test
  void settingsComeFromTheConfigFileDotEnvAndEnvironmentInOrder() throws Exception {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/guardops.properties"), "guardops.keys.base-key=file_\nguardops.store=memory\n");
    try (Engine engine = builder().build()) {
      assertThat(engine.apiKeys().create(provision(engine))).startsWith("file_");
    }
    Files.writeString(dir.resolve(".env"), "# comment\nexport BASE_KEY=\"dotenv_\"\n");
    try (Engine engine = builder().build()) {
      assertThat(engine.apiKeys().create(provision(engine))).startsWith("dotenv_");
    }
    try (Engine engine = builder().environment(Map.of("GUARDOPS_KEYS_BASE_KEY", "env_")).build()) {
      assertThat(engine.apiKeys().create(provision(engine))).startsWith("env_");
    }
    try (Engine engine = builder().environment(Map.of("BASE_KEY", "env_"))
        .systemProperties(Map.of("guardops.keys.base-key", "sys_")).build()) {
      assertThat(engine.apiKeys().create(provision(engine))).startsWith("sys_");
    }
    assertThatThrownBy(() -> builder().setting("guardops.retention.interval", "banana").build())
        .hasMessageContaining("guardops.retention.interval");
  }

  private static String provision(Engine engine) {
    engine.users().provision("u");
    return "u";
  }

  @Test
  void startingInAnotherAuthModeThanTheDataIsRefusedUnlessAllowed() {
    InMemoryStore.Backend data = new InMemoryStore.Backend();
    try (Engine engine = builder().store(new InMemoryStore(data)).setting("guardops.auth", "unprotected").build()) {
      engine.users().provision("github|1");
    }
    assertThatThrownBy(() -> builder().store(new InMemoryStore(data)).setting("guardops.auth", "single-user")
        .pluginsEnabled(false).provider(new io.guardops.engine.internal.Builtins.UnprotectedAuthProvider()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("created in 'unprotected' mode").hasMessageContaining("guardops.auth.allow-mode-change");
    // a data set created before the mode was recorded, with only user "0": single-user
    InMemoryStore.Backend old = new InMemoryStore.Backend();
    new InMemoryStore(old).users().create(new io.guardops.api.User("0", java.time.Instant.EPOCH));
    assertThatThrownBy(() -> builder().store(new InMemoryStore(old)).setting("guardops.auth", "unprotected").build())
        .hasMessageContaining("created in 'single-user' mode");
    try (Engine engine = builder().store(new InMemoryStore(old)).setting("guardops.auth", "unprotected")
        .setting("guardops.auth.allow-mode-change", "true").build()) {
      assertThat(new InMemoryStore(old).meta().get("auth.mode")).contains("unprotected");
    }
  }
}
