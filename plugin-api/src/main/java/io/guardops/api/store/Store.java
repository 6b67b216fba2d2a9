package io.guardops.api.store;

import io.guardops.api.Health;

/**
 * Everything GuardOps persists, in narrow parts a plugin implements one by one: users, projects,
 * sharing (grants and share codes), API keys, spans with their trace summaries, retention
 * bookkeeping, and small deployment metadata. The component itself only opens, checks and closes.
 *
 * <p><b>Shared rules for every part.</b> Implementations are thread-safe; reads may run alongside
 * writes. Parameters are non-null unless documented; methods never return {@code null}.
 * {@link IllegalArgumentException} means an argument broke a documented rule;
 * {@link StoreException} means the backend failed (the host answers 503 and the caller retries).
 * The store does not authorise: the engine checks who may see what before it asks. Lists are
 * ordered by (creation time, id), never by arrival. Several store instances (host instances) may
 * share one backend, and every part must be correct when they do.
 *
 * <p><b>Evolution.</b> Parts added later are default methods that return {@link
 * java.util.Optional#empty()} (an optional capability this store lacks) or that the engine can serve
 * in another way, so older stores keep compiling and working.
 */
public interface Store extends AutoCloseable {
  /** Users. */
  UserStore users();

  /** Projects. */
  ProjectStore projects();

  /** Grants and share codes of projects (and, later, datasets). */
  SharingStore sharing();

  /** API keys (hashes only). */
  ApiKeyStore apiKeys();

  /** Spans, trace summaries, metrics aggregation and purges. */
  SpanStore spans();

  /** Cleanup records and leases. */
  RetentionStore retention();

  /** Small durable key/values about the deployment (for example the auth mode it was created in). */
  MetaStore meta();

  /** Datasets with versioned items, if this store keeps them. */
  default java.util.Optional<DatasetStore> datasets() {
    return java.util.Optional.empty();
  }

  /** Evaluations of the wire contract and online evaluation rules, if this store keeps them. */
  default java.util.Optional<EvaluationStore> evaluations() {
    return java.util.Optional.empty();
  }

  /** Experiments and their results, if this store keeps them. */
  default java.util.Optional<ExperimentStore> experiments() {
    return java.util.Optional.empty();
  }

  /** Small documents of features without a table of their own, if this store keeps them. */
  default java.util.Optional<RecordStore> records() {
    return java.util.Optional.empty();
  }

  /** Scores attached to traces, if this store keeps them. */
  default java.util.Optional<ScoreStore> scores() {
    return java.util.Optional.empty();
  }

  /**
   * Numbers about the store's own machinery right now, for the engine's metrics ({@code /metrics}
   * exports each as the gauge {@code guardops_store_<name>}): names in snake_case, such as
   * {@code write_queue_depth}. Called on every scrape: cheap, no I/O, never blocks. The default has
   * none.
   */
  default java.util.Map<String, Double> gauges() {
    return java.util.Map.of();
  }

  /** Health as data (for example "sqlite 3.47 at data/guardops.db, 12 MB"); never throws. */
  Health check();

  /** Flushes and releases resources. Idempotent; later calls on the store may throw. */
  @Override
  void close();
}
