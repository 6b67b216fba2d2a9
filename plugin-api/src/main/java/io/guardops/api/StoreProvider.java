package io.guardops.api;

/** Creates the {@link Store}; selected by {@code guardops.store} (default {@code sqlite}). */
public interface StoreProvider extends ComponentProvider<Store> {}
