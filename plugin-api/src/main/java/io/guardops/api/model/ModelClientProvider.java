package io.guardops.api.model;

import io.guardops.api.ComponentProvider;

/**
 * Creates the {@link ModelClient}; selected by {@code guardops.model-client} (default {@code openai}
 * when the plugin is installed). Created after the store and the token cache, before the
 * authenticator and the evaluators, which may use it.
 */
public interface ModelClientProvider extends ComponentProvider<ModelClient> {}
