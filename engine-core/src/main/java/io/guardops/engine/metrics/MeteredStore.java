package io.guardops.engine.metrics;

import io.guardops.api.Health;
import io.guardops.api.store.ApiKeyStore;
import io.guardops.api.store.DatasetStore;
import io.guardops.api.store.EvaluationStore;
import io.guardops.api.store.ExperimentStore;
import io.guardops.api.store.MetaStore;
import io.guardops.api.store.ProjectStore;
import io.guardops.api.store.RecordStore;
import io.guardops.api.store.RetentionStore;
import io.guardops.api.store.ScoreStore;
import io.guardops.api.store.SharingStore;
import io.guardops.api.store.SpanStore;
import io.guardops.api.store.Store;
import io.guardops.api.store.UserStore;
import java.util.Map;
import java.util.Optional;

/**
 * A store whose span writes are timed; every other call goes straight to the store. Every method of
 * {@link Store}, default ones included, is overridden here (a test checks it), so that a part added to
 * the interface later is not silently hidden behind its default.
 */
final class MeteredStore implements Store {
  private final Store delegate;
  private final SpanStore spans;

  MeteredStore(Store delegate, Histogram writes) {
    this.delegate = delegate;
    this.spans = new MeteredSpanStore(delegate.spans(), writes);
  }

  @Override
  public UserStore users() {
    return delegate.users();
  }

  @Override
  public ProjectStore projects() {
    return delegate.projects();
  }

  @Override
  public SharingStore sharing() {
    return delegate.sharing();
  }

  @Override
  public ApiKeyStore apiKeys() {
    return delegate.apiKeys();
  }

  @Override
  public SpanStore spans() {
    return spans;
  }

  @Override
  public RetentionStore retention() {
    return delegate.retention();
  }

  @Override
  public MetaStore meta() {
    return delegate.meta();
  }

  @Override
  public Optional<DatasetStore> datasets() {
    return delegate.datasets();
  }

  @Override
  public Optional<EvaluationStore> evaluations() {
    return delegate.evaluations();
  }

  @Override
  public Optional<ExperimentStore> experiments() {
    return delegate.experiments();
  }

  @Override
  public Optional<ScoreStore> scores() {
    return delegate.scores();
  }

  @Override
  public Optional<RecordStore> records() {
    return delegate.records();
  }

  @Override
  public Map<String, Double> gauges() {
    return delegate.gauges();
  }

  @Override
  public Health check() {
    return delegate.check();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
