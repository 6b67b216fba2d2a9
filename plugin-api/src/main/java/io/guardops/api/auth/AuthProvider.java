package io.guardops.api.auth;

import io.guardops.api.ComponentProvider;

/**
 * Creates the {@link Authenticator}; selected by {@code guardops.auth} (default {@code single-user}).
 * Created after the store and the token cache, which its context offers.
 */
public interface AuthProvider extends ComponentProvider<Authenticator> {}
