package io.guardops.api;

/** Creates the {@link TokenCache}; selected by {@code guardops.tokencache} (default {@code caffeine}). */
public interface TokenCacheProvider extends ComponentProvider<TokenCache> {}
