package io.guardops.api;

/** Creates the {@link RetentionPolicy}; selected by {@code guardops.retention.policy} (default {@code days}). */
public interface RetentionPolicyProvider extends ComponentProvider<RetentionPolicy> {}
