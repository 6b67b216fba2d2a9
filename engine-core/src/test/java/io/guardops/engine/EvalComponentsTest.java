package io.guardops.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.eval.EvaluatorProvider;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelClientProvider;
import io.guardops.engine.internal.InMemoryStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model client, evaluators and dataset formats as components: order, names, defaults, health. */
class EvalComponentsTest {
  @TempDir
  Path dir;

  Engine.Builder builder() {
    return Engine.builder().environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir)
        .pluginsEnabled(false).store(new InMemoryStore()).tokenCache(new MapTokenCache())
        .setting("guardops.auth", "unprotected").startScheduler(false);
  }

  /** A model client provider named {@code fake} that records what its context held. */
  static final class FakeModelProvider implements ModelClientProvider {
    final AtomicReference<ComponentContext> seen = new AtomicReference<>();
    final FakeModel model = new FakeModel();

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public ModelClient create(ComponentConfig config, ComponentContext context) {
      seen.set(context);
      return model;
    }
  }

  /** Evaluators from a provider, which checks that the model client and authenticator exist before it. */
  static final class Provider implements EvaluatorProvider {
    final AtomicReference<ComponentContext> seen = new AtomicReference<>();

    @Override
    public String name() {
      return "test";
    }

    @Override
    public List<Evaluator> create(ComponentConfig config, ComponentContext context) {
      seen.set(context);
      return List.of(TestEvaluators.exact(), TestEvaluators.judge());
    }
  }

  @Test
  void theModelClientComesAfterTheTokenCacheAndBeforeTheAuthenticatorAndTheEvaluators() {
    FakeModelProvider models = new FakeModelProvider();
    Provider evaluators = new Provider();
    try (Engine e = builder().provider(models).provider(evaluators).setting("guardops.model-client", "fake")
        .setting("guardops.eval.judge-model", "judge-1").build()) {
      assertThat(models.seen.get().find(io.guardops.api.TokenCache.class)).isPresent();
      assertThat(models.seen.get().find(Authenticator.class)).isEmpty();
      assertThat(evaluators.seen.get().find(ModelClient.class)).containsSame(models.model);
      assertThat(evaluators.seen.get().find(Authenticator.class)).isPresent();
      assertThat(e.evaluators().list()).extracting(i -> i.name()).containsExactly("exact", "judge");
      assertThat(e.evaluators().modelClientName()).isEqualTo("fake");
      assertThat(e.evaluators().defaultJudgeModel()).isEqualTo("judge-1");
      assertThat(e.health().get("model").detail()).startsWith("fake");
      assertThat(e.health().get("evaluation").detail()).contains("2 evaluators");
    }
  }

  @Test
  void twoEvaluatorsOfOneNameStopStartUpNamingBoth() {
    assertThatThrownBy(() -> builder().provider(new Provider()).evaluator(TestEvaluators.exact()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two evaluators are named 'exact'")
        .hasMessageContaining("code (Engine.Builder.evaluator)")
        .hasMessageContaining("the evaluator provider 'test'");
    assertThatThrownBy(() -> builder().datasetFormat(new DatasetsTest.TabFormat())
        .datasetFormat(new DatasetsTest.TabFormat()).build())
        .hasMessageContaining("two dataset formats are named 'tab'");
  }

  @Test
  void noModelClientIsTheDefaultWithoutThePluginAndANamedOneMustBeInstalled() {
    try (Engine e = builder().build()) {
      assertThat(e.evaluators().model()).isEmpty();
      assertThat(e.evaluators().modelClientName()).isEqualTo("none");
      assertThat(e.health().get("model").healthy()).isTrue();
      assertThat(e.health().get("model").detail()).contains("install the model-openai plugin");
    }
    try (Engine e = builder().provider(new FakeModelProvider()).setting("guardops.model-client", "none").build()) {
      assertThat(e.evaluators().model()).isEmpty();
    }
    assertThatThrownBy(() -> builder().setting("guardops.model-client", "openai").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Install the plugin 'model-openai'");
    assertThatThrownBy(() -> builder().setting("guardops.eval.max-concurrency", "0").build())
        .hasMessageContaining("guardops.eval.max-concurrency must be between 1 and 256");
  }
}
