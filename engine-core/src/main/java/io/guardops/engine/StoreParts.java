package io.guardops.engine;

import io.guardops.api.store.DatasetStore;
import io.guardops.api.store.EvaluationStore;
import io.guardops.api.store.ExperimentStore;
import io.guardops.api.store.ScoreStore;
import io.guardops.api.store.Store;
import io.guardops.engine.internal.Settings;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The store's optional parts, or a 501 that says which part the configured store lacks: a store
 * plugin older than the part keeps working for everything else.
 */
@Singleton
final class StoreParts {
  private final Store store;
  private final String name;

  @Inject
  StoreParts(Store store, Settings settings) {
    this.store = store;
    this.name = settings.store();
  }

  DatasetStore datasets() {
    return store.datasets().orElseThrow(() -> missing("datasets"));
  }

  EvaluationStore evaluations() {
    return store.evaluations().orElseThrow(() -> missing("evaluations and online evaluation rules"));
  }

  ExperimentStore experiments() {
    return store.experiments().orElseThrow(() -> missing("experiments"));
  }

  ScoreStore scores() {
    return store.scores().orElseThrow(() -> missing("scores of traces"));
  }

  private EngineException missing(String what) {
    return EngineException.notImplemented("the configured store (guardops.store=" + name + ", "
        + store.getClass().getSimpleName() + ") does not keep " + what + ": use a store plugin version that has this"
        + " part (the in-memory store, guardops.store=memory, has every part)");
  }
}
