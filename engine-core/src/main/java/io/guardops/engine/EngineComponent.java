package io.guardops.engine;

import dagger.BindsInstance;
import dagger.Component;
import io.guardops.api.AttributeMapper;
import io.guardops.api.RetentionPolicy;
import io.guardops.api.TokenCache;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.store.Store;
import io.guardops.engine.internal.EvalComponents;
import io.guardops.engine.internal.IdGenerator;
import io.guardops.engine.internal.Settings;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import javax.inject.Singleton;

/** Dagger wiring of the engine's services from its chosen components. */
@Singleton
@Component
interface EngineComponent {
  Callers callers();

  Access access();

  Users users();

  Projects projects();

  Sharing sharing();

  ApiKeys apiKeys();

  Retention retention();

  Ingest ingest();

  Traces traces();

  Datasets datasets();

  Evaluations evaluations();

  Evaluators evaluators();

  Experiments experiments();

  Scores scores();

  OnlineEvaluation onlineEvaluation();

  Models models();

  Playgrounds playgrounds();

  Arena arena();

  Templates templates();

  Pii pii();

  ModelRuns modelRuns();

  @Component.Factory
  interface Factory {
    EngineComponent create(
        @BindsInstance Settings settings,
        @BindsInstance Store store,
        @BindsInstance TokenCache tokenCache,
        @BindsInstance Authenticator authenticator,
        @BindsInstance RetentionPolicy retentionPolicy,
        @BindsInstance List<AttributeMapper> mappers,
        @BindsInstance EvalComponents eval,
        @BindsInstance Clock clock,
        @BindsInstance IdGenerator ids,
        @BindsInstance SecureRandom random);
  }
}
