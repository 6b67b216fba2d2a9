package io.guardops.api.store;

import io.guardops.api.ComponentProvider;

/** Creates the {@link Store}; selected by {@code guardops.store} (default {@code sqlite}). Created first. */
public interface StoreProvider extends ComponentProvider<Store> {}
